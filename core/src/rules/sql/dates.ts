import { RuleError } from '../../errors';
import { epochDay } from '../operators/dates';
import { sqlFragment as sql, sqlParam, type SqlFragment, type SqlOperand } from './fragment';

/**
 * The UTC calendar day of a date operand as a SQL `date`, matching `epochDay` in JavaScript:
 * constants are converted here, `format: date` fields are cast, `format: date-time` fields are
 * taken at UTC. Throws RuleError `rule.sql-unsupported` for anything else.
 *
 * @example
 * ```ts
 * sqlUtcDay(operand); // (data #>> $1::text[])::date
 * ```
 */
export function sqlUtcDay(operand: SqlOperand): SqlFragment {
  if (operand.constant !== undefined) {
    const day = epochDay(operand.constant.value);
    return day === null ? sql`NULL::date` : sql`${sqlParam(new Date(day * 86_400_000).toISOString().slice(0, 10))}::date`;
  }
  if (operand.type === 'date') return operand.sql;
  if (operand.type === 'text' && operand.format === 'date') return sql`(${operand.sql})::date`;
  if (operand.type === 'text' && operand.format === 'date-time') return sql`((${operand.sql})::timestamptz AT TIME ZONE 'UTC')::date`;
  throw new RuleError({ code: 'rule.sql-unsupported', message: 'a date operator needs a date field (format: date or date-time) or a date literal' });
}
