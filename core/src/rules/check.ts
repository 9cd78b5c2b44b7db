import type { ErrorDetail } from '../errors';
import { RuleError } from '../errors';
import { standardOperators, type OperatorRegistry } from './operators/registry';
import { ARITHMETIC_OPERATORS, COMPARISON_OPERATORS, SCOPED_OPERATORS } from './operators/standard';
import { parseRule, type ParseOptions } from './parse';
import { deref, lookupField } from './schema-types';
import type { JsonPrimitive, JsonSchema, OpNode, RuleNode, ValueType } from './types';

/**
 * Options of {@link checkRule}.
 *
 * @example
 * ```ts
 * checkRule(rule, { operators, schema: dealSchema });
 * ```
 */
export interface CheckOptions extends ParseOptions {
  /** Entity schema (JSON Schema 2020-12 object schema of the record body). */
  schema?: JsonSchema;
}

/** Static type of a sub-rule as the checker sees it. */
interface TypeInfo {
  readonly type: ValueType;
  readonly literal?: JsonPrimitive;
  readonly isLiteral: boolean;
  /** Whether the type comes from the entity schema (only those are held against operators). */
  readonly fromSchema?: boolean;
  /** The sub-rule, named in messages by {@link label} (only when a problem is reported). */
  readonly node: RuleNode | undefined;
  readonly schema?: JsonSchema | undefined;
}

const DATE_LITERAL = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const ANY: TypeInfo = { type: 'any', isLiteral: false, node: undefined };

/** How messages name a sub-rule. */
function label(info: TypeInfo): string {
  const node = info.node;
  if (node === undefined) return 'value';
  switch (node.kind) {
    case 'literal':
      return JSON.stringify(node.value).slice(0, 60);
    case 'array':
      return 'a list';
    case 'var':
      return node.path?.join('.') ?? 'the record';
    case 'op':
      return `${node.op}(…)`;
  }
}

/**
 * Parses and checks a rule before it is saved: operator allowlist, arity, `var` paths, caps
 * (see {@link parseRule}), then, when a schema is given, unknown fields and type mismatches
 * (e.g. a `format: date` field compared with a number), and argument types of typed operators.
 * Throws one {@link RuleError} whose `code`/`pointer` are those of the first problem and whose
 * `details` list every problem.
 *
 * @example
 * ```ts
 * checkRule({ '>': [{ var: 'closed_on' }, 5] }, { schema });
 * // RuleError { code: 'rule.type-mismatch', pointer: '', details: [...] }
 * ```
 */
export function checkRule(rule: unknown, options: CheckOptions = {}): RuleNode {
  const tree = parseRule(rule, options);
  const problems = typeProblems(tree, options);
  const first = problems[0];
  if (first !== undefined) {
    throw new RuleError({
      code: `rule.${first.code ?? 'invalid'}`,
      pointer: first.pointer,
      message: problems.length === 1 ? first.message : `${first.message} (and ${problems.length - 1} more problem(s))`,
      details: problems,
    });
  }
  return tree;
}

/**
 * Type problems of a parsed tree, without throwing (the studio shows them inline).
 *
 * @example
 * ```ts
 * const problems = typeProblems(parseRule(rule, { operators }), { operators, schema });
 * ```
 */
export function typeProblems(tree: RuleNode, options: CheckOptions = {}): ErrorDetail[] {
  const checker = new TypeChecker(options);
  checker.infer(tree, options.schema);
  return checker.problems;
}

class TypeChecker {
  readonly problems: ErrorDetail[] = [];
  private readonly operators: OperatorRegistry;
  constructor(private readonly options: CheckOptions) {
    this.operators = options.operators ?? standardOperators;
  }

  infer(node: RuleNode, scope: JsonSchema | undefined): TypeInfo {
    switch (node.kind) {
      case 'literal': {
        const v = node.value;
        const type: ValueType = v === null ? 'null' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string';
        return { type, literal: v, isLiteral: true, node };
      }
      case 'array':
        for (const item of node.items) this.infer(item, scope);
        return { type: 'array', isLiteral: false, node };
      case 'var': {
        if (node.fallback !== undefined) this.infer(node.fallback, scope);
        if (node.dynamic !== undefined) this.infer(node.dynamic, scope);
        if (node.path === null || scope === undefined) return { type: 'any', isLiteral: false, node };
        const found = lookupField(scope, node.path, this.options.schema ?? scope);
        if (!found.found) {
          const name = node.path.join('.');
          this.report(node.pointer, 'unknown-field', `unknown field '${name}'`, { field: name, segment: node.path[found.at] });
          return { type: 'any', isLiteral: false, node };
        }
        return { type: found.type, isLiteral: false, fromSchema: true, node, schema: found.schema };
      }
      case 'op':
        return this.op(node, scope);
    }
  }

