import { NotFoundError, ValidationError } from '@pipewright/core';
import { auditAction } from '../auth/audit';
import { forbidden } from '../auth/errors';
import type { Principal } from '../auth/principal';
import type { Transaction } from 'kysely';
import type { Database } from '../db/tables';
import type { RecordStore } from './store';
import { isoTime } from '../db/time';

/** A record shared with a user. */
export interface ShareView {
  recordId: string;
  userId: string;
  access: 'read' | 'edit';
  createdBy: string;
  createdAt: string;
}

async function editableRecord(store: RecordStore, type: string, id: string, actor: Principal, trx?: Transaction<Database>): Promise<{ id: string; type: string }> {
  const view = await store.get(type, id, actor, {}, trx);
  if (!(await store.access.holds(trx ?? store.db, view.id, store.access.edit(actor)))) throw forbidden('Only those who can change a record can share it.');
  return { id: view.id, type: view.type };
}

/**
 * Lists who a record is shared with; anyone who sees the record may ask.
 *
 * @example
 * ```ts
 * const shares = await listShares(store, 'acme.ticket', id, principal);
 * ```
 */
export async function listShares(store: RecordStore, type: string, id: string, actor: Principal, trx?: Transaction<Database>): Promise<ShareView[]> {
  const record = await store.get(type, id, actor, {}, trx);
  const rows = await (trx ?? store.db).selectFrom('record_shares').selectAll().where('record_id', '=', record.id).orderBy('user_id').execute();
  return rows.map((r) => ({ recordId: r.record_id, userId: r.user_id, access: r.access, createdBy: r.created_by, createdAt: isoTime(r.created_at) }));
}

/**
 * Shares a record with a user (or changes the access of an existing share). The actor must be
 * able to change the record; audited as `record.share`.
 *
 * @example
 * ```ts
 * await shareRecord(store, 'acme.ticket', id, { userId: 'presales', access: 'read' }, principal);
 * ```
 */
export async function shareRecord(store: RecordStore, type: string, id: string, share: { userId: string; access: 'read' | 'edit' }, actor: Principal, trx?: Transaction<Database>): Promise<ShareView> {
  const record = await editableRecord(store, type, id, actor, trx);
  const now = store.now();
  const run = async (tx: Transaction<Database>) => {
    const user = await tx.selectFrom('users').select(['id', 'active']).where('id', '=', share.userId).executeTakeFirst();
    if (!user || !user.active) throw new ValidationError({ code: 'share.unknown-user', message: `There is no active user "${share.userId}".`, details: [{ pointer: '/userId', message: 'no such active user', code: 'unknown-reference' }] });
    const before = await tx.selectFrom('record_shares').select(['access']).where('record_id', '=', record.id).where('user_id', '=', share.userId).executeTakeFirst();
    const row = await tx
      .insertInto('record_shares')
      .values({ record_id: record.id, user_id: share.userId, access: share.access, created_by: actor.id, created_at: now })
      .onConflict((oc) => oc.columns(['record_id', 'user_id']).doUpdateSet({ access: share.access }))
      .returningAll()
      .executeTakeFirstOrThrow();
    const view: ShareView = { recordId: row.record_id, userId: row.user_id, access: row.access, createdBy: row.created_by, createdAt: isoTime(row.created_at) };
    await auditAction(tx, { actor, action: 'record.share', subject: `user:${share.userId}`, record, before: before ?? null, after: { userId: view.userId, access: view.access }, at: now });
    return view;
  };
  return trx ? run(trx) : store.db.transaction().execute(run);
}

/**
 * Removes a share; audited as `record.unshare`. 404 when there is no such share.
 *
 * @example
 * ```ts
 * await unshareRecord(store, 'acme.ticket', id, 'presales', principal);
 * ```
 */
export async function unshareRecord(store: RecordStore, type: string, id: string, userId: string, actor: Principal, trx?: Transaction<Database>): Promise<void> {
  const record = await editableRecord(store, type, id, actor, trx);
  const now = store.now();
  const run = async (tx: Transaction<Database>) => {
    const gone = await tx.deleteFrom('record_shares').where('record_id', '=', record.id).where('user_id', '=', userId).returning(['access']).executeTakeFirst();
    if (!gone) throw new NotFoundError(`The record is not shared with "${userId}".`);
    await auditAction(tx, { actor, action: 'record.unshare', subject: `user:${userId}`, record, before: { userId, access: gone.access }, after: null, at: now });
  };
  await (trx ? run(trx) : store.db.transaction().execute(run));
}
