import { RuleError } from '../errors';
import type { OperatorRegistry } from './operators/registry';
import { standardOperators } from './operators/registry';
import { childPointer } from './pointer';
import { prescanRule } from './prescan';
import { isForbiddenSegment } from './runtime';
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
  const limits: RuleLimits = options.limits === undefined ? DEFAULT_RULE_LIMITS : { ...DEFAULT_RULE_LIMITS, ...options.limits };
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

/** Constant field names given to missing / missing_some are var paths: same restrictions. */
function checkKeys(args: readonly RuleNode[]): void {
  for (const arg of args) {
    if (arg.kind === 'array') checkKeys(arg.items);
    if (arg.kind !== 'literal' || (typeof arg.value !== 'string' && typeof arg.value !== 'number')) continue;
    for (const segment of String(arg.value).split('.')) {
      if (isForbiddenSegment(segment)) throw fail('rule.forbidden-path', arg.pointer, `path segment '${segment}' is not allowed in a field name`, { segment });
    }
  }
}

function isScoped(op: string): boolean {
  return op === 'map' || op === 'filter' || op === 'reduce' || op === 'all' || op === 'some' || op === 'none';
}

class Parser {
  constructor(private readonly operators: OperatorRegistry) {}

  node(value: unknown, pointer: string, scope: number): RuleNode {
    if (value === null || typeof value !== 'object') return { kind: 'literal', value: value as JsonPrimitive, pointer };
    if (Array.isArray(value)) {
      const items: RuleNode[] = new Array<RuleNode>(value.length);
      for (let i = 0; i < value.length; i++) items[i] = this.node(value[i], `${pointer}/${i}`, scope);
      return { kind: 'array', items, pointer };
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
    const list = Array.isArray(raw);
    const rawArgs: readonly unknown[] = list ? raw : [raw];
    const sig = entry.signature;
    const minArgs = sig.minArgs ?? sig.params.length;
    const maxArgs = sig.rest === undefined ? sig.params.length : Infinity;
    if (rawArgs.length < minArgs || rawArgs.length > maxArgs) {
      const expected = maxArgs === Infinity ? `at least ${minArgs}` : minArgs === maxArgs ? `${minArgs}` : `${minArgs} to ${maxArgs}`;
      throw fail('rule.arity', pointer, `'${op}' takes ${expected} argument(s), got ${rawArgs.length}`, { operator: op, min: minArgs, max: maxArgs === Infinity ? null : maxArgs });
    }
    // Pointer of argument i: /op/i for a list of arguments, /op for a single bare argument.
    const opPointer = childPointer(pointer, op);
    const argBase = list ? `${opPointer}/` : opPointer;
    if (op === 'var') return this.variable(rawArgs, pointer, list, argBase, scope);
    const scoped = isScoped(op);
    const args: RuleNode[] = new Array<RuleNode>(rawArgs.length);
    for (let i = 0; i < rawArgs.length; i++) {
      args[i] = this.node(rawArgs[i], list ? argBase + i : argBase, scoped && i === 1 ? scope + 1 : scope);
    }
    if (op === 'missing') checkKeys(args);
    else if (op === 'missing_some') checkKeys(args.slice(1));
    return { kind: 'op', op, args, pointer, scope };
  }

  private variable(rawArgs: readonly unknown[], pointer: string, list: boolean, argBase: string, scope: number): RuleNode {
    const first = rawArgs[0];
    const fallback = rawArgs.length > 1 ? this.node(rawArgs[1], list ? `${argBase}1` : argBase, scope) : undefined;
    const firstPointer = list ? `${argBase}0` : argBase;
    if (first !== null && typeof first === 'object') {
      return { kind: 'var', path: null, dynamic: this.node(first, firstPointer, scope), fallback, pointer, scope };
    }
    if (first === undefined || first === null || first === '') {
      return { kind: 'var', path: null, dynamic: undefined, fallback, pointer, scope };
    }
    const path = String(first).split('.');
    for (const segment of path) {
      if (isForbiddenSegment(segment)) {
        throw fail('rule.forbidden-path', firstPointer, `path segment '${segment}' is not allowed in a var path`, { segment });
      }
      if (segment === '') throw fail('rule.invalid-path', firstPointer, `var path '${String(first).slice(0, 200)}' has an empty segment`);
    }
    return { kind: 'var', path, dynamic: undefined, fallback, pointer, scope };
  }
}
