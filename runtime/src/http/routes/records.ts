import { PipewrightError, ValidationError } from '@pipewright/core';
import { Hono } from 'hono';
import { listColumns } from '../../records/columns';
import { parseListQuery } from '../../records/query';
import { lastTouches, touchIds } from '../../records/touches';
import type { RecordStore } from '../../records/store';
import { etagOf, parseIfMatch } from '../../records/view';
import { onlyMembers, readJsonObject } from '../body';
import type { AppEnv } from '../context';
import { isoTime } from '../../db/time';

const SYSTEM_MEMBERS = ['data', 'owner', 'orgUnit', 'stage', 'process'] as const;

function optionalString(body: Record<string, unknown>, key: string): string | null | undefined {
  const v = body[key];
  if (v === undefined || v === null) return v as null | undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > 200) {
    throw new ValidationError({ code: 'body.invalid', message: `"${key}" must be a non-empty string or null.`, details: [{ pointer: `/${key}`, message: 'must be a string or null', code: 'type' }] });
  }
  return v;
}

function dataMember(body: Record<string, unknown>, required: boolean): Record<string, unknown> | undefined {
  const data = body.data;
  if (data === undefined && !required) return undefined;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ValidationError({ code: 'body.invalid', message: '"data" must be an object holding the record fields.', details: [{ pointer: '/data', message: data === undefined ? 'is required' : 'must be an object', code: data === undefined ? 'required' : 'type' }] });
  }
  return data as Record<string, unknown>;
}

function requireVersion(header: string | undefined): number {
  const v = parseIfMatch(header);
  if (v === undefined) {
    throw new PipewrightError({ code: 'precondition-required', status: 428, message: 'Send the If-Match header with the ETag you read (e.g. If-Match: "3") so concurrent edits are not lost.' });
  }
  if (v === null) throw new PipewrightError({ code: 'invalid-if-match', status: 400, message: 'If-Match must be the record ETag, e.g. "3".', extensions: { header: 'If-Match' } });
  return v;
}

/**
 * CRUD over `/api/records/:type`: create, read, list (filters, sort, cursor), merge-patch with
 * If-Match, soft delete, the record's event history, and the last touch of a page of records. Every call is narrowed to what the
 * principal may see and change (see `records/access.ts`): invisible records are 404.
 *
 * @example
 * ```ts
 * app.route('/api/records', recordRoutes(store));
 * ```
 */
export function recordRoutes(store: RecordStore): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/:type', async (c) => {
    const type = c.req.param('type');
    const entity = store.entity(type);
    const query = parseListQuery(entity, new URL(c.req.url).searchParams);
    const page = await store.list(type, query, c.get('actor'));
    return c.json({ ...page, items: await store.withComputed(type, page.items, c.get('actor')) });
  });

  app.post('/:type', async (c) => {
    const type = c.req.param('type');
    store.entity(type);
    const body = await readJsonObject(c);
    onlyMembers(body, SYSTEM_MEMBERS);
    const data = dataMember(body, true) as Record<string, unknown>;
    const process = optionalString(body, 'process');
    const input = { data, ...pick(body, 'owner'), ...pick(body, 'orgUnit'), ...pick(body, 'stage'), ...(process ? { process } : {}) };
    const view = await store.create(type, input, c.get('actor'));
    c.header('ETag', etagOf(view.version));
    c.header('Location', `/api/records/${type}/${view.id}`);
    return c.json(view, 201);
  });

  // before /:type/:id (record ids are uuids, never "columns" or "touches")
  app.get('/:type/columns', async (c) => c.json({ columns: await listColumns(store, c.req.param('type'), new URL(c.req.url).searchParams, c.get('actor')) }));

  // before /:type/:id, like columns
  app.get('/:type/touches', async (c) => {
    const type = c.req.param('type');
    store.entity(type);
    return c.json({ items: await lastTouches(store, type, touchIds(c.req.query('ids')), c.get('actor')) });
  });

  app.get('/:type/:id', async (c) => {
    const type = c.req.param('type');
    const view = await store.get(type, c.req.param('id'), c.get('actor'));
    c.header('ETag', etagOf(view.version));
    // What the reader may do with it: those who only read it (an audience, a widening, a
    // read share) are not offered changes the writer would refuse (403).
    c.header('Allow', (await store.access.holds(store.db, view.id, store.access.edit(c.get('actor')))) ? 'GET, PATCH, DELETE' : 'GET');
    const [withComputed] = await store.withComputed(type, [view], c.get('actor'));
    return c.json(withComputed ?? view);
  });

  app.patch('/:type/:id', async (c) => {
    const type = c.req.param('type');
    const id = c.req.param('id');
    store.entity(type);
    const version = requireVersion(c.req.header('if-match'));
    const body = await readJsonObject(c);
    onlyMembers(body, ['data', 'owner', 'orgUnit']);
    const data = dataMember(body, false);
    const patch = { ...(data ? { data } : {}), ...pick(body, 'owner'), ...pick(body, 'orgUnit') };
    const outcome = await store.updateOrHold(type, id, patch, version, c.get('actor'));
    c.header('ETag', etagOf(outcome.record.version));
    // A change an entity approval applies to waits for its approvers (ADR 028 addendum).
    if (outcome.approval !== undefined) return c.json({ approval: outcome.approval, record: outcome.record }, 202);
    return c.json(outcome.record);
  });

  app.delete('/:type/:id', async (c) => {
    const v = parseIfMatch(c.req.header('if-match'));
    if (v === null) throw new PipewrightError({ code: 'invalid-if-match', status: 400, message: 'If-Match must be the record ETag, e.g. "3".' });
    await store.softDelete(c.req.param('type'), c.req.param('id'), v, c.get('actor'));
    return c.body(null, 204);
  });

  app.get('/:type/:id/events', async (c) => {
    const type = c.req.param('type');
    const view = await store.get(type, c.req.param('id'), c.get('actor'), { includeDeleted: true });
    const rows = await store.db
      .selectFrom('events')
      .select(['id', 'action', 'actor', 'at', 'before', 'after', 'meta'])
      .where('record_id', '=', view.id)
      .orderBy('id')
      .execute();
    return c.json({ items: rows.map((r) => ({ ...r, id: String(r.id), at: isoTime(r.at) })) });
  });

  return app;

  function pick(body: Record<string, unknown>, key: 'owner' | 'orgUnit' | 'stage'): Record<string, string | null> {
    const v = optionalString(body, key);
    return v === undefined ? {} : { [key]: v };
  }
}
