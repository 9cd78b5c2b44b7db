import { RuleError } from '../errors';
import type { OperatorRegistry } from './operators/registry';
import { BUSINESS_OWNER } from './operators/business';
import { STANDARD_OPERATORS } from './operators/standard';
import * as rt from './runtime';
import type { OpNode, RuleContext, RuleNode } from './types';

/** Called with every scope-0 node and its value, once evaluated (explain uses it). */
export type NodeObserver = (node: RuleNode, value: unknown) => void;

/**
 * Work an evaluation may do, for rules or data nobody vetted (a preview on a sample record):
 * sub-rule evaluations (loop bodies count once per element), and the length of any list or
 * text a sub-rule produces. A rule such as `reduce` of `merge(accumulator, accumulator)` doubles
 * a list at every step and would otherwise take all memory from a 100-byte request. Exceeding a
 * limit throws RuleError `rule.budget-exceeded` at the sub-rule that did.
 */
export interface EvaluationLimits {
  maxSteps: number;
  /** Longest list (elements) or text (characters) a sub-rule may produce. */
  maxLength: number;
}

/**
 * The budget of every rule evaluation on a request path (explain, previews, published guards):
 * 1,000,000 steps, lists and texts of 100,000.
 *
 * @example
 * ```ts
 * explain(rule, sample, { budget: DEFAULT_EVALUATION_LIMITS });
 * ```
 */
export const DEFAULT_EVALUATION_LIMITS: Readonly<EvaluationLimits> = Object.freeze({ maxSteps: 1_000_000, maxLength: 100_000 });

/**
 * Operators whose cost grows with the size of their values rather than being one step: those
 * that build a list or text (charged its length) and `in` (charged the length it searches).
 * Operators of plugins are charged the length of what they return.
 */
const SIZED = new Set(['merge', 'cat', 'substr', 'map', 'filter', 'in']);

/**
 * Whether evaluating `tree` can take more work than its size: it has a loop (map, filter,
 * reduce, all, some, none), builds lists or texts (merge, cat, substr), searches a list or text
 * it reads (in), or calls an operator that is not json-logic's. Rules without any of these run
 * each sub-rule once, on values no bigger than the record; the others must run under
 * {@link EvaluationLimits}.
 *
 * @example
 * ```ts
 * needsBudget(parseRule({ '<=': [{ var: 'a' }, { var: 'b' }] }), standardOperators); // false
 * needsBudget(parseRule({ all: [{ var: 'lines' }, { '>': [{ var: 'qty' }, 0] }] }), standardOperators); // true
 * ```
 */
export function needsBudget(tree: RuleNode, operators: OperatorRegistry): boolean {
  const stack: RuleNode[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop() as RuleNode;
    if (node.kind === 'array') stack.push(...node.items);
    else if (node.kind === 'var') {
      if (node.dynamic !== undefined) stack.push(node.dynamic);
      if (node.fallback !== undefined) stack.push(node.fallback);
    } else if (node.kind === 'op') {
      const op = node.op;
      // Business operators are the platform's own, of constant cost; plugins' may do anything.
      if (!STANDARD.has(op) && operators.get(op)?.owner !== BUSINESS_OWNER) return true;
      if (LOOPS.has(op)) return true;
      // `in` over a list written in the rule is bounded by the rule's size.
      if (SIZED.has(op) && !(op === 'in' && node.args[1]?.kind !== 'var' && node.args[1]?.kind !== 'op')) return true;
      stack.push(...node.args);
    }
  }
  return false;
}

const LOOPS = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none']);
const STANDARD: ReadonlySet<string> = new Set(Object.keys(STANDARD_OPERATORS));

/**
 * Tree-walking evaluator over the checked tree, with the same runtime helpers as the compiled
 * code. Used by `explain` and as the CSP-safe fallback of `compileRule`; no eval, no Function.
 *
 * @example
 * ```ts
 * interpretRule(parseRule({ '+': [1, { var: 'a' }] }), { a: 2 }, standardOperators, {}); // 3
 * ```
 */
export function interpretRule(tree: RuleNode, data: unknown, operators: OperatorRegistry, ctx: RuleContext, observe?: NodeObserver, limits?: EvaluationLimits): unknown {
  return new Interpreter(operators, ctx, observe, limits).eval(tree, data);
}

class Interpreter {
  constructor(
    private readonly operators: OperatorRegistry,
    private readonly ctx: RuleContext,
    private readonly observe: NodeObserver | undefined,
    private readonly limits: EvaluationLimits | undefined,
  ) {}

  /** Nesting of scoped bodies currently being evaluated; only depth 0 is observed. */
  private depth = 0;
  private steps = 0;

