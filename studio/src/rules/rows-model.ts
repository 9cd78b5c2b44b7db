import type { JsonValue } from './graph-model';

/** The comparisons a row can make. `in` takes a list of values; `set`/`unset` none. */
export const ROW_OPERATORS = ['==', '!=', '>', '>=', '<', '<=', 'in', 'set', 'unset'] as const;
/** One of {@link ROW_OPERATORS}. */
export type RowOperator = (typeof ROW_OPERATORS)[number];

/** One row: a field, an operator and a literal value (a list for `in`, nothing for `set`/`unset`). */
export interface RuleRow {
  field: string;
  op: RowOperator;
  value: JsonValue;
}

/** A rule as rows: all of them must hold (`and`) or any one (`or`). */
export interface RowsRule {
  join: 'all' | 'any';
  rows: RuleRow[];
}

type Primitive = string | number | boolean | null;
const isPrimitive = (v: unknown): v is Primitive => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const COMPARISONS = new Set<string>(['==', '!=', '>', '>=', '<', '<=']);

/** The field a `{"var": "path"}` reads, or null for any other sub-rule. */
function fieldOf(v: unknown): string | null {
  if (!isObject(v) || Object.keys(v).length !== 1) return null;
  const arg = v.var;
  const path = Array.isArray(arg) && arg.length === 1 ? arg[0] : arg;
  return typeof path === 'string' && path !== '' ? path : null;
}

/** One comparison as a row, or null when it is not `field <op> literal`. */
function rowOf(logic: unknown): RuleRow | null {
  if (!isObject(logic) || Object.keys(logic).length !== 1) return null;
  const [op, raw] = Object.entries(logic)[0] as [string, unknown];
  if (op === '!!' || op === '!') {
    const arg = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
    const field = fieldOf(arg);
    return field === null ? null : { field, op: op === '!!' ? 'set' : 'unset', value: null };
  }
  if (!Array.isArray(raw) || raw.length !== 2) return null;
  const field = fieldOf(raw[0]);
  if (field === null) return null;
  if (COMPARISONS.has(op) && isPrimitive(raw[1])) return { field, op: op as RowOperator, value: raw[1] };
  if (op === 'in' && Array.isArray(raw[1]) && raw[1].every(isPrimitive)) return { field, op: 'in', value: raw[1] as JsonValue };
  return null;
}

/**
 * A rule as rows of field / operator / value joined by all (`and`) or any (`or`), or null when
 * the rule says more than rows can (nested groups, arithmetic, fields compared with fields,
 * operators other than the comparisons, `in`, set and unset). `true` is "all of no rows".
 *
 * @example
 * ```ts
 * logicToRows({ and: [{ '>=': [{ var: 'amount.amount' }, 10000] }, { in: [{ var: 'source' }, ['referral']] }] });
 * // { join: 'all', rows: [{ field: 'amount.amount', op: '>=', value: 10000 }, { field: 'source', op: 'in', value: ['referral'] }] }
 * ```
 */
export function logicToRows(logic: unknown): RowsRule | null {
  if (logic === true) return { join: 'all', rows: [] };
  if (logic === false) return { join: 'any', rows: [] };
  if (isObject(logic) && Object.keys(logic).length === 1 && (Object.hasOwn(logic, 'and') || Object.hasOwn(logic, 'or'))) {
    const join = Object.hasOwn(logic, 'and') ? 'all' : 'any';
    const list = logic[join === 'all' ? 'and' : 'or'];
    if (!Array.isArray(list) || list.length === 0) return null;
    const rows = list.map(rowOf);
    return rows.every((r): r is RuleRow => r !== null) ? { join, rows } : null;
  }
  const row = rowOf(logic);
  return row ? { join: 'all', rows: [row] } : null;
}

/**
 * The json-logic of rows: `{"and": [...]}` or `{"or": [...]}` of the comparisons (always the
 * group, even for one row, so the join survives a round trip); no rows is `true` (all) or
 * `false` (any).
 *
 * @example
 * ```ts
 * rowsToLogic({ join: 'any', rows: [{ field: 'source', op: '==', value: 'referral' }] });
 * // { or: [{ '==': [{ var: 'source' }, 'referral'] }] }
 * ```
 */
export function rowsToLogic(rule: RowsRule): JsonValue {
  if (rule.rows.length === 0) return rule.join === 'all';
  const rows = rule.rows.map((r): JsonValue => {
    const read = { var: r.field };
    if (r.op === 'set') return { '!!': [read] };
    if (r.op === 'unset') return { '!': [read] };
    return { [r.op]: [read, r.op === 'in' && !Array.isArray(r.value) ? [r.value] : r.value] };
  });
  return rule.join === 'all' ? { and: rows } : { or: rows };
}