  private op(node: OpNode, scope: JsonSchema | undefined): TypeInfo {
    const { op, args } = node;
    if (SCOPED_OPERATORS.has(op)) return this.scoped(node, scope);
    const infos: TypeInfo[] = new Array<TypeInfo>(args.length);
    for (let i = 0; i < args.length; i++) infos[i] = this.infer(args[i] as RuleNode, scope);
    if ((op === 'missing' || op === 'missing_some') && scope !== undefined) this.missingKeys(op === 'missing' ? args : args.slice(1), scope);
    const entry = this.operators.get(op);
    if (COMPARISON_OPERATORS.has(op)) {
      const strict = op === '===' || op === '!==';
      for (let i = 0; i + 1 < infos.length; i++) {
        const a = infos[i] as TypeInfo;
        const b = infos[i + 1] as TypeInfo;
        if ((a.fromSchema === true || b.fromSchema === true) && !comparable(a, b, strict)) {
          this.report(node.pointer, 'type-mismatch', `cannot compare ${label(a)} (${a.type}) with ${label(b)} (${b.type}) using '${op}'`, { left: a.type, right: b.type });
        }
      }
      return { type: 'boolean', isLiteral: false, node };
    }
    if (ARITHMETIC_OPERATORS.has(op)) {
      infos.forEach((info, i) => {
        if (info.fromSchema === true && !accepts('number', info, false)) {
          this.report(args[i]?.pointer ?? node.pointer, 'type-mismatch', `'${op}' needs numbers, ${label(info)} is ${article(info.type)}`, { expected: 'number', actual: info.type });
        }
      });
      return op === '*' && infos.length === 1 ? (infos[0] as TypeInfo) : { type: 'number', isLiteral: false, node };
    }
    if (entry !== undefined && !entry.builtin) {
      const sig = entry.signature;
      infos.forEach((info, i) => {
        const expected = sig.params[i] ?? sig.rest ?? 'any';
        if ((info.fromSchema === true || info.isLiteral) && !accepts(expected, info, false)) {
          this.report(args[i]?.pointer ?? node.pointer, 'type-mismatch', `argument ${i + 1} of '${op}' must be ${article(expected)}, ${label(info)} is ${article(info.type)}`, { expected, actual: info.type });
        }
      });
      return { type: sig.returns, isLiteral: false, node };
    }
    switch (op) {
      case 'if':
      case '?:':
      case 'and':
      case 'or': {
        const results = op === 'and' || op === 'or' ? infos : infos.filter((_, i) => i % 2 === 1 || i === infos.length - 1);
        const first = results[0];
        const same = first !== undefined && results.every((r) => r.type === first.type);
        return { type: same ? first.type : 'any', isLiteral: false, node };
      }
      case 'log':
        return infos[0] ?? ANY;
      default:
        return { type: entry?.signature.returns ?? 'any', isLiteral: false, node };
    }
  }

  private scoped(node: OpNode, scope: JsonSchema | undefined): TypeInfo {
    const [collectionNode, body, initial] = node.args;
    const collection = this.infer(collectionNode as RuleNode, scope);
    if (collection.fromSchema === true && collection.type !== 'any' && collection.type !== 'array') {
      this.report(node.pointer, 'type-mismatch', `'${node.op}' needs a list, ${label(collection)} is ${article(collection.type)}`, { expected: 'array', actual: collection.type });
    }
    const items = collection.schema?.items;
    const root = this.options.schema;
    const itemSchema = typeof items === 'object' && items !== null && root !== undefined ? deref(root, items as JsonSchema) : undefined;
    if (initial !== undefined) this.infer(initial, scope);
    let bodyScope: JsonSchema | undefined = itemSchema;
    if (node.op === 'reduce' && scope !== undefined) {
      bodyScope = { type: 'object', properties: { current: itemSchema ?? {}, accumulator: {} }, additionalProperties: false };
    }
    if (body !== undefined) this.infer(body, bodyScope);
    if (node.op === 'reduce' && body !== undefined && this.accumulatorCopies(body) >= 2) {
      this.report(body.pointer, 'unbounded-growth', `this 'reduce' keeps its accumulator more than once in its result, so the result at least doubles with every element (28 elements need gigabytes); keep one copy`);
    }
    const type: ValueType = node.op === 'map' || node.op === 'filter' ? 'array' : node.op === 'reduce' ? 'any' : 'boolean';
    return { type, isLiteral: false, node };
  }

