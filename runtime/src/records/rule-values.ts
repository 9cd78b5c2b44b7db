import { RuleError, ValidationError, toSql, toSqlValue, type SqlValue } from '@pipewright/core';
import { sql, type Transaction } from 'kysely';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/tables';
import { fragmentToKysely } from '../rules/to-kysely';
import { isUuid } from './references';
import type { RecordStore } from './store';

/** One record's value of a rule, computed in SQL (or, when `decided` is false, left to the caller with the body). */
export interface RuleValueRow {
  id: string;
  version: number;
  value: unknown;
  decided: boolean;
  /** The body, only for records SQL could not decide. */
  data?: Record<string, unknown>;
}

export interface RuleValuesOptions {
  /** Only records whose body field differs from the rule's value (or that SQL could not decide). */
  differsFrom?: string;
  /** Only records for which this rule (fully translatable to SQL) is truthy. */
  where?: unknown;
  /** 1..5000, default 1000. */
  limit?: number;
  /** Keyset: records with an id after this one (the previous page's `next`). */
  after?: string;
}

const invalid = (pointer: string, message: string) => new ValidationError({ code: 'record.rule-values-invalid', message: `Cannot evaluate the rule in SQL: ${pointer} ${message}.`, details: [{ pointer, message }] });

/**
 * Evaluates a rule for every live record of `type` the actor sees, in one set-based SQL statement
 * per page (core's {@link toSqlValue}: the rule's value, not its truthiness), by id order. With
 * `differsFrom` only the records whose stored field is not the rule's value come back (compared
 * as JSON), so a nightly job reads just what it must write. Records that reach a part of the rule
 * SQL cannot express come back with `decided: false` and their body, for the caller to evaluate
 * in JavaScript; `unsupported` names those parts. 422 naming the option for a bad rule, `where`,
 * field, limit or cursor.
 *
 * @example
 * ```ts
 * const page = await ruleValues(store, 'acme.site', { if: [{ '>=': [{ var: 'visits' }, 10] }, 'busy', 'quiet'] }, { differsFrom: 'activity' }, principal);
 * ```
 */
export async function ruleValues(store: RecordStore, type: string, rule: unknown, options: RuleValuesOptions, actor: Principal, trx?: Transaction<Database>): Promise<{ items: RuleValueRow[]; next: string | null; unsupported: SqlValue['unsupported'] }> {
  const entity = store.entity(type);
  const opts = { schema: entity.schema, operators: store.registry.ruleOperators };
  let v: SqlValue;
  try {
    v = toSqlValue(rule, opts);
  } catch (err) {
    if (err instanceof RuleError) throw invalid(`/rule${err.pointer ?? ''}`, err.message);
    throw err;
  }
  let where = null;
  if (options.where !== undefined) {
    try {
      where = fragmentToKysely<boolean>(toSql(options.where, opts));
    } catch (err) {
      if (err instanceof RuleError) throw invalid(`/where${err.pointer ?? ''}`, err.message);
      throw err;
    }
  }
  const field = options.differsFrom;
  if (field !== undefined && !entity.fields.has(field)) throw invalid('/differsFrom', `"${field}" is not a field of ${type}`);
  const limit = options.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw invalid('/limit', 'must be an integer from 1 to 5000');
  if (options.after !== undefined && !isUuid(options.after)) throw invalid('/after', 'must be a record id');
  const value = v.type === null ? sql`(NULL::text)` : sql`(${fragmentToKysely(v.value)})`;
  const decided = sql<boolean>`(${fragmentToKysely(v.decided)})`;
  let q = store
    .visible(type, actor, trx ?? store.db)
    .select(['id', 'version'])
    .select(value.as('value'))
    .select(decided.as('decided'))
    .select(sql`case when ${decided} then null else data end`.as('body'))
    .where('deleted_at', 'is', null);
  if (where) q = q.where(where as never);
  if (field !== undefined) q = q.where(sql<boolean>`(not ${decided} or to_jsonb(${value}) is distinct from (data -> ${field}::text))` as never);
  if (options.after) q = q.where('id', '>', options.after);
  const rows = (await q.orderBy('id').limit(limit).execute()) as { id: string; version: number; value: unknown; decided: boolean; body: unknown }[];
  const items = rows.map((r) => ({ id: r.id, version: r.version, value: r.value ?? null, decided: r.decided === true, ...(r.body === null || r.body === undefined ? {} : { data: (typeof r.body === 'string' ? JSON.parse(r.body) : r.body) as Record<string, unknown> }) }));
  return { items, next: rows.length === limit ? (rows.at(-1)?.id ?? null) : null, unsupported: v.unsupported };
}
