import { NotFoundError, type TextLocale } from '@pipewright/core';
import type { Kysely } from 'kysely';
import { readOrWrite } from '../../auth/guards';
import type { Database } from '../../db/tables';
import { isoTime, isoTimeOrNull } from '../../db/time';
import { isUuid } from '../../records/store';
import { RouteTable } from '../declare';
import { requestLocale } from '../locale';

const NOTIFICATION = {
  type: 'object',
  required: ['id', 'kind', 'title', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' }, kind: { type: 'string' }, title: { type: 'string' }, body: { type: ['string', 'null'] },
    record: { type: ['object', 'null'], properties: { id: { type: 'string' }, type: { type: 'string' } } }, data: {},
    createdAt: { type: 'string', format: 'date-time' }, readAt: { type: ['string', 'null'], format: 'date-time' },
  },
};
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
export function notificationRoutes(db: Kysely<Database>, now: () => Date): RouteTable {
  const t = new RouteTable('/api/notifications', ['notifications']);
  const guards = [readOrWrite()];

  const list = { type: 'object', required: ['items', 'unread'], properties: { unread: { type: 'integer' }, items: { type: 'array', items: NOTIFICATION } } };
  const query = { unread: { type: 'boolean', description: 'Only unread ones.' }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 200 } };
  t.on({ method: 'get', path: '/', operationId: 'listNotifications', summary: "The caller's in-app notifications, newest first, with the unread count (texts in the Accept-Language where given)", guards, query, responses: { 200: { description: 'The notifications', schema: list } } }, async (c, { query: params }) => {
    const user = c.get('actor').userId;
    const limit = params.limit === undefined ? 200 : Number(params.limit);
    const unreadParam = params.unread;
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

  t.on({ method: 'post', path: '/read-all', operationId: 'readAllNotifications', summary: "Mark all the caller's notifications read", guards, responses: { 200: { description: 'Marked', schema: { type: 'object', properties: { updated: { type: 'integer' } } } } }, errors: [403] }, async (c) => {
    const user = c.get('actor').userId;
    if (!user) return c.json({ updated: 0 });
    const r = await db.updateTable('notifications').set({ read_at: now() }).where('user_id', '=', user).where('read_at', 'is', null).executeTakeFirst();
    return c.json({ updated: Number(r.numUpdatedRows ?? 0n) });
  });

  t.on({ method: 'post', path: '/:id/read', operationId: 'readNotification', summary: "Mark one of the caller's notifications read", guards, pathParams: { id: { type: 'string', format: 'uuid' } }, responses: { 200: { description: 'Marked', schema: { type: 'object', properties: { id: { type: 'string' }, readAt: { type: 'string', format: 'date-time' } } } } }, errors: [403, 404] }, async (c, { param }) => {
    const id = param('id');
    const user = c.get('actor').userId;
    if (!isUuid(id) || !user) throw new NotFoundError('There is no such notification.');
    const row = await db.selectFrom('notifications').select(['id', 'read_at']).where('id', '=', id).where('user_id', '=', user).executeTakeFirst();
    if (!row) throw new NotFoundError('There is no such notification.');
    const readAt = row.read_at ?? now();
    if (!row.read_at) await db.updateTable('notifications').set({ read_at: readAt }).where('id', '=', id).where('read_at', 'is', null).execute();
    return c.json({ id, readAt: isoTime(readAt) });
  });
  return t;
}
