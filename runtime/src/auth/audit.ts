import { ValidationError, type ErrorDetail } from '@pipewright/core';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/tables';
import { appendEvent, isUuid } from '../records/store';
import type { Principal } from './principal';
import { isoTime } from '../db/time';

/**
 * Records an admin action (user, token, org unit, share changes) in the append-only event log,
 * inside the caller's transaction. `before` and `after` must be public views: never a hash or
 * a token.
 *
 * @example
 * ```ts
 * await auditAction(tx, { actor, action: 'user.deactivate', subject: `user:${id}`, before, after, at: now });
 * ```
 */
export async function auditAction(
  tx: Kysely<Database> | Transaction<Database>,
  e: { actor: Principal | { id: string }; action: string; subject: string; before: unknown; after: unknown; at: Date; meta?: unknown; record?: { id: string; type: string } },
): Promise<void> {
  const kind = e.subject.split(':')[0] ?? 'system';
  await appendEvent(tx, { record: e.record ?? null, recordType: `system.${kind}`, subject: e.subject, action: e.action, actor: { id: e.actor.id }, at: e.at, before: e.before, after: e.after, ...(e.meta === undefined ? {} : { meta: e.meta }) });
}

export interface AuditFilter {
  record?: string;
  actor?: string;
  subject?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** Show events with an id below this one (the previous page's last id). */
  before?: string;
}

/**
 * Parses `GET /api/audit` parameters: `record`, `actor`, `subject`, `action`, `from`, `to`
 * (ISO date-times), `limit` (1-500), `cursor`.
 *
 * @example
 * ```ts
 * parseAuditQuery(new URLSearchParams('actor=user:ada&from=2026-01-01T00:00:00Z'));
 * ```
 */
export function parseAuditQuery(params: URLSearchParams): AuditFilter {
  const problems: ErrorDetail[] = [];
  const bad = (parameter: string, message: string) => problems.push({ pointer: '', parameter, message, code: 'invalid-parameter' });
  const known = ['record', 'actor', 'subject', 'action', 'from', 'to', 'limit', 'cursor'];
  for (const key of params.keys()) if (!known.includes(key)) bad(key, `unknown parameter; use ${known.join(', ')}`);
  const f: AuditFilter = { limit: 100 };
  const record = params.get('record');
  if (record !== null) (isUuid(record) ? (f.record = record.toLowerCase()) : bad('record', 'must be a record id (UUID)'));
  for (const key of ['actor', 'subject', 'action'] as const) {
    const v = params.get(key);
    if (v !== null) (v.length > 0 && v.length <= 200 ? (f[key] = v) : bad(key, 'must be 1 to 200 characters'));
  }
  for (const key of ['from', 'to'] as const) {
    const v = params.get(key);
    if (v !== null) (Number.isNaN(Date.parse(v)) ? bad(key, 'must be an ISO 8601 date-time') : (f[key] = new Date(v)));
  }
  const limit = params.get('limit');
  if (limit !== null) (/^\d{1,3}$/.test(limit) && Number(limit) >= 1 && Number(limit) <= 500 ? (f.limit = Number(limit)) : bad('limit', 'must be an integer from 1 to 500'));
  const cursor = params.get('cursor');
  if (cursor !== null) (/^\d{1,18}$/.test(cursor) ? (f.before = cursor) : bad('cursor', 'is not a cursor of this listing'));
  if (problems.length) throw new ValidationError({ code: 'query.invalid', status: 400, message: 'The audit parameters are invalid.', details: problems });
  return f;
}

/**
 * Reads the audit log, newest first, with keyset pagination on the event id.
 *
 * @example
 * ```ts
 * const page = await queryAudit(db, { actor: 'user:ada', limit: 50 });
 * ```
 */
export async function queryAudit(db: Kysely<Database>, f: AuditFilter) {
  let q = db.selectFrom('events').select(['id', 'record_id', 'record_type', 'subject', 'action', 'actor', 'at', 'before', 'after', 'meta']);
  if (f.record) q = q.where('record_id', '=', f.record);
  if (f.actor) q = q.where('actor', '=', f.actor);
  if (f.subject) q = q.where('subject', '=', f.subject);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  if (f.before) q = q.where('id', '<', f.before);
  const rows = await q.orderBy('id', 'desc').limit(f.limit + 1).execute();
  const items = rows.slice(0, f.limit).map((r) => ({
    id: String(r.id),
    recordId: r.record_id,
    recordType: r.record_type,
    subject: r.subject,
    action: r.action,
    actor: r.actor,
    at: isoTime(r.at),
    before: r.before,
    after: r.after,
    meta: r.meta,
  }));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > f.limit && last ? last.id : null };
}
