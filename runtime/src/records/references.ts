import { ValidationError, type LoadedEntity } from '@pipewright/core';
import type { Kysely, SelectQueryBuilder, Transaction } from 'kysely';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/tables';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a string is a UUID (any version), the form of every record id.
 *
 * @example
 * ```ts
 * isUuid('not-an-id'); // false
 * ```
 */
export const isUuid = (s: string): boolean => UUID.test(s);

/** The records of a type a principal may see (what `RecordStore.visible` gives). */
export type VisibleRecords = (type: string, by: Principal, db: Kysely<Database> | Transaction<Database>) => SelectQueryBuilder<Database, 'records', object>;

/**
 * The one reference check of record writes (create, edit, and a transition's field patch): each
 * reference field `data` sets to a string must name a live record of the referenced entity the
 * principal sees; an owner other than the acting user must be a user, and an org unit other than
 * the acting user's must exist. Every problem is reported at once, as a 422
 * `record.unknown-reference` with a pointer per member (`/data/<field>`, `/owner`, `/orgUnit`).
 * Fields `data` leaves out (a patch) or sets to something else than a string are not checked
 * (the schema judges their type).
 *
 * @example
 * ```ts
 * await checkReferences(tx, store.visible.bind(store), entity, patch.data ?? {}, { owner: patch.owner }, principal);
 * ```
 */
export async function checkReferences(
  db: Kysely<Database> | Transaction<Database>,
  visible: VisibleRecords,
  entity: LoadedEntity,
  data: Record<string, unknown>,
  sys: { owner?: string | null | undefined; orgUnit?: string | null | undefined },
  actor: Principal,
): Promise<void> {
  const problems: { pointer: string; message: string; code: string }[] = [];
  for (const [field, ref] of Object.entries(entity.references ?? {})) {
    const value = data[field];
    if (typeof value !== 'string') continue;
    const hit = isUuid(value) ? await visible(ref.entity, actor, db).select('id').where('id', '=', value).where('deleted_at', 'is', null).executeTakeFirst() : undefined;
    if (!hit) problems.push({ pointer: `/data/${field}`, message: `no ${ref.entity} record with id "${value}"`, code: 'unknown-reference' });
  }
  // The acting user and their unit exist (the principal was loaded from them); others are looked up.
  if (sys.owner && sys.owner !== actor.userId) {
    const u = await db.selectFrom('users').select('id').where('id', '=', sys.owner).executeTakeFirst();
    if (!u) problems.push({ pointer: '/owner', message: `no user "${sys.owner}"`, code: 'unknown-reference' });
  }
  if (sys.orgUnit && sys.orgUnit !== actor.orgUnitId) {
    const u = await db.selectFrom('org_units').select('id').where('id', '=', sys.orgUnit).executeTakeFirst();
    if (!u) problems.push({ pointer: '/orgUnit', message: `no org unit "${sys.orgUnit}"`, code: 'unknown-reference' });
  }
  if (problems.length) throw new ValidationError({ code: 'record.unknown-reference', message: 'The record refers to things that do not exist.', details: problems });
}
