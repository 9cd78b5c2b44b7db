import { ValidationError } from '@pipewright/core';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { readOrWrite } from '../../auth/guards';
import type { Database } from '../../db/tables';
import type { AppEnv } from '../../http/context';
import { isUuid, type RecordStore } from '../../records/store';

const MAX_IDS = 200;

/**
 * `GET /api/pipeline/stays?ids=<uuid>,<uuid>`: the open stage stay (entered at, SLA due at) of
 * each listed record the caller can see, so a board can show days in stage and SLA state for a
 * page of cards in one request. Records with no open stay are left out. Added for the studio's
 * pipeline board.
 *
 * @example
 * ```ts
 * app.route('/api', staysRoutes(runtime));
 * ```
 */
export function staysRoutes(rt: { db: Kysely<Database>; store: RecordStore }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/pipeline/stays', readOrWrite());
  app.get('/pipeline/stays', async (c) => {
    const ids = [...new Set((c.req.query('ids') ?? '').split(',').filter(Boolean))];
    if (ids.length > MAX_IDS || ids.some((id) => !isUuid(id))) {
      throw new ValidationError({ code: 'query.invalid', status: 400, message: `"ids" must list up to ${MAX_IDS} record ids (UUIDs), comma-separated.`, details: [{ pointer: '', parameter: 'ids', message: 'must be up to 200 UUIDs' }] });
    }
    if (ids.length === 0) return c.json({ items: [] });
    const visible = rt.store.access.read(c.get('actor'));
    let q = rt.db
      .selectFrom('stage_history')
      .innerJoin('records', 'records.id', 'stage_history.record_id')
      .select(['stage_history.record_id', 'stage_history.stage', 'stage_history.entered_at', 'stage_history.due_at'])
      .where('stage_history.record_id', 'in', ids)
      .where('stage_history.exited_at', 'is', null);
    if (visible) q = q.where(visible);
    const rows = await q.execute();
    const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
    return c.json({ items: rows.map((r) => ({ record: r.record_id, stage: r.stage, enteredAt: iso(r.entered_at), dueAt: iso(r.due_at) })) });
  });
  return app;
}
