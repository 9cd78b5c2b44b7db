import { NotFoundError } from '@pipewright/core';
import type { MiddlewareHandler } from 'hono';
import { readOrWrite } from '../../auth/guards';
import type { AppEnv } from '../../http/context';
import { RouteTable, type RouteContext, type RouteDeclaration } from '../../http/declare';
import { requestLocale } from '../../http/locale';
import { isUuid } from '../../records/store';
import { availableTransitions } from '../available';
import { idempotencyKeyOf, requestHash } from '../idempotency';
import type { ProcessRuntime } from '../runtime';
import { APPROVAL } from './approval-schema';
import { requiredIfMatch } from './params';
import { isoTime, isoTimeOrNull } from '../../db/time';

/** A stage, transition or process id (as process definitions name them). */
const LOCAL_ID = { type: 'string', maxLength: 63, pattern: '^[a-z][a-z0-9_]{0,62}$' } as const;
const RECORD_ID = { type: 'string', format: 'uuid' } as const;
const TAGS = ['processes'];

/** The move's body; checked by the table before the handler (one 422 naming every member at fault by pointer). */
const TRANSITION_BODY = {
  type: 'object',
  required: ['to'],
  additionalProperties: false,
  properties: {
    to: { ...LOCAL_ID, description: 'Target stage id.' },
    transition: { ...LOCAL_ID, description: 'Transition id, when several lead to the target.' },
    data: { type: 'object', description: 'JSON merge patch of the record body, applied before the guard and requirements.' },
    process: { ...LOCAL_ID, description: 'Process to enter when the record is on none yet (default: the entity\'s default process).' },
  },
};
const MOVED = {
  type: 'object',
  required: ['record', 'transition'],
  properties: { record: { type: 'object', description: 'The record as moved (as `GET /api/records/{type}/{id}` reads it).' }, transition: { type: 'object', description: 'The move made: from, to, transition, actions enqueued.' } },
};
const AVAILABLE = {
  type: 'object',
  required: ['record', 'process', 'stage', 'editable', 'transitions'],
  properties: {
    record: { type: 'object', properties: { id: { type: 'string' }, type: { type: 'string' }, version: { type: 'integer' }, stage: { type: ['string', 'null'] } } },
    process: { type: ['object', 'null'], description: 'The version the record is pinned to.', properties: { id: { type: 'string' }, version: { type: 'integer' }, label: { type: 'string' } } },
    stage: { type: ['object', 'null'], properties: { id: { type: 'string' }, label: { type: 'string' }, kind: { enum: ['open', 'won', 'lost'] } } },
    editable: { type: 'boolean', description: 'False when the caller may see the record but not move it (no transitions then).' },
    transitions: {
      type: 'array',
      description: 'Moves open to the caller from the record\'s stage in its pinned version (moves needing a role the caller lacks are left out), each with its guard evaluated and the unmet entry requirements of its target.',
      items: {
        type: 'object',
        required: ['id', 'label', 'to', 'toLabel', 'toKind', 'move', 'ready', 'guard', 'missing'],
        properties: {
          id: { type: ['string', 'null'], description: 'Transition id; null for a move allowed without one (skip, backward, enter).' },
          label: { type: 'string' },
          to: { type: 'string' },
          toLabel: { type: 'string' },
          toKind: { enum: ['open', 'won', 'lost'] },
          move: { enum: ['transition', 'skip', 'backward', 'enter'] },
          ready: { type: 'boolean', description: 'The move would be accepted as the record is now.' },
          guard: { type: 'object', description: '{ passed: true } or { passed: false, message, explanation } (the rule engine\'s explanation tree).', properties: { passed: { type: 'boolean' }, message: { type: 'string' }, explanation: { type: 'object' } } },
          missing: { type: ['object', 'null'], description: 'Unmet entry requirements: the fields and a JSON Schema for exactly them.', properties: { fields: { type: 'array', items: { type: 'string' } }, schema: { type: 'object' } } },
        },
      },
    },
  },
};
const HISTORY = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      description: 'Stays, oldest first.',
      items: {
        type: 'object',
        required: ['id', 'process', 'version', 'stage', 'from', 'transition', 'enteredAt', 'enteredBy', 'exitedAt', 'exitedBy', 'dueAt'],
        properties: {
          id: { type: 'string' },
          process: { type: 'string' },
          version: { type: 'integer' },
          stage: { type: 'string' },
          from: { type: ['string', 'null'], description: 'The stage the record came from (null on entering the process).' },
          transition: { type: ['string', 'null'] },
          enteredAt: { type: 'string', format: 'date-time' },
          enteredBy: { type: ['string', 'null'] },
          exitedAt: { type: ['string', 'null'], format: 'date-time', description: 'Null for the stay the record is in.' },
          exitedBy: { type: ['string', 'null'] },
          dueAt: { type: ['string', 'null'], format: 'date-time', description: 'When the stage\'s time limit runs out.' },
        },
      },
    },
  },
};

