import { sqlFragment as sql, type SqlOperand } from '../sql/fragment';
import { sqlUtcDay } from '../sql/dates';
import { nowMillis } from '../runtime';
import type { OperatorDefinition } from './definition';
import type { OperatorRegistry } from './registry';
import { epochDay, epochDayOfMillis } from './dates';

/**
 * Owner id under which the business operators are registered. They are calendar and number
 * helpers any business rule needs (days between dates, days since, a value in a range, percent of
 * a target), not sales-domain code: the sales domain lives in the plugins (ADR 015 addendum 2).
 */
export const BUSINESS_OWNER = 'business';

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const sqlDay = (operand: SqlOperand | undefined): SqlOperand['sql'] => sqlUtcDay(operand as SqlOperand);

/**
 * `{"days_between": [from, to]}`: whole UTC calendar days from `from` to `to` (negative when
 * `to` is earlier); `null` when either is not a date.
 */
export const daysBetween: OperatorDefinition = {
  name: 'days_between',
  doc: 'Whole calendar days (UTC) from the first date to the second; null unless both are dates.',
  signature: { params: ['date', 'date'], returns: 'number' },
  evaluate([from, to]) {
    const a = epochDay(from);
    const b = epochDay(to);
    return a === null || b === null ? null : b - a;
  },
  describe: ([from, to], result) => `${String(result)} days between ${String(from)} and ${String(to)}`,
  toSql: ([from, to]) => ({
    sql: sql`((${sqlDay(to)} - ${sqlDay(from)})::float8)`,
    type: 'number', nullMeans: 'null', nullable: true,
  }),
};

/** `{"days_since": [date]}`: whole UTC days from `date` to today (per the injected clock). */
export const daysSince: OperatorDefinition = {
  name: 'days_since',
  doc: 'Whole calendar days (UTC) from the date to today, per the injected clock; null unless a date.',
  signature: { params: ['date'], returns: 'number' },
  evaluate([date], ctx) {
    const day = epochDay(date);
    return day === null ? null : epochDayOfMillis(nowMillis(ctx)) - day;
  },
  describe: ([date], result) => `${String(result)} days since ${String(date)}`,
  toSql: ([date], ctx) => ({
    sql: sql`(((${ctx.now} AT TIME ZONE 'UTC')::date - ${sqlDay(date)})::float8)`,
    type: 'number', nullMeans: 'null', nullable: true,
  }),
};

/** `{"in_range": [value, min, max]}`: `min <= value <= max`, all numbers; false otherwise. */
export const inRange: OperatorDefinition = {
  name: 'in_range',
  doc: 'True when all three are numbers and min <= value <= max.',
  signature: { params: ['number', 'number', 'number'], returns: 'boolean' },
  evaluate: ([value, lo, hi]) => num(value) && num(lo) && num(hi) && lo <= value && value <= hi,
  describe: ([value, lo, hi], result) => `${String(value)} is ${result === true ? '' : 'not '}between ${String(lo)} and ${String(hi)}`,
  toSql: ([value, lo, hi]) => ({
    sql: sql`COALESCE(${(value as SqlOperand).sql} BETWEEN ${(lo as SqlOperand).sql} AND ${(hi as SqlOperand).sql}, false)`,
    type: 'boolean', nullMeans: 'null', nullable: false,
  }),
};

/** `{"pct_of_target": [actual, target]}`: `actual / target * 100`; null unless both numbers and target ≠ 0. */
export const pctOfTarget: OperatorDefinition = {
  name: 'pct_of_target',
  doc: 'Percentage of target reached (actual / target * 100); null unless both are numbers and target is not 0.',
  signature: { params: ['number', 'number'], returns: 'number' },
  evaluate: ([actual, target]) => (num(actual) && num(target) && target !== 0 ? (actual / target) * 100 : null),
  describe: ([actual, target], result) => `${String(actual)} of target ${String(target)} is ${typeof result === 'number' ? result.toFixed(1) : 'n/a'}%`,
  toSql: ([actual, target]) => ({
    sql: sql`(CASE WHEN ${(target as SqlOperand).sql} <> 0 THEN ${(actual as SqlOperand).sql} / ${(target as SqlOperand).sql} * 100 END)`,
    type: 'number', nullMeans: 'null', nullable: true,
  }),
};

/** The business operators, in registration order. */
export const businessOperators: readonly OperatorDefinition[] = Object.freeze([daysBetween, daysSince, inRange, pctOfTarget]);

/**
 * Contributes the business operators through the public plugin API, as owner `business`.
 *
 * @example
 * ```ts
 * const operators = createOperatorRegistry();
 * registerBusinessOperators(operators);
 * compileRule({ '>=': [{ pct_of_target: [{ var: 'won' }, { var: 'quota' }] }, 80] }, { operators });
 * ```
 */
export function registerBusinessOperators(registry: OperatorRegistry): void {
  for (const definition of businessOperators) registry.register(BUSINESS_OWNER, definition);
}
