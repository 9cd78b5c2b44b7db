import { RuleError } from '../errors';
import { checkRule, type CheckOptions } from './check';
import { constantParameters, generateSource, PARAMETER_CONSTANTS, type HelperName } from './codegen';
import { interpretRule } from './interpret';
import { standardOperators, type OperatorRegistry } from './operators/registry';
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
  /**
   * Turns generated source into a function (see {@link RuleCompiler}); `new Function` by
   * default. The runtime passes `node:vm`'s `compileFunction`, which skips the wrapper script
   * `new Function` compiles around every function (about 10% of a rule's compile time).
   */
  compiler?: RuleCompiler;
}

/**
 * Compiles a function from parameter names and a body, like `new Function(...params, body)`.
 * Only generated source reaches it (no rule content; see codegen.ts). Throwing `EvalError`
 * means "code generation is not allowed here" and makes `auto` mode fall back to the interpreter.
 *
 * @example
 * ```ts
 * const viaVm: RuleCompiler = (params, body) => vm.compileFunction(body, [...params]) as never;
 * ```
 */
export type RuleCompiler = (params: readonly string[], body: string) => (...args: unknown[]) => unknown;

/** The default {@link RuleCompiler}: the `Function` constructor (works in browsers too). */
export const functionConstructorCompiler: RuleCompiler = (params, body) => new Function(...params, body) as (...args: unknown[]) => unknown;

const HELPERS: Readonly<Record<HelperName, unknown>> = Object.freeze({
  truthy: rt.truthy, readSegments: rt.readSegments, readPath: rt.readPath, missing: rt.missing, missingSome: rt.missingSome,
  inOp: rt.inOp, cat: rt.cat, substr: rt.substr, toFloat: rt.toFloat, plus: rt.plus, times: rt.times, merge: rt.merge,
  mathMin: Math.min, mathMax: Math.max, log: rt.log, found: rt.found, own: rt.ownValue, OP: Object.prototype, AP: Array.prototype, isArray: Array.isArray,
});

/**
 * Numbers every generated factory. V8 caches code compiled from identical source text and then
 * shares it, with its type feedback, between functions: rules of the same shape (the source holds
 * no rule content) would share one megamorphic set of inline caches and lose the constant folding
 * of their keys. The number, appended as a comment, keeps every compiled rule's code its own.
 */
let factories = 0;

type Factory = (...args: unknown[]) => CompiledRule;

/**
 * Checks a rule (see {@link checkRule}) and compiles it once into a JavaScript function with
 * json-logic-js 2.0.5 semantics. Nothing is interpreted per call. Rule content never reaches the
 * generated source: constants are passed in a closure array.
 *
 * @example
 * ```ts
 * const operators = createOperatorRegistry();
 * registerBusinessOperators(operators);
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
export function compileTree(tree: RuleNode, options: Pick<CompileOptions, 'operators' | 'context' | 'mode' | 'compiler'> = {}): CompiledRule {
  const operators = options.operators ?? standardOperators;
  const defaults: RuleContext = options.context ?? {};
  const mode = options.mode ?? 'auto';
  if (mode !== 'interpret') {
    const unit = prepare(tree, operators, defaults);
    const factory = compileOrFallBack(options, mode, unit.names, `${unit.source}\n// ${++factories}`) as Factory | undefined;
    // The generated function falls back to `defaults` itself when called without a context.
    if (factory !== undefined) return factory(...unit.args);
  }
  return (data, ctx) => interpretRule(tree, data, operators, ctx ?? defaults);
}

/**
 * Checks and compiles several rules at once (see {@link compileRule}), as one unit of generated
 * source: one call of the compiler for all of them, whose fixed cost (about a fifth of a rule's
 * compile time) is paid once. For rules that are loaded together, such as a process version's
 * guards. A rule that fails its check throws, as with {@link compileRule}; its index in `rules`
 * is in the error's `extensions.index`.
 *
 * @example
 * ```ts
 * const [isLarge, isLate] = compileRules([{ '>=': [{ var: 'amount' }, 10000] }, { '>': [{ days_since: [{ var: 'close_date' }] }, 0] }], { operators });
 * ```
 */
export function compileRules(rules: readonly unknown[], options: CompileOptions = {}): CompiledRule[] {
  const trees = rules.map((rule, index) => {
    try {
      return checkRule(rule, options);
    } catch (err) {
      if (err instanceof RuleError) err.extensions.index = index;
      throw err;
    }
  });
  return compileTrees(trees, options);
}

/**
 * Compiles already checked trees (from {@link checkRule} with the same operators) in one unit;
 * see {@link compileRules}. Same functions as {@link compileTree} on each tree.
 *
 * @example
 * ```ts
 * const fns = compileTrees(rules.map((r) => checkRule(r, { operators })), { operators });
 * ```
 */
export function compileTrees(trees: readonly RuleNode[], options: Pick<CompileOptions, 'operators' | 'context' | 'mode' | 'compiler'> = {}): CompiledRule[] {
  if (trees.length < 2) return trees.map((tree) => compileTree(tree, options));
  const operators = options.operators ?? standardOperators;
  const defaults: RuleContext = options.context ?? {};
  const mode = options.mode ?? 'auto';
  if (mode !== 'interpret') {
    const units = trees.map((tree) => prepare(tree, operators, defaults));
    // Each rule's factory is a parenthesized function expression, which V8 compiles with the
    // unit instead of pre-parsing it and parsing it again on the first call.
    const body = `"use strict";\nreturn [\n${units.map((u) => `(function (${u.names.join(', ')}) {\n${u.source}\n})`).join(',\n')}\n];\n// ${++factories}`;
    const unit = compileOrFallBack(options, mode, [], body);
    if (unit !== undefined) {
      const made = unit() as Factory[];
      return units.map((u, i) => (made[i] as Factory)(...u.args));
    }
  }
  return trees.map((tree) => (data, ctx) => interpretRule(tree, data, operators, ctx ?? defaults));
}

/** A rule's generated source with its parameter names and the values passed for them. */
interface Unit {
  source: string;
  names: string[];
  args: unknown[];
}

function prepare(tree: RuleNode, operators: OperatorRegistry, defaults: RuleContext): Unit {
  const { source, constants, helpers, defaults: usesDefaults } = generateSource(tree, operators);
  const params = constantParameters(constants.length);
  const constantsArray = constants.length > PARAMETER_CONSTANTS;
  const names: string[] = [...helpers, ...params];
  const args: unknown[] = [];
  for (const name of helpers) args.push(HELPERS[name]);
  for (let i = 0; i < params.length; i++) args.push(constants[i]);
  if (constantsArray) {
    names.push('K');
    args.push(Object.freeze(constants));
  }
  if (usesDefaults) {
    names.push('D');
    args.push(defaults);
  }
  return { source, names, args };
}

/**
 * Runs the compiler; `undefined` when code generation is blocked (`EvalError`) in `auto` mode,
 * so the caller interprets instead. Any other failure is a `rule.compile-failed` error.
 */
function compileOrFallBack(options: Pick<CompileOptions, 'compiler'>, mode: 'auto' | 'codegen', names: string[], body: string): ((...args: unknown[]) => unknown) | undefined {
  try {
    return (options.compiler ?? functionConstructorCompiler)(names, body);
  } catch (cause) {
    if (mode === 'codegen' || !(cause instanceof EvalError)) {
      throw new RuleError({ code: 'rule.compile-failed', pointer: '', message: 'rule could not be compiled', cause });
    }
    return undefined;
  }
}
