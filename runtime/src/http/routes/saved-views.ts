import { NotFoundError, PipewrightError, ValidationError } from '@pipewright/core';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { readOrWrite } from '../../auth/guards';
import type { Database } from '../../db/tables';
import { isoTime } from '../../db/time';
import { isUuid } from '../../records/references';
import { RouteTable } from '../declare';

/** Views one user keeps per scope. */
export const MAX_VIEWS_PER_SCOPE = 50;

const SCOPE = { type: 'string', pattern: '^[a-z][a-z0-9_.:-]{0,99}$', description: 'What the view filters, e.g. board:acme.ticket.' } as const;
const PARAMS = { type: 'object', maxProperties: 20, propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,39}$' }, additionalProperties: { type: 'string', minLength: 1, maxLength: 500 }, description: 'The screen\'s address parameters the view sets (name to value).' } as const;
const VIEW_BODY = {
  type: 'object',
  required: ['scope', 'name', 'params'],
  additionalProperties: false,
  properties: { scope: SCOPE, name: { type: 'string', minLength: 1, maxLength: 60, pattern: '\\S' }, params: PARAMS },
} as const;
const SAVED_VIEW = { type: 'object', required: ['id', 'scope', 'name', 'params', 'updatedAt'], properties: { id: { type: 'string', format: 'uuid' }, scope: { type: 'string' }, name: { type: 'string' }, params: { type: 'object', additionalProperties: { type: 'string' } }, updatedAt: { type: 'string', format: 'date-time' } } };

interface ViewBody { scope: string; name: string; params: Record<string, string> }

const userOf = (id: string | null | undefined): string => {
  if (!id) throw new PipewrightError({ code: 'forbidden', status: 403, message: 'Saved views belong to a user; this caller is none.' });
  return id;
};

/**
 * `/api/saved-views`: the caller's own saved views (named filters of a screen, per `scope`),
 * kept on the server so they follow the user between browsers and devices. `GET ?scope=` lists
 * them by name; `POST` saves one (a name already saved in that scope is replaced: 200, else
 * 201); `DELETE /{id}` removes one. Another user's view is 404. Bad input is a problem naming
 * the member (`/name`, `/params/<key>`, `scope`); at most {@link MAX_VIEWS_PER_SCOPE} per scope.
 *
 * @example
 * ```ts
 * app.route('/api/saved-views', savedViewRoutes(db, now));
 * ```
 */
export function savedViewRoutes(db: Kysely<Database>, now: () => Date): RouteTable {
  const t = new RouteTable('/api/saved-views', ['saved views']);
  const guards = [readOrWrite()];
  const view = (r: { id: string; scope: string; name: string; params: Record<string, string>; updated_at: Date | string }) => ({ id: r.id, scope: r.scope, name: r.name, params: r.params, updatedAt: isoTime(r.updated_at) });

  t.on({ method: 'get', path: '/', operationId: 'listSavedViews', summary: "The caller's saved views of one screen, by name", guards, query: { scope: { ...SCOPE, required: true } }, responses: { 200: { description: 'The views', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: SAVED_VIEW } } } } }, errors: [403] }, async (c, { query }) => {
    const user = userOf(c.get('actor').userId);
    const scope = query.scope as string;
    const rows = await db.selectFrom('saved_views').select(['id', 'scope', 'name', 'params', 'updated_at']).where('user_id', '=', user).where('scope', '=', scope).orderBy('name').execute();
    return c.json({ items: rows.map(view) });
  });

  t.on({ method: 'post', path: '/', operationId: 'saveSavedView', summary: 'Save a view (a name already saved in the scope is replaced)', guards, body: VIEW_BODY, responses: { 200: { description: 'Replaced', schema: SAVED_VIEW }, 201: { description: 'Saved', schema: SAVED_VIEW } }, errors: [400, 403] }, async (c, { body }) => {
    const user = userOf(c.get('actor').userId);
    const { scope, params } = body as unknown as ViewBody;
    const name = (body as unknown as ViewBody).name.trim();
    const at = now();
    const result = await db.transaction().execute(async (tx) => {
      const existing = await tx.selectFrom('saved_views').select('id').where('user_id', '=', user).where('scope', '=', scope).where('name', '=', name).executeTakeFirst();
      if (existing) {
        const row = await tx.updateTable('saved_views').set({ params: JSON.stringify(params), updated_at: at }).where('id', '=', existing.id).returning(['id', 'scope', 'name', 'params', 'updated_at']).executeTakeFirstOrThrow();
        return { row, created: false };
      }
      const count = await tx.selectFrom('saved_views').select((eb) => eb.fn.countAll<string>().as('n')).where('user_id', '=', user).where('scope', '=', scope).executeTakeFirstOrThrow();
      if (Number(count.n) >= MAX_VIEWS_PER_SCOPE) throw new ValidationError({ code: 'saved-view.too-many', message: `At most ${MAX_VIEWS_PER_SCOPE} saved views per screen: delete one first.`, details: [{ pointer: '/name', message: `at most ${MAX_VIEWS_PER_SCOPE} saved views here`, code: 'maxItems', params: { limit: MAX_VIEWS_PER_SCOPE } }], extensions: { limit: MAX_VIEWS_PER_SCOPE } });
      // a concurrent save of the same name replaces rather than fails
      const row = await tx.insertInto('saved_views').values({ id: randomUUID(), user_id: user, scope, name, params: JSON.stringify(params), created_at: at, updated_at: at })
        .onConflict((oc) => oc.columns(['user_id', 'scope', 'name']).doUpdateSet({ params: JSON.stringify(params), updated_at: at }))
        .returning(['id', 'scope', 'name', 'params', 'updated_at']).executeTakeFirstOrThrow();
      return { row, created: true };
    });
    return c.json(view(result.row), result.created ? 201 : 200);
  });

  t.on({ method: 'delete', path: '/:id', operationId: 'deleteSavedView', summary: "Delete one of the caller's saved views", guards, pathParams: { id: { type: 'string', format: 'uuid' } }, responses: { 204: { description: 'Deleted' } }, errors: [403, 404] }, async (c, { param }) => {
    const user = userOf(c.get('actor').userId);
    const id = param('id');
    if (!isUuid(id)) throw new NotFoundError('There is no such saved view.');
    const r = await db.deleteFrom('saved_views').where('id', '=', id).where('user_id', '=', user).executeTakeFirst();
    if (Number(r.numDeletedRows ?? 0n) === 0) throw new NotFoundError('There is no such saved view.');
    return c.body(null, 204);
  });
  return t;
}
