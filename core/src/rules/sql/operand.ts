import { RuleError } from '../../errors';
import type { RuleNode } from '../types';
import { sqlFragment as sql, sqlParam, type SqlFragment, type SqlOperand } from './fragment';

/** Throws the RuleError for a construct outside the translatable subset. */
export function unsupported(node: RuleNode, why: string): RuleError {
  return new RuleError({
    code: 'rule.sql-unsupported',
    pointer: node.pointer,
    message: `cannot translate to SQL: ${why}`,
    details: [{ pointer: node.pointer, code: 'sql-unsupported', message: why }],
  });
}

/** Non-null SQL boolean constant. */
export const TRUE: SqlFragment = sql`TRUE`;
export const FALSE: SqlFragment = sql`FALSE`;

/** A predicate operand (non-null boolean). */
export function predicate(fragment: SqlFragment): SqlOperand {
  return { sql: fragment, type: 'boolean', nullMeans: 'null', nullable: false };
}

/** A constant operand for a JSON primitive. */
export function constant(value: number | string | boolean): SqlOperand {
  const c = { value };
  if (typeof value === 'number') return { sql: sql`${sqlParam(value)}::float8`, type: 'number', nullMeans: 'null', nullable: false, constant: c };
  if (typeof value === 'string') return { sql: sql`${sqlParam(value)}::text`, type: 'text', nullMeans: 'null', nullable: false, constant: c };
  return { sql: value ? TRUE : FALSE, type: 'boolean', nullMeans: 'null', nullable: false, constant: c };
}

/** JSON null-as-0 coercion of a number operand (`null < 5` is `0 < 5` in JavaScript). */
export function zeroIfNull(operand: SqlOperand): SqlFragment {
  return operand.nullable && operand.nullMeans === 'null' ? sql`COALESCE(${operand.sql}, 0)` : operand.sql;
}

/** json-logic truthiness of an operand as a non-null SQL boolean. */
export function truthiness(operand: SqlOperand): SqlFragment {
  switch (operand.type) {
    case 'boolean':
      return operand.nullable ? sql`COALESCE(${operand.sql}, FALSE)` : operand.sql;
    case 'number':
      return sql`COALESCE(${operand.sql} <> 0, FALSE)`;
    case 'text':
      return sql`COALESCE(${operand.sql} <> '', FALSE)`;
    case 'date':
      return sql`(${operand.sql} IS NOT NULL)`;
  }
}

/** A PostgreSQL text[] literal for a path, passed as one parameter. */
export function pathParam(segments: readonly string[]): SqlFragment {
  const literal = `{${segments.map((s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
  return sql`${sqlParam(literal)}::text[]`;
}
