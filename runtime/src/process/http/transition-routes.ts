import { NotFoundError } from '@pipewright/core';
import { Hono, type Context } from 'hono';
import { readOrWrite } from '../../auth/guards';
import { onlyMembers, readJsonObject } from '../../http/body';
import type { AppEnv } from '../../http/context';
import { stringMember } from '../../http/input';
import { requestLocale } from '../../http/locale';
import { isUuid } from '../../records/store';
import { availableTransitions } from '../available';
import { idempotencyKeyOf, requestHash } from '../idempotency';
import type { ProcessRuntime } from '../runtime';
import { requiredIfMatch } from './params';
import { isoTime, isoTimeOrNull } from '../../db/time';

const LOCAL_ID = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * Transitions and stage history of stageful records: `GET /api/records/{type}/{id}/transitions`
 * (the moves open to the caller, checks already run), `POST .../transitions` (If-Match required,
 * Idempotency-Key honoured), `GET .../history`, and the same under `/api/<alias>/{id}` for
 * each stageful entity that declares an `apiAlias` (the pipeline plugin's deals: `/api/deals`).
 *
 * @example
 * ```ts
 * app.route('/api', transitionRoutes(runtime));
 * ```
 */
export function transitionRoutes(rt: ProcessRuntime): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const transition = async (c: Context<AppEnv>, type: string, id: string) => {
    const expectedVersion = requiredIfMatch(c.req.header('if-match'));
    const key = idempotencyKeyOf(c.req.header('idempotency-key'));
    const body = await readJsonObject(c);
    onlyMembers(body, ['to', 'transition', 'data', 'process']);
    const to = stringMember(body, 'to', { max: 63, pattern: LOCAL_ID });
    const name = stringMember(body, 'transition', { max: 63, pattern: LOCAL_ID, optional: true });
    const processId = stringMember(body, 'process', { max: 63, pattern: LOCAL_ID, optional: true });
    const data = body.data;
    if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) {
      return c.json({ type: 'https://pipewright.dev/problems/body.invalid', title: 'Unprocessable Content', status: 422, code: 'body.invalid', detail: '"data" must be an object (a merge patch of the record).', errors: [{ pointer: '/data', message: 'must be an object', code: 'type' }] }, 422, { 'Content-Type': 'application/problem+json' });
    }
    const res = await rt.transitions.execute({
      type,
      id,
      to,
      ...(name ? { transition: name } : {}),
      ...(processId ? { process: processId } : {}),
      ...(data ? { data: data as Record<string, unknown> } : {}),
      expectedVersion,
      principal: c.get('actor'),
      locale: requestLocale(c),
      ...(key ? { idempotency: { key, hash: requestHash('POST', `/${type}/${id}/transitions`, c.req.header('if-match'), body) } } : {}),
    });
    rt.workers?.wake();
    for (const [k, v] of Object.entries(res.headers)) c.header(k, v);
    return c.json(res.body as object, res.status as 200);
  };

  const history = async (c: Context<AppEnv>, type: string, id: string) => {
    rt.registry.entity(type);
    if (!isUuid(id)) throw new NotFoundError(`There is no ${type} record "${id}".`, { entity: type, id });
    const visible = await rt.store.visible(type, c.get('actor')).select('id').where('id', '=', id).executeTakeFirst();
    if (!visible) throw new NotFoundError(`There is no ${type} record "${id}".`, { entity: type, id });
    const rows = await rt.db.selectFrom('stage_history').selectAll().where('record_id', '=', id).orderBy('id').execute();
    return c.json({
      items: rows.map((h) => ({ id: String(h.id), process: h.process_id, version: h.process_version, stage: h.stage, from: h.from_stage, transition: h.transition_id, enteredAt: isoTime(h.entered_at), enteredBy: h.entered_by, exitedAt: isoTimeOrNull(h.exited_at), exitedBy: h.exited_by, dueAt: isoTimeOrNull(h.due_at) })),
    });
  };

  const available = async (c: Context<AppEnv>, type: string, id: string) => {
    c.header('Vary', 'Accept-Language', { append: true });
    return c.json(await availableTransitions(rt.store, rt.definitions, rt.registry, type, id, c.get('actor'), rt.now(), requestLocale(c)));
  };

  app.get('/records/:type/:id/transitions', (c) => available(c, c.req.param('type'), c.req.param('id')));
  app.post('/records/:type/:id/transitions', (c) => transition(c, c.req.param('type'), c.req.param('id')));
  app.get('/records/:type/:id/history', (c) => history(c, c.req.param('type'), c.req.param('id')));
  for (const entity of rt.registry.entities.values()) {
    const alias = entity.apiAlias;
    if (!alias) continue;
    app.use(`/${alias}/*`, readOrWrite());
    app.get(`/${alias}/:id/transitions`, (c) => available(c, entity.fullId, c.req.param('id')));
    app.post(`/${alias}/:id/transitions`, (c) => transition(c, entity.fullId, c.req.param('id')));
    app.get(`/${alias}/:id/history`, (c) => history(c, entity.fullId, c.req.param('id')));
  }
  return app;
}
