import type { LoadedEntity, PipewrightError } from '@pipewright/core';
import { sql, type RawBuilder } from 'kysely';
import { entityIndexName } from '../db/entity-indexes';
import { databaseFailure, duplicateRecord } from '../db/errors';

/** The unique index of `entity` a failed write ran into, if the failure is a unique violation of one. */
export function violatedUniqueIndex(err: unknown, entity: LoadedEntity): { fields: string[] } | undefined {
  const f = databaseFailure(err);
  if (f?.code !== '23505' || !f.constraint) return undefined;
  return (entity.indexes ?? []).find((index) => index.unique && entityIndexName(entity.fullId, index) === f.constraint);
}

/**
 * Turns a unique violation of an entity index into its 409, naming the fields; the record that
 * holds the values is added as `existing` only when `visible` (the caller's view of the
 * entity's records) finds it, so a caller learns nothing of a record he may not see beyond the
 * fact that the value is taken. Other errors are returned unchanged.
 *
 * Run it after the failed transaction ended (PostgreSQL refuses statements in an aborted one).
 *
 * @example
 * ```ts
 * catch (err) { throw await uniqueProblem(err, entity, data, (conditions) => findVisible(conditions)); }
 * ```
 */
export async function uniqueProblem(err: unknown, entity: LoadedEntity, data: Record<string, unknown> | undefined, find?: (conditions: RawBuilder<unknown>[]) => Promise<string | undefined>): Promise<unknown> {
  const index = violatedUniqueIndex(err, entity);
  if (!index) return err;
  const problem: PipewrightError = duplicateRecord(entity.fullId, index.fields);
  if (!find || !data) return problem;
  const conditions = index.fields.map((f) => sameValue(entity, f, data[f]));
  if (conditions.some((c) => c === undefined)) return problem;
  const id = await find(conditions as RawBuilder<unknown>[]);
  return id ? duplicateRecord(entity.fullId, index.fields, { id, type: entity.fullId }) : problem;
}

/** `records.data` holds the same value of `field` as `value` (jsonb equality: numbers by value, money by amount). */
function sameValue(entity: LoadedEntity, field: string, value: unknown): RawBuilder<unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  const key = sql.lit(field);
  if (entity.fields.get(field)?.format === 'money') {
    const amount = typeof value === 'object' && 'amount' in value ? (value as { amount: unknown }).amount : undefined;
    return amount === undefined ? undefined : sql`data->${key}->'amount' = ${JSON.stringify(amount)}::jsonb`;
  }
  return sql`data->${key} = ${JSON.stringify(value)}::jsonb`;
}