/**
 * If-Match (428 when absent, 400 when malformed) and Idempotency-Key (400 when malformed), checked
 * before the body as they were before the move was declared: a stale or missing version is named
 * first. The handler reads them again (a regular expression each).
 */
const preconditions: MiddlewareHandler<AppEnv> = async (c, next) => {
  requiredIfMatch(c.req.header('if-match'));
  idempotencyKeyOf(c.req.header('idempotency-key'));
  await next();
};

/** The three routes of one record path: the record's `type` comes from the path, or is the alias's entity. */
interface RecordPath {
  /** Router path of the record, relative to `/api` (`/records/:type/:id`, `/deals/:id`). */
  path: string;
  /** The operationIds: `transitionRecord`, `listRecordTransitions`, `recordStageHistory` or the alias's. */
  ids: { move: string; list: string; history: string };
  pathParams: RouteDeclaration['pathParams'];
  guards: MiddlewareHandler<AppEnv>[];
  type: (c: RouteContext) => string;
}

/**
 * Transitions and stage history of stageful records, declared once (ADR 031):
 * `GET /api/records/{type}/{id}/transitions` (the moves open to the caller, checks already run),
 * `POST .../transitions` (If-Match required, Idempotency-Key honoured), `GET .../history`, and
 * the same under `/api/<alias>/{id}` for each stageful entity that declares an `apiAlias` (the
 * pipeline plugin's deals: `/api/deals`, operations `transitionDeal`, `listDealTransitions`,
 * `dealStageHistory`). The table's base is `/api`.
 *
 * @example
 * ```ts
 * const t = transitionRoutes(runtime);
 * app.route(t.base, t.app);
 * ```
 */
