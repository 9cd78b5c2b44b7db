import { RuleError } from '../errors';
import { childPointer } from './pointer';
import type { RuleLimits } from './types';

/**
 * Walks an untrusted rule value iteratively (no recursion, so no stack overflow) and refuses
 * it as soon as it exceeds a cap or holds something that is not JSON data.
 * Throws RuleError `rule.too-deep`, `rule.too-large` or `rule.invalid-value`.
 */
export function prescanRule(rule: unknown, limits: RuleLimits): void {
  const stack: Array<[unknown, number, string]> = [[rule, 0, '']];
  let nodes = 0;
  let size = 0;
  while (stack.length > 0) {
    const [value, depth, pointer] = stack.pop() as [unknown, number, string];
    nodes++;
    if (nodes > limits.maxNodes) {
      throw new RuleError({ code: 'rule.too-large', pointer, message: `rule has more than ${limits.maxNodes} values`, details: [{ pointer, code: 'too-large', message: 'too many values', params: { maxNodes: limits.maxNodes } }] });
    }
    if (depth > limits.maxDepth) {
      throw new RuleError({ code: 'rule.too-deep', pointer, message: `rule is nested deeper than ${limits.maxDepth} levels`, details: [{ pointer, code: 'too-deep', message: 'nested too deeply', params: { maxDepth: limits.maxDepth } }] });
    }
    size += sizeOf(value, pointer);
    if (size > limits.maxSize) {
      throw new RuleError({ code: 'rule.too-large', pointer, message: `rule is larger than ${limits.maxSize} characters`, details: [{ pointer, code: 'too-large', message: 'rule too large', params: { maxSize: limits.maxSize } }] });
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], depth + 1, childPointer(pointer, i)]);
    } else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        size += key.length + 3;
        stack.push([record[key], depth + 1, childPointer(pointer, key)]);
      }
    }
  }
}

function sizeOf(value: unknown, pointer: string): number {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'boolean':
      return 5;
    case 'number':
      if (!Number.isFinite(value)) throw invalid(pointer, `number ${String(value)} is not JSON`);
      return 8;
    case 'object': {
      if (value === null) return 4;
      if (Array.isArray(value)) return 2;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw invalid(pointer, 'only plain JSON objects are allowed');
      return 2;
    }
    default:
      throw invalid(pointer, `${typeof value} is not a JSON value`);
  }
}

function invalid(pointer: string, message: string): RuleError {
  return new RuleError({ code: 'rule.invalid-value', pointer, message, details: [{ pointer, code: 'invalid-value', message }] });
}
