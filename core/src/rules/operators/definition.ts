import type { RuleContext, ValueType } from '../types';
import type { SqlOperand, SqlOperatorContext } from '../sql/fragment';

/**
 * Typed signature of an operator: the checker compares argument types with `params`
 * (then `rest` for any further argument) and uses `returns` as the static type of the call.
 *
 * @example
 * ```ts
 * const sig: OperatorSignature = { params: ['date', 'date'], returns: 'number' };
 * ```
 */
export interface OperatorSignature {
  readonly params: readonly ValueType[];
  /** Type of every argument after `params`; absent = no further arguments allowed. */
  readonly rest?: ValueType;
  /** Minimum number of arguments; defaults to `params.length`. */
  readonly minArgs?: number;
  readonly returns: ValueType;
}

/**
 * An operator contributed through {@link OperatorRegistry.register}. Arguments are evaluated
 * eagerly (left to right) and passed as an array; `ctx` carries the injected clock.
 *
 * @example
 * ```ts
 * const double: OperatorDefinition = {
 *   name: 'double',
 *   signature: { params: ['number'], returns: 'number' },
 *   evaluate: ([x]) => (typeof x === 'number' ? x * 2 : null),
 *   describe: ([x], result) => `double of ${String(x)} is ${String(result)}`,
 * };
 * ```
 */
export interface OperatorDefinition {
  /** Operator key as written in rules, e.g. `days_since`. Lower snake case, may contain dots. */
  readonly name: string;
  readonly signature: OperatorSignature;
  /** Pure function of the evaluated arguments (and the clock). Must not mutate its arguments. */
  evaluate(args: readonly unknown[], ctx: RuleContext): unknown;
  /** Human sentence for explanations. */
  describe?(args: readonly unknown[], result: unknown): string;
  /** SQL translation; absent = the operator is refused by `toSql`. */
  toSql?(args: readonly SqlOperand[], ctx: SqlOperatorContext): SqlOperand;
  /** One-line documentation shown in the studio. */
  readonly doc?: string;
}

/** Owner id of json-logic's standard operators. */
export const BUILTIN_OWNER = 'jsonlogic';

/**
 * One entry of the registry: a standard operator (`builtin: true`, compiled specially) or a
 * contributed {@link OperatorDefinition}.
 */
export interface RegisteredOperator {
  readonly name: string;
  readonly owner: string;
  readonly builtin: boolean;
  readonly signature: OperatorSignature;
  readonly definition: OperatorDefinition | undefined;
}
