import { ValidationError } from '@pipewright/core';
import { sql } from 'kysely';
import { adminOnly, readOrWrite } from '../../auth/guards';
import type { Principal } from '../../auth/principal';
import { RouteTable, type QueryParameter } from '../../http/declare';
import { isUuid } from '../../records/store';
import type { ProcessRuntime } from '../runtime';
import { dateParam } from './params';
import { isoTime, isoTimeOrNull } from '../../db/time';

const SCOPE: Record<string, QueryParameter> = {
  process: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$', required: true, description: 'The process id.' },
  asOf: { type: 'string', maxLength: 40, description: 'ISO date or date-time (default: now).' },
};
const ANSWER = (description: string, member: string) => ({ 200: { description, schema: { type: 'object', required: ['process', 'asOf', member], properties: { process: { type: 'string' }, asOf: { type: 'string', format: 'date-time' }, [member]: {} } } } });

/**
 * `/api/pipeline/*` analytics from stage history (time in stage, stuck records, conversion, the
 * open stays of a page of records), and `/api/incidents` (admins), declared once (ADR 031).
 *
 * @example
 * ```ts
 * for (const t of pipelineRoutes(runtime)) app.route(t.base, t.app);
 * ```
 */
export function pipelineRoutes(rt: ProcessRuntime): RouteTable[] {
  const t = new RouteTable('/api/pipeline', ['pipeline']);
  const guards = [readOrWrite()];

  const scope = async (query: Record<string, string>, principal: Principal) => {
    const process = query.process as string;
    const p = await rt.definitions.get(process);
    const latest = p.latestVersion ? await rt.definitions.definition(process, p.latestVersion) : p.draft;
    return { process, asOf: dateParam(query.asOf, 'asOf') ?? rt.now(), principal, definition: latest };
  };

  t.on({ method: 'get', path: '/time-in-stage', operationId: 'pipelineTimeInStage', summary: 'Time in stage from stage history', guards, query: SCOPE, responses: ANSWER('Per stage', 'stages'), errors: [403, 404, 429] }, async (c, { query }) => {
    const s = await scope(query, c.get('actor'));
    return c.json({ process: s.process, asOf: s.asOf.toISOString(), stages: await rt.queries.timeInStage(s) });
  });

  t.on({ method: 'get', path: '/stuck', operationId: 'pipelineStuck', summary: 'Records beyond their stage SLA or the 75th percentile of time in that stage', guards, query: { ...SCOPE, limit: { type: 'integer', minimum: 1, maximum: 1000, description: 'Default 100.' } }, responses: ANSWER('Stuck records, longest first', 'items'), errors: [403, 404, 429] }, async (c, { query }) => {
    const s = await scope(query, c.get('actor'));
    return c.json({ process: s.process, asOf: s.asOf.toISOString(), items: await rt.queries.stuck({ ...s, limit: query.limit ? Number(query.limit) : 100 }) });
  });

  t.on({ method: 'get', path: '/conversion', operationId: 'pipelineConversion', summary: 'Stage-to-stage conversion and win rate by stage', guards, query: SCOPE, responses: ANSWER('Per stage and per move', 'stages'), errors: [403, 404, 429] }, async (c, { query }) => {
    const s = await scope(query, c.get('actor'));
    const kind = (k: string) => s.definition.stages.filter((x) => x.kind === k).map((x) => x.id);
    return c.json({ process: s.process, asOf: s.asOf.toISOString(), ...(await rt.queries.conversion({ ...s, won: kind('won'), lost: kind('lost') })) });
  });

  const STAY = { type: 'object', required: ['record', 'stage', 'enteredAt', 'dueAt'], properties: { record: { type: 'string', format: 'uuid' }, stage: { type: 'string' }, enteredAt: { type: 'string', format: 'date-time' }, dueAt: { type: ['string', 'null'], format: 'date-time' } } };
  t.on({ method: 'get', path: '/stays', operationId: 'pipelineOpenStays', summary: 'The open stay (stage, entered, SLA due) of each given record the caller may see', guards, query: { ids: { type: 'string', required: true, maxLength: 500 * 37, description: 'Up to 500 comma-separated record ids.' } }, responses: { 200: { description: 'Open stays', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: STAY } } } } }, errors: [403, 429] }, async (c, { query }) => {
    const ids = [...new Set((query.ids ?? '').split(',').filter((x) => x !== ''))];
    if (ids.length > 500 || ids.some((id) => !isUuid(id))) {
      throw new ValidationError({ code: 'query.invalid', status: 400, message: '"ids" must be up to 500 comma-separated record ids.', details: [{ pointer: '', parameter: 'ids', message: 'up to 500 uuids' }] });
    }
    if (ids.length === 0) return c.json({ items: [] });
    const visible = rt.store.access.read(c.get('actor')) ?? sql<boolean>`true`;
    const rows = await rt.db.selectFrom('stage_history').innerJoin('records', 'records.id', 'stage_history.record_id').select(['stage_history.record_id', 'stage_history.stage', 'stage_history.entered_at', 'stage_history.due_at']).where('stage_history.record_id', 'in', ids).where('stage_history.exited_at', 'is', null).where(visible).execute();
    return c.json({ items: rows.map((r) => ({ record: r.record_id, stage: r.stage, enteredAt: isoTime(r.entered_at), dueAt: isoTimeOrNull(r.due_at) })) });
  });

  const incidents = new RouteTable('/api/incidents', ['pipeline']);
  incidents.on({ method: 'get', path: '/', operationId: 'listIncidents', summary: 'Actions that kept failing (admin), newest first, at most 200', guards: [adminOnly()], responses: { 200: { description: 'Incidents', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, kind: { type: 'string' }, record: { type: ['string', 'null'] }, message: { type: 'string' }, details: {}, createdAt: { type: 'string', format: 'date-time' }, resolvedAt: { type: ['string', 'null'], format: 'date-time' } } } } } } } }, errors: [403, 429] }, async (c) => {
    const rows = await rt.db.selectFrom('incidents').selectAll().orderBy('created_at', 'desc').limit(200).execute();
    return c.json({ items: rows.map((i) => ({ id: i.id, kind: i.kind, record: i.record_id, message: i.message, details: i.details, createdAt: isoTime(i.created_at), resolvedAt: isoTimeOrNull(i.resolved_at) })) });
  });

  return [t, incidents];
}