export function transitionRoutes(rt: ProcessRuntime): RouteTable {
  const t = new RouteTable('/api', TAGS);

  const records: RecordPath = {
    path: '/records/:type/:id',
    ids: { move: 'transitionRecord', list: 'listRecordTransitions', history: 'recordStageHistory' },
    pathParams: { type: { type: 'string', description: 'Full entity id (plugin id, dot, entity id), e.g. acme_visits.visit' }, id: RECORD_ID },
    // `/api/records/*` is guarded by readOrWrite() where the app mounts the records API.
    guards: [],
    type: (c) => c.req.param('type') ?? '',
  };
  const aliases: RecordPath[] = [...rt.registry.entities.values()].flatMap((entity) => {
    if (!entity.apiAlias) return [];
    const name = entity.id.split('_').map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('');
    return [{ path: `/${entity.apiAlias}/:id`, ids: { move: `transition${name}`, list: `list${name}Transitions`, history: `${name.charAt(0).toLowerCase()}${name.slice(1)}StageHistory` }, pathParams: { id: RECORD_ID }, guards: [readOrWrite()], type: () => entity.fullId }];
  });

  for (const p of [records, ...aliases]) {
    t.on(
      {
        method: 'get',
        path: `${p.path}/transitions`,
        operationId: p.ids.list,
        summary: 'The transitions open to the caller from the record\'s stage, with guards evaluated and missing requirements',
        guards: p.guards,
        pathParams: p.pathParams,
        responses: { 200: { description: 'Moves open to the caller', schema: AVAILABLE } },
        errors: [403, 404, 422, 429],
      },
      async (c, { param }) => {
        c.header('Vary', 'Accept-Language', { append: true });
        return c.json(await availableTransitions(rt.store, rt.definitions, rt.registry, p.type(c), param('id'), c.get('actor'), rt.now(), requestLocale(c)));
      },
    );

    t.on(
      {
        method: 'post',
        path: `${p.path}/transitions`,
        operationId: p.ids.move,
        summary: 'Move the record to another stage (one transaction: guard, entry requirements, stage history, audit event, actions enqueued)',
        guards: [...p.guards, preconditions],
        pathParams: p.pathParams,
        headerParams: {
          'If-Match': { required: true, description: 'ETag read before the change.' },
          'Idempotency-Key': { description: 'Same key and body: the stored response; same key, other body: 422.', schema: { type: 'string', maxLength: 255 } },
        },
        body: TRANSITION_BODY,
        responses: {
          200: { description: 'Moved; the record and the transition', schema: MOVED, headers: { ETag: { schema: { type: 'string' }, description: 'The record\'s version after the move.' } } },
          202: { description: 'Held for approval (the transition asks for it here): the request and the record, unmoved', schema: { type: 'object', required: ['approval', 'record'], properties: { approval: APPROVAL, record: { type: 'object' } } } },
        },
        errors: [400, 403, 404, 409, 412, 428, 429],
      },
      async (c, { body, param }) => {
        const type = p.type(c);
        const id = param('id');
        const ifMatch = c.req.header('if-match');
        const key = idempotencyKeyOf(c.req.header('idempotency-key'));
        const res = await rt.transitions.execute({
          type,
          id,
          to: body.to as string,
          ...(body.transition !== undefined ? { transition: body.transition as string } : {}),
          ...(body.process !== undefined ? { process: body.process as string } : {}),
          ...(body.data !== undefined ? { data: body.data as Record<string, unknown> } : {}),
          expectedVersion: requiredIfMatch(ifMatch),
          principal: c.get('actor'),
          locale: requestLocale(c),
          ...(key ? { idempotency: { key, hash: requestHash('POST', `/${type}/${id}/transitions`, ifMatch, body) } } : {}),
        });
        rt.workers?.wake();
        for (const [k, v] of Object.entries(res.headers)) c.header(k, v);
        return c.json(res.body as object, res.status as 200);
      },
    );

    t.on(
      {
        method: 'get',
        path: `${p.path}/history`,
        operationId: p.ids.history,
        summary: 'Stage history of the record (entered, exited, by whom)',
        guards: p.guards,
        pathParams: p.pathParams,
        responses: { 200: { description: 'Stays, oldest first', schema: HISTORY } },
        errors: [403, 404, 429],
      },
      async (c, { param }) => {
        const type = p.type(c);
        const id = param('id');
        rt.registry.entity(type);
        if (!isUuid(id)) throw new NotFoundError(`There is no ${type} record "${id}".`, { entity: type, id });
        const visible = await rt.store.visible(type, c.get('actor')).select('id').where('id', '=', id).executeTakeFirst();
        if (!visible) throw new NotFoundError(`There is no ${type} record "${id}".`, { entity: type, id });
        const rows = await rt.db.selectFrom('stage_history').selectAll().where('record_id', '=', id).orderBy('id').execute();
        return c.json({
          items: rows.map((h) => ({ id: String(h.id), process: h.process_id, version: h.process_version, stage: h.stage, from: h.from_stage, transition: h.transition_id, enteredAt: isoTime(h.entered_at), enteredBy: h.entered_by, exitedAt: isoTimeOrNull(h.exited_at), exitedBy: h.exited_by, dueAt: isoTimeOrNull(h.due_at) })),
        });
      },
    );
  }
  return t;
}
