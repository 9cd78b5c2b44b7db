import type { Assignee } from '@pipewright/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/tables';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Who an assignee means for one record: a user (if active), or the holders of a role nearest
 * to the record, walking up from its org unit (else its owner's) to the company. Without an
 * assignee: the record owner.
 *
 * @example
 * ```ts
 * await recipients(db, { owner_id: 'ada', org_unit_id: 'team-a' }, { role: 'manager' }); // ['mia']
 * ```
 */
export async function recipients(db: Db, record: { owner_id: string | null; org_unit_id: string | null }, to: Assignee | undefined): Promise<string[]> {
  if (!to) return record.owner_id ? [record.owner_id] : [];
  if (to.user !== undefined) {
    const u = await db.selectFrom('users').select('id').where('id', '=', to.user).where('active', '=', true).executeTakeFirst();
    return u ? [u.id] : [];
  }
  let unit = record.org_unit_id;
  if (!unit && record.owner_id) unit = (await db.selectFrom('users').select('org_unit_id').where('id', '=', record.owner_id).executeTakeFirst())?.org_unit_id ?? null;
  if (!unit) return [];
  const rows = await sql<{ id: string; depth: number }>`
    with recursive up(id, parent_id, depth) as (
      select id, parent_id, 0 from org_units where id = ${unit}
      union all select o.id, o.parent_id, up.depth + 1 from org_units o join up on o.id = up.parent_id where up.depth < 32
    )
    select u.id, up.depth from users u join up on u.org_unit_id = up.id
    where u.active and u.roles @> ${JSON.stringify([to.role])}::jsonb
    order by up.depth, u.id`.execute(db);
  const nearest = rows.rows[0]?.depth;
  return rows.rows.filter((r) => r.depth === nearest).map((r) => r.id);
}

/**
 * Writes one in-app notification per user, once per dedupe key and user.
 *
 * @example
 * ```ts
 * await notify(tx, ['ada'], { kind: 'sla-breach', key: 'sla:42', title: 'Overdue', record });
 * ```
 */
export async function notify(
  db: Db,
  users: readonly string[],
  n: { kind: string; key: string; title: string; body?: string | null; record?: { id: string; type: string } | null; data?: unknown; at: Date },
): Promise<number> {
  let written = 0;
  for (const user of users) {
    const r = await db
      .insertInto('notifications')
      .values({ id: crypto.randomUUID(), user_id: user, kind: n.kind, record_id: n.record?.id ?? null, record_type: n.record?.type ?? null, title: n.title.slice(0, 200), body: n.body ?? null, data: n.data === undefined ? null : JSON.stringify(n.data), dedupe_key: `${n.key}:${user}`, created_at: n.at })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .executeTakeFirst();
    written += Number(r.numInsertedOrUpdatedRows ?? 0n);
  }
  return written;
}

/**
 * Records an incident once per key (a webhook that kept failing, an action without a handler).
 *
 * @example
 * ```ts
 * await recordIncident(db, { kind: 'webhook-failed', key, recordId, message: 'HTTP 500 after 6 attempts', details });
 * ```
 */
export async function recordIncident(db: Db, i: { kind: string; key: string; recordId: string | null; message: string; details?: unknown; at: Date }): Promise<void> {
  await db
    .insertInto('incidents')
    .values({ id: crypto.randomUUID(), kind: i.kind, record_id: i.recordId, dedupe_key: i.key, message: i.message.slice(0, 2000), details: i.details === undefined ? null : JSON.stringify(i.details), created_at: i.at })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
}
