import { RuleError } from '../errors';
import { checkRule, type CheckOptions } from './check';
import { generateSource, HELPER_NAMES } from './codegen';
import { interpretRule } from './interpret';
import { standardOperators } from './operators/registry';
import * as rt from './runtime';
import type { RuleContext, RuleNode } from './types';

/**
 * A compiled rule: evaluates a record (any JSON value) with an optional per-call context.
 *
 * @example
 * ```ts
 * const guard: CompiledRule = compileRule({ '>=': [{ var: 'amount' }, 10000] });
 * guard({ amount: 12000 }); // true
 * ```
 */
export type CompiledRule = (data: unknown, ctx?: RuleContext) => unknown;

/**
 * Options of {@link compileRule}: those of {@link checkRule} plus the default context and the
 * compilation mode.
 *
 * @example
 * ```ts
 * compileRule(rule, { operators, schema, context: { now: () => clock.now() } });
 * ```
 */
export interface CompileOptions extends CheckOptions {
  /** Context used when a call passes none (e.g. the injected clock). */
  context?: RuleContext;
  /**
   * `codegen` generates a JavaScript function (fastest); `interpret` walks the tree (works under a
   * CSP without `unsafe-eval`); `auto` (default) uses codegen and falls back to interpret when
   * `Function` is blocked.
   */
  mode?: 'auto' | 'codegen' | 'interpret';
}

const HELPERS: Readonly<Record<(typeof HELPER_NAMES)[number], unknown>> = Object.freeze({
  truthy: rt.truthy, readSegments: rt.readSegments, readPath: rt.readPath, missing: rt.missing, missingSome: rt.missingSome,
  inOp: rt.inOp, cat: rt.cat, substr: rt.substr, toFloat: rt.toFloat, plus: rt.plus, times: rt.times, merge: rt.merge,
  min: rt.min, max: rt.max, log: rt.log, mapOp: rt.mapOp, filterOp: rt.filterOp, reduceOp: rt.reduceOp, allOp: rt.allOp,
  someOp: rt.someOp, noneOp: rt.noneOp, hasOwn: Object.hasOwn, OP: Object.prototype, AP: Array.prototype,
});

type Factory = (constants: readonly unknown[], helpers: typeof HELPERS) => (data: unknown, ctx: RuleContext) => unknown;

/**
 * Checks a rule (see {@link checkRule}) and compiles it once into a JavaScript function with
 * json-logic-js 2.0.5 semantics. Nothing is interpreted per call. Rule content never reaches the
 * generated source: constants are passed in a closure array.
 *
 * @example
 * ```ts
 * const operators = createOperatorRegistry();
 * registerSalesOperators(operators);
 * const stale = compileRule({ '>': [{ days_since: [{ var: 'last_contact_on' }] }, 30] }, {
 *   operators, context: { now: () => new Date('2025-03-01T00:00:00Z') },
 * });
 * stale({ last_contact_on: '2025-01-01' }); // true
 * ```
 */
export function compileRule(rule: unknown, options: CompileOptions = {}): CompiledRule {
  return compileTree(checkRule(rule, options), options);
}

/**
 * Compiles an already checked tree (from {@link checkRule} with the same operators).
 *
 * @example
 * ```ts
 * const fn = compileTree(checkRule(rule, { operators }), { operators });
 * ```
 */
export function compileTree(tree: RuleNode, options: Pick<CompileOptions, 'operators' | 'context' | 'mode'> = {}): CompiledRule {
  const operators = options.operators ?? standardOperators;
  const defaults: RuleContext = options.context ?? {};
  const mode = options.mode ?? 'auto';
  if (mode !== 'interpret') {
    const { source, constants } = generateSource(tree, operators);
    let factory: Factory | undefined;
    try {
      factory = new Function('K', 'H', source) as Factory;
    } catch (cause) {
      if (mode === 'codegen' || !(cause instanceof EvalError)) {
        throw new RuleError({ code: 'rule.compile-failed', pointer: '', message: 'rule could not be compiled', cause });
      }
    }
    if (factory !== undefined) {
      const main = factory(Object.freeze(constants), HELPERS);
      return (data, ctx) => main(data, ctx ?? defaults);
    }
  }
  return (data, ctx) => interpretRule(tree, data, operators, ctx ?? defaults);
}