  eval(node: RuleNode, data: unknown): unknown {
    const limits = this.limits;
    if (limits !== undefined && ++this.steps > limits.maxSteps) throw overBudget(node, `the evaluation took more than ${limits.maxSteps} steps`);
    const value = this.evalNode(node, data);
    if (limits !== undefined && (Array.isArray(value) || typeof value === 'string')) {
      if (value.length > limits.maxLength) throw overBudget(node, `a sub-rule produced ${Array.isArray(value) ? 'a list' : 'a text'} longer than ${limits.maxLength}`);
      // Building a list or text costs its length: a loop that copies a growing list is
      // quadratic work in few steps otherwise.
      if (node.kind === 'op' && node.op !== 'in' && (SIZED.has(node.op) || !STANDARD.has(node.op)) && (this.steps += value.length) > limits.maxSteps) {
        throw overBudget(node, `the evaluation took more than ${limits.maxSteps} steps`);
      }
    }
    if (this.observe !== undefined && this.depth === 0) this.observe(node, value);
    return value;
  }

  private evalNode(node: RuleNode, data: unknown): unknown {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'array':
        return node.items.map((item) => this.eval(item, data));
      case 'var': {
        const fallback = node.fallback === undefined ? undefined : this.eval(node.fallback, data);
        if (node.dynamic !== undefined) return rt.readPath(data, this.eval(node.dynamic, data), fallback);
        return node.path === null ? data : rt.readSegments(data, node.path, fallback);
      }
      case 'op':
        return this.op(node, data);
    }
  }

  private body(node: RuleNode | undefined, asTest: boolean): rt.ScopedBody {
    return (datum) => {
      this.depth++;
      try {
        const value = node === undefined ? undefined : this.eval(node, datum);
        return asTest ? rt.truthy(value) : value;
      } finally {
        this.depth--;
      }
    };
  }

  private op(node: OpNode, data: unknown): unknown {
    const { op, args } = node;
    switch (op) {
      case 'if':
      case '?:': {
        let i = 0;
        for (; i < args.length - 1; i += 2) {
          if (rt.truthy(this.eval(args[i] as RuleNode, data))) return this.eval(args[i + 1] as RuleNode, data);
        }
        return args.length === i + 1 ? this.eval(args[i] as RuleNode, data) : null;
      }
      case 'and':
      case 'or': {
        let current: unknown;
        for (const arg of args) {
          current = this.eval(arg, data);
          if (rt.truthy(current) === (op === 'or')) return current;
        }
        return current;
      }
      case 'map':
      case 'filter':
      case 'all':
      case 'some':
      case 'none': {
        const items = this.eval(args[0] as RuleNode, data);
        const body = this.body(args[1], op !== 'map');
        const run = { map: rt.mapOp, filter: rt.filterOp, all: rt.allOp, some: rt.someOp, none: rt.noneOp }[op];
        return run(items, body, this.ctx);
      }
      case 'reduce': {
        const items = this.eval(args[0] as RuleNode, data);
        const initial = args[2] === undefined ? null : this.eval(args[2], data);
        return rt.reduceOp(items, this.body(args[1], false), this.ctx, initial);
      }
    }
    const v = args.map((arg) => this.eval(arg, data));
    const [a, b, c] = v;
    switch (op) {
      case '==': return a == b;
      case '===': return a === b;
      case '!=': return a != b;
      case '!==': return a !== b;
      case '>': return (a as number) > (b as number);
      case '>=': return (a as number) >= (b as number);
      case '<': return c === undefined ? (a as number) < (b as number) : (a as number) < (b as number) && (b as number) < (c as number);
      case '<=': return c === undefined ? (a as number) <= (b as number) : (a as number) <= (b as number) && (b as number) <= (c as number);
      case '!!': return rt.truthy(a);
      case '!': return !rt.truthy(a);
      case '%': return (a as number) % (b as number);
      case '/': return (a as number) / (b as number);
      case '-': return rt.minus(a, b);
      case '+': return rt.plus(v);
      case '*': return rt.times(v);
      case 'min': return rt.min(v);
      case 'max': return rt.max(v);
      case 'cat': return rt.cat(v);
      case 'merge': return rt.merge(v);
      case 'substr': return rt.substr(a, b, c);
      case 'in':
        if (this.limits !== undefined && (Array.isArray(b) || typeof b === 'string') && (this.steps += b.length) > this.limits.maxSteps) throw overBudget(node, `the evaluation took more than ${this.limits.maxSteps} steps`);
        return rt.inOp(a, b);
      case 'log': return rt.log(this.ctx, a);
      case 'missing': return rt.missing(data, v);
      case 'missing_some': return rt.missingSome(data, a, b);
    }
    const definition = this.operators.get(op)?.definition;
    if (definition === undefined) throw new Error(`operator '${op}' has no implementation`);
    return definition.evaluate(v, this.ctx);
  }
}

function overBudget(node: RuleNode, message: string): RuleError {
  return new RuleError({ code: 'rule.budget-exceeded', pointer: node.pointer, message, details: [{ pointer: node.pointer, code: 'budget-exceeded', message }] });
}
