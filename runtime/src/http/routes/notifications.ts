import { NotFoundError, ValidationError, type TextLocale } from '@pipewright/core';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { readOrWrite } from '../../auth/guards';
import type { Database } from '../../db/tables';
import { isoTime, isoTimeOrNull } from '../../db/time';
import { intParam } from '../../process/http/params';
import { isUuid } from '../../records/store';
import type { AppEnv } from '../context';
import { requestLocale } from '../locale';

type Texts = { title?: Record<string, string>; body?: Record<string, string> };

/** A stored notification's text in the reader's language: `data.i18n` when it has that language, else the stored (English) text. */
function inLanguage(stored: string | null, texts: Record<string, string> | undefined, locale: TextLocale): string | null {
  const t = texts?.[locale];
  return typeof t === 'string' ? t : stored;
}

function i18nOf(data: unknown): Texts | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const i18n = (data as { i18n?: unknown }).i18n;
  return i18n && typeof i18n === 'object' ? (i18n as Texts) : undefined;
}

/**
 * `/api/notifications`: the caller's own in-app notifications, newest first, with the unread
 * count; titles and bodies in the reader's language (`Accept-Language`) where the writer gave
 * it (`data.i18n`); marking one or all as read. Another user's notification is 404.
 *
 * @example
 * ```ts
 * app.route('/api/notifications', notificationRoutes(db, now));
 * ```
 */
export function notificationRoutes(db: Kysely<Database>, now: () => Date): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', readOrWrite());

  app.get('/', async (c) => {
    const user = c.get('actor').userId;
    const limit = intParam(c.req.query('limit'), 'limit', { optional: true, max: 200 }) ?? 200;
    const unreadParam = c.req.query('unread');
    if (unreadParam !== undefined && unreadParam !== 'true' && unreadParam !== 'false') throw new ValidationError({ code: 'query.invalid', status: 400, message: '"unread" must be true or false.', details: [{ pointer: '', parameter: 'unread', message: 'must be true or false' }] });
    if (!user) return c.json({ items: [], unread: 0 });
    let q = db.selectFrom('notifications').selectAll().where('user_id', '=', user);
    if (unreadParam === 'true') q = q.where('read_at', 'is', null);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
    const unread = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).where('user_id', '=', user).where('read_at', 'is', null).executeTakeFirst();
    const locale = requestLocale(c);
    return c.json({
      unread: Number(unread?.n ?? 0),
      items: rows.map((n) => {
        const texts = i18nOf(n.data);
        return { id: n.id, kind: n.kind, title: inLanguage(n.title, texts?.title, locale) ?? n.title, body: inLanguage(n.body, texts?.body, locale), record: n.record_id ? { id: n.record_id, type: n.record_type } : null, data: n.data, createdAt: isoTime(n.created_at), readAt: isoTimeOrNull(n.read_at) };
      }),
    });
  });

  app.post('/read-all', async (c) => {
    const user = c.get('actor').userId;
    if (!user) return c.json({ updated: 0 });
    const r = await db.updateTable('notifications').set({ read_at: now() }).where('user_id', '=', user).where('read_at', 'is', null).executeTakeFirst();
    return c.json({ updated: Number(r.numUpdatedRows ?? 0n) });
  });

  app.post('/:id/read', async (c) => {
    const id = c.req.param('id');
    const user = c.get('actor').userId;
    if (!isUuid(id) || !user) throw new NotFoundError('There is no such notification.');
    const row = await db.selectFrom('notifications').select(['id', 'read_at']).where('id', '=', id).where('user_id', '=', user).executeTakeFirst();
    if (!row) throw new NotFoundError('There is no such notification.');
    const readAt = row.read_at ?? now();
    if (!row.read_at) await db.updateTable('notifications').set({ read_at: readAt }).where('id', '=', id).where('read_at', 'is', null).execute();
    return c.json({ id, readAt: isoTime(readAt) });
  });
  return app;
}

const NOTIFICATION = {
  type: 'object',
  required: ['id', 'kind', 'title', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' }, kind: { type: 'string' }, title: { type: 'string' }, body: { type: ['string', 'null'] },
    record: { type: ['object', 'null'], properties: { id: { type: 'string' }, type: { type: 'string' } } }, data: {},
    createdAt: { type: 'string', format: 'date-time' }, readAt: { type: ['string', 'null'], format: 'date-time' },
  },
};
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const ok = (schema: unknown) => ({ description: 'OK', content: { 'application/json': { schema } } });
const tags = ['notifications'];

/** OpenAPI paths of the notification API. */
export const notificationPaths: Record<string, Record<string, unknown>> = {
  '/api/notifications': {
    get: {
      operationId: 'listNotifications', tags, summary: "The caller's in-app notifications, newest first, with the unread count (texts in the Accept-Language where given)",
      parameters: [
        { name: 'unread', in: 'query', schema: { enum: ['true', 'false'] }, description: 'Only unread ones.' },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 }, description: 'Default 200.' },
      ],
      responses: { '200': ok({ type: 'object', required: ['items', 'unread'], properties: { unread: { type: 'integer' }, items: { type: 'array', items: NOTIFICATION } } }), '400': problem('Bad parameter'), '401': problem('Not signed in') },
    },
  },
  '/api/notifications/read-all': { post: { operationId: 'readAllNotifications', tags, summary: "Mark all the caller's notifications read", responses: { '200': ok({ type: 'object', properties: { updated: { type: 'integer' } } }), '401': problem('Not signed in'), '403': problem('Not allowed (scope or CSRF)') } } },
  '/api/notifications/{id}/read': {
    post: {
      operationId: 'readNotification', tags, summary: 'Mark one of the caller\'s notifications read', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      responses: { '200': ok({ type: 'object', properties: { id: { type: 'string' }, readAt: { type: 'string', format: 'date-time' } } }), '401': problem('Not signed in'), '403': problem('Not allowed (scope or CSRF)'), '404': problem('Not found or not the caller\'s') },
    },
  },
};
