import { RuleError } from '../errors';
import { childPointer } from './pointer';
import type { RuleLimits } from './types';

/** A value waiting to be visited; the pointer is only built when reporting a problem. */
interface Pending {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Pending | undefined;
  readonly key: string | number;
}

function pointerOf(entry: Pending): string {
  const keys: Array<string | number> = [];
  for (let e: Pending | undefined = entry; e?.parent !== undefined; e = e.parent) keys.push(e.key);
  return keys.reverse().reduce<string>((pointer, key) => childPointer(pointer, key), '');
}

/**
 * Walks an untrusted rule value iteratively (no recursion, so no stack overflow) and refuses
 * it as soon as it exceeds a cap or holds something that is not JSON data.
 * Throws RuleError `rule.too-deep`, `rule.too-large` or `rule.invalid-value`.
 */
export function prescanRule(rule: unknown, limits: RuleLimits): void {
  const stack: Pending[] = [{ value: rule, depth: 0, parent: undefined, key: '' }];
  let nodes = 0;
  let size = 0;
  while (stack.length > 0) {
    const entry = stack.pop() as Pending;
    const { value, depth } = entry;
    nodes++;
    if (nodes > limits.maxNodes) throw tooLarge(pointerOf(entry), `rule has more than ${limits.maxNodes} values`, { maxNodes: limits.maxNodes });
    if (depth > limits.maxDepth) {
      const pointer = pointerOf(entry);
      const message = `rule is nested deeper than ${limits.maxDepth} levels`;
      throw new RuleError({ code: 'rule.too-deep', pointer, message, details: [{ pointer, code: 'too-deep', message, params: { maxDepth: limits.maxDepth } }] });
    }
    size += sizeOf(entry);
    if (size > limits.maxSize) throw tooLarge(pointerOf(entry), `rule is larger than ${limits.maxSize} characters`, { maxSize: limits.maxSize });
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth: depth + 1, parent: entry, key: i });
    } else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        size += key.length + 3;
        stack.push({ value: record[key], depth: depth + 1, parent: entry, key });
      }
    }
  }
}

function tooLarge(pointer: string, message: string, params: Record<string, unknown>): RuleError {
  return new RuleError({ code: 'rule.too-large', pointer, message, details: [{ pointer, code: 'too-large', message, params }] });
}

function sizeOf(entry: Pending): number {
  const value = entry.value;
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'boolean':
      return 5;
    case 'number':
      if (!Number.isFinite(value)) throw invalid(entry, `number ${String(value)} is not JSON`);
      return 8;
    case 'object': {
      if (value === null) return 4;
      if (Array.isArray(value)) return 2;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw invalid(entry, 'only plain JSON objects are allowed');
      return 2;
    }
    default:
      throw invalid(entry, `${typeof value} is not a JSON value`);
  }
}

function invalid(entry: Pending, message: string): RuleError {
  const pointer = pointerOf(entry);
  return new RuleError({ code: 'rule.invalid-value', pointer, message, details: [{ pointer, code: 'invalid-value', message }] });
}
