import { sql, type RawBuilder } from 'kysely';
import { toSql, type SqlFragment, type ToSqlOptions } from '@pipewright/core';

/**
 * Turns a dialect-neutral {@link SqlFragment} from core into a Kysely expression: literal parts
 * (written by core, never rule content) become raw SQL, parameters become bound values.
 *
 * @example
 * ```ts
 * const where = fragmentToKysely(toSql(rule, { schema }));
 * await db.selectFrom('records').select('id').where(where).execute();
 * ```
 */
export function fragmentToKysely<T = unknown>(fragment: SqlFragment): RawBuilder<T> {
  const pieces: Array<RawBuilder<unknown>> = [];
  fragment.parts.forEach((part, i) => {
    if (part !== '') pieces.push(sql.raw(part));
    if (i < fragment.params.length) pieces.push(sql`${sql.val(fragment.params[i])}`);
  });
  return sql<T>`${sql.join(pieces, sql.raw(''))}`;
}

/**
 * A rule as a boolean Kysely expression over the records table: TRUE exactly when the rule is
 * json-logic truthy for the record's `data`. Throws core's RuleError `rule.sql-unsupported`
 * for rules outside the translatable subset.
 *
 * @example
 * ```ts
 * const vip = ruleToKysely({ in: ['vip', { var: 'tags' }] }, { schema: dealSchema });
 * await db.selectFrom('records').selectAll().where(vip).execute();
 * ```
 */
export function ruleToKysely(rule: unknown, options: ToSqlOptions): RawBuilder<boolean> {
  return fragmentToKysely<boolean>(toSql(rule, options));
}