  /**
   * How many copies of a `reduce` accumulator the value of `node` (a reduce body, evaluated
   * once per element) can contain. Two or more mean exponential growth: `merge`, `cat` and list
   * literals put their operands side by side, `if`/`and`/`or` return one operand, comparisons
   * and arithmetic return scalars. Nested scoped bodies cannot see this accumulator; a nested
   * operator's collection and initial value can. Plugin operators that may return lists, texts,
   * objects or anything are assumed to hold their arguments.
   */
  private accumulatorCopies(node: RuleNode): number {
    switch (node.kind) {
      case 'literal':
        return 0;
      case 'array':
        return this.sumCopies(node.items);
      case 'var': {
        const fallback = node.fallback === undefined ? 0 : this.accumulatorCopies(node.fallback);
        // A computed path or the whole element ({ current, accumulator }) may be the accumulator.
        const read = node.dynamic !== undefined || node.path === null || node.path[0] === 'accumulator' ? 1 : 0;
        return Math.max(read, fallback);
      }
      case 'op': {
        const { op, args } = node;
        switch (op) {
          case 'merge':
          case 'cat':
            return this.sumCopies(args);
          case 'if':
          case '?:':
            return Math.max(0, ...args.filter((_, i) => i % 2 === 1 || i === args.length - 1).map((a) => this.accumulatorCopies(a)));
          case 'and':
          case 'or':
            return Math.max(0, ...args.map((a) => this.accumulatorCopies(a)));
          case 'substr':
          case 'log':
          case 'map':
          case 'filter':
            return args[0] === undefined ? 0 : this.accumulatorCopies(args[0]);
          case 'reduce':
            return (args[0] === undefined ? 0 : this.accumulatorCopies(args[0])) + (args[2] === undefined ? 0 : this.accumulatorCopies(args[2]));
          case 'missing':
          case 'missing_some':
            // The missing keys: as many as the keys given.
            return this.sumCopies(args);
        }
        const entry = this.operators.get(op);
        if (entry === undefined || entry.builtin) return 0;
        const returns = entry.signature.returns;
        return returns === 'array' || returns === 'string' || returns === 'object' || returns === 'any' ? this.sumCopies(args) : 0;
      }
    }
  }

  private sumCopies(nodes: readonly RuleNode[]): number {
    let n = 0;
    for (const node of nodes) n += this.accumulatorCopies(node);
    return n;
  }

  private missingKeys(args: readonly RuleNode[], scope: JsonSchema): void {
    const keys = args.length === 1 && args[0]?.kind === 'array' ? args[0].items : args;
    for (const key of keys) {
      if (key.kind !== 'literal' || typeof key.value !== 'string' || key.value === '') continue;
      const path = key.value.split('.');
      if (!lookupField(scope, path, this.options.schema ?? scope).found) this.report(key.pointer, 'unknown-field', `unknown field '${key.value}'`, { field: key.value });
    }
  }

  private report(pointer: string, code: string, message: string, params?: Record<string, unknown>): void {
    this.problems.push({ pointer, code, message, ...(params ? { params } : {}) });
  }
}

type Family = 'num' | 'str' | 'date' | 'bool' | 'arr' | 'obj' | undefined;

function family(type: ValueType): Family {
  switch (type) {
    case 'number': return 'num';
    case 'string': return 'str';
    case 'date':
    case 'datetime': return 'date';
    case 'boolean': return 'bool';
    case 'array': return 'arr';
    case 'object': return 'obj';
    default: return undefined;
  }
}

function comparable(a: TypeInfo, b: TypeInfo, strict: boolean): boolean {
  return accepts(a.type, b, strict) || accepts(b.type, a, strict);
}

/** Whether a value described by `info` fits where `expected` is wanted. */
function accepts(expected: ValueType, info: TypeInfo, strict: boolean): boolean {
  const want = family(expected);
  const have = family(info.type);
  if (want === undefined || have === undefined || want === have) return true;
  if (have === 'str' && info.isLiteral && typeof info.literal === 'string') {
    if (want === 'date') return DATE_LITERAL.test(info.literal);
    if (want === 'num') return !strict && info.literal.trim() !== '' && Number.isFinite(Number(info.literal));
  }
  return (want === 'str' && have === 'date') || (want === 'date' && have === 'str' && !info.isLiteral);
}

function article(type: ValueType): string {
  if (type === 'any') return 'any value';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
