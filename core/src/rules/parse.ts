import { RuleError } from '../errors';
import type { OperatorRegistry } from './operators/registry';
import { standardOperators } from './operators/registry';
import { childPointer } from './pointer';
import { prescanRule } from './prescan';
import { FORBIDDEN_SEGMENTS } from './runtime';
import { DEFAULT_RULE_LIMITS, type JsonPrimitive, type RuleLimits, type RuleNode } from './types';

/**
 * Options of {@link parseRule}.
 *
 * @example
 * ```ts
 * parseRule(rule, { operators: myRegistry, limits: { maxDepth: 32 } });
 * ```
 */
export interface ParseOptions {
  /** Operator allowlist; defaults to json-logic's standard operators. */
  operators?: OperatorRegistry;
  /** Overrides of {@link DEFAULT_RULE_LIMITS}. */
  limits?: Partial<RuleLimits>;
}

/**
 * Parses an untrusted json-logic rule into the typed {@link RuleNode} tree. Caps depth and size
 * first (iteratively), then checks the operator allowlist, arities and `var` paths.
 * Throws a {@link RuleError} with a JSON `pointer` into the rule; never crashes on hostile input.
 *
 * @example
 * ```ts
 * const tree = parseRule({ and: [{ '>=': [{ var: 'amount' }, 10000] }, { '==': [{ var: 'stage' }, 'proposal'] }] });
 * parseRule({ var: '__proto__.polluted' }); // throws RuleError rule.forbidden-path at "/var"
 * ```
 */
export function parseRule(rule: unknown, options: ParseOptions = {}): RuleNode {
  const limits: RuleLimits = { ...DEFAULT_RULE_LIMITS, ...options.limits };
  prescanRule(rule, limits);
  return new Parser(options.operators ?? standardOperators).node(rule, '', 0);
}

/**
 * Parses rule JSON text, refusing oversized text before `JSON.parse` sees it.
 *
 * @example
 * ```ts
 * const tree = parseRuleJson('{"var":"amount"}');
 * ```
 */
export function parseRuleJson(text: string, options: ParseOptions = {}): RuleNode {
  const maxSize = options.limits?.maxSize ?? DEFAULT_RULE_LIMITS.maxSize;
  if (text.length > maxSize) {
    throw new RuleError({ code: 'rule.too-large', pointer: '', message: `rule text is larger than ${maxSize} characters` });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new RuleError({ code: 'rule.invalid-json', pointer: '', message: 'rule is not valid JSON', cause });
  }
  return parseRule(value, options);
}

function fail(code: string, pointer: string, message: string, params?: Record<string, unknown>): RuleError {
  return new RuleError({ code, pointer, message, details: [{ pointer, code: code.replace(/^rule\./, ''), message, ...(params ? { params } : {}) }] });
}

function pointerAt(base: string, i: number): string {
  return `${base}/${i}`;
}

function pointerSame(base: string): string {
  return base;
}

/** Constant field names given to missing / missing_some are var paths: same restrictions. */
function checkKeys(args: readonly RuleNode[]): void {
  for (const arg of args) {
    if (arg.kind === 'array') checkKeys(arg.items);
    if (arg.kind !== 'literal' || (typeof arg.value !== 'string' && typeof arg.value !== 'number')) continue;
    const segment = String(arg.value).split('.').find((s) => FORBIDDEN_SEGMENTS.has(s));
    if (segment !== undefined) throw fail('rule.forbidden-path', arg.pointer, `path segment '${segment}' is not allowed in a field name`, { segment });
  }
}

class Parser {
  constructor(private readonly operators: OperatorRegistry) {}

  node(value: unknown, pointer: string, scope: number): RuleNode {
    if (value === null || typeof value !== 'object') return { kind: 'literal', value: value as JsonPrimitive, pointer };
    if (Array.isArray(value)) {
      return { kind: 'array', items: value.map((item, i) => this.node(item, childPointer(pointer, i), scope)), pointer };
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    const op = keys[0];
    if (keys.length !== 1 || op === undefined) {
      throw fail('rule.invalid-node', pointer, `an operation is an object with exactly one key (the operator); found ${keys.length} keys`);
    }
    const entry = this.operators.get(op);
    if (entry === undefined) {
      throw fail('rule.unknown-operator', pointer, `unknown operator '${op.slice(0, 60)}'`, { operator: op.slice(0, 200) });
    }
    const raw = record[op];
    const rawArgs: unknown[] = Array.isArray(raw) ? raw : [raw];
    const opPointer = childPointer(pointer, op);
    const argPointer = Array.isArray(raw) ? pointerAt.bind(null, opPointer) : pointerSame.bind(null, opPointer);
    const sig = entry.signature;
    const minArgs = sig.minArgs ?? sig.params.length;
    const maxArgs = sig.rest === undefined ? sig.params.length : Infinity;
    if (rawArgs.length < minArgs || rawArgs.length > maxArgs) {
      const expected = maxArgs === Infinity ? `at least ${minArgs}` : minArgs === maxArgs ? `${minArgs}` : `${minArgs} to ${maxArgs}`;
      throw fail('rule.arity', pointer, `'${op}' takes ${expected} argument(s), got ${rawArgs.length}`, { operator: op, min: minArgs, max: maxArgs === Infinity ? null : maxArgs });
    }
    if (op === 'var') return this.variable(rawArgs, pointer, argPointer, scope);
    const scoped = op === 'map' || op === 'filter' || op === 'reduce' || op === 'all' || op === 'some' || op === 'none';
    const args = rawArgs.map((arg, i) => this.node(arg, argPointer(i), scoped && i === 1 ? scope + 1 : scope));
    if (op === 'missing' || op === 'missing_some') checkKeys(op === 'missing' ? args : args.slice(1));
    return { kind: 'op', op, args, pointer, scope };
  }

  private variable(rawArgs: unknown[], pointer: string, argPointer: (i: number) => string, scope: number): RuleNode {
    const first = rawArgs[0];
    const fallback = rawArgs.length > 1 ? this.node(rawArgs[1], argPointer(1), scope) : undefined;
    if (first !== null && typeof first === 'object') {
      return { kind: 'var', path: null, dynamic: this.node(first, argPointer(0), scope), fallback, pointer, scope };
    }
    if (first === undefined || first === null || first === '') {
      return { kind: 'var', path: null, dynamic: undefined, fallback, pointer, scope };
    }
    const path = String(first).split('.');
    for (const segment of path) {
      if (FORBIDDEN_SEGMENTS.has(segment)) {
        throw fail('rule.forbidden-path', argPointer(0), `path segment '${segment}' is not allowed in a var path`, { segment });
      }
      if (segment === '') throw fail('rule.invalid-path', argPointer(0), `var path '${String(first).slice(0, 200)}' has an empty segment`);
    }
    return { kind: 'var', path, dynamic: undefined, fallback, pointer, scope };
  }
}
