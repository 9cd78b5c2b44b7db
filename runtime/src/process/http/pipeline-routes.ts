import { ValidationError } from '@pipewright/core';
import { Hono, type Context } from 'hono';
import { sql } from 'kysely';
import { adminOnly, readOrWrite } from '../../auth/guards';
import type { AppEnv } from '../../http/context';
import { stringMember } from '../../http/input';
import { isUuid } from '../../records/store';
import type { ProcessRuntime } from '../runtime';
import { dateParam, intParam } from './params';
import { isoTime, isoTimeOrNull } from '../../db/time';

/**
 * `/api/pipeline/*` analytics from stage history (time in stage, stuck records, conversion, the
 * open stays of a page of records),
 * and `/api/incidents` (admins).
 *
 * @example
 * ```ts
 * app.route('/api', pipelineRoutes(runtime));
 * ```
 */
export function pipelineRoutes(rt: ProcessRuntime): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/pipeline/*', readOrWrite());
  app.use('/incidents', adminOnly());

  const scope = async (c: Context<AppEnv>) => {
    const process = stringMember({ process: c.req.query('process') }, 'process', { max: 63, pattern: /^[a-z][a-z0-9_]{0,62}$/ });
    const p = await rt.definitions.get(process);
    const latest = p.latestVersion ? await rt.definitions.definition(process, p.latestVersion) : p.draft;
    return { process, asOf: dateParam(c.req.query('asOf'), 'asOf') ?? rt.now(), principal: c.get('actor'), definition: latest };
  };

  app.get('/pipeline/time-in-stage', async (c) => {
    const s = await scope(c);
    return c.json({ process: s.process, asOf: s.asOf.toISOString(), stages: await rt.queries.timeInStage(s) });
  });
  app.get('/pipeline/stuck', async (c) => {
    const s = await scope(c);
    const limit = intParam(c.req.query('limit'), 'limit', { optional: true, max: 1000 }) ?? 100;
    return c.json({ process: s.process, asOf: s.asOf.toISOString(), items: await rt.queries.stuck({ ...s, limit }) });
  });
  app.get('/pipeline/conversion', async (c) => {
    const s = await scope(c);
    const kind = (k: string) => s.definition.stages.filter((x) => x.kind === k).map((x) => x.id);
    return c.json({ process: s.process, asOf: s.asOf.toISOString(), ...(await rt.queries.conversion({ ...s, won: kind('won'), lost: kind('lost') })) });
  });
  app.get('/pipeline/stays', async (c) => {
    const raw = c.req.query('ids') ?? '';
    const ids = [...new Set(raw.split(',').filter((x) => x !== ''))];
    if (ids.length > 500 || ids.some((id) => !isUuid(id))) {
      throw new ValidationError({ code: 'query.invalid', status: 400, message: '"ids" must be up to 500 comma-separated record ids.', details: [{ pointer: '', parameter: 'ids', message: 'up to 500 uuids' }] });
    }
    if (ids.length === 0) return c.json({ items: [] });
    const visible = rt.store.access.read(c.get('actor')) ?? sql<boolean>`true`;
    const rows = await rt.db.selectFrom('stage_history').innerJoin('records', 'records.id', 'stage_history.record_id').select(['stage_history.record_id', 'stage_history.stage', 'stage_history.entered_at', 'stage_history.due_at']).where('stage_history.record_id', 'in', ids).where('stage_history.exited_at', 'is', null).where(visible).execute();
    return c.json({ items: rows.map((r) => ({ record: r.record_id, stage: r.stage, enteredAt: isoTime(r.entered_at), dueAt: isoTimeOrNull(r.due_at) })) });
  });
  app.get('/incidents', async (c) => {
    const rows = await rt.db.selectFrom('incidents').selectAll().orderBy('created_at', 'desc').limit(200).execute();
    return c.json({ items: rows.map((i) => ({ id: i.id, kind: i.kind, record: i.record_id, message: i.message, details: i.details, createdAt: isoTime(i.created_at), resolvedAt: isoTimeOrNull(i.resolved_at) })) });
  });
  return app;
}
