import { ajvDetails, createAjv, NotFoundError, PipewrightError, ValidationError } from '@pipewright/core';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { readOrWrite } from '../../auth/guards';
import type { Database } from '../../db/tables';
import { isoTime } from '../../db/time';
import { isUuid } from '../../records/references';
import { readJsonObject } from '../body';
import type { AppEnv } from '../context';

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
const validateBody = createAjv().compile(VIEW_BODY);

interface ViewBody { scope: string; name: string; params: Record<string, string> }

const userOf = (id: string | null | undefined): string => {
  if (!id) throw new PipewrightError({ code: 'forbidden', status: 403, message: 'Saved views belong to a user; this caller is none.' });
  return id;
};

const scopeParam = (raw: string | undefined): string => {
  if (raw === undefined || !new RegExp(SCOPE.pattern).test(raw)) throw new ValidationError({ code: 'query.invalid', status: 400, message: '"scope" must name what the views filter, e.g. board:acme.ticket.', details: [{ pointer: '', parameter: 'scope', message: 'is required: lowercase letters, digits and _ . : -, up to 100', code: 'pattern' }] });
  return raw;
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
export function savedViewRoutes(db: Kysely<Database>, now: () => Date): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', readOrWrite());
  const view = (r: { id: string; scope: string; name: string; params: Record<string, string>; updated_at: Date | string }) => ({ id: r.id, scope: r.scope, name: r.name, params: r.params, updatedAt: isoTime(r.updated_at) });

  app.get('/', async (c) => {
    const user = userOf(c.get('actor').userId);
    const scope = scopeParam(c.req.query('scope'));
    const rows = await db.selectFrom('saved_views').select(['id', 'scope', 'name', 'params', 'updated_at']).where('user_id', '=', user).where('scope', '=', scope).orderBy('name').execute();
    return c.json({ items: rows.map(view) });
  });

  app.post('/', async (c) => {
    const user = userOf(c.get('actor').userId);
    const body = await readJsonObject(c);
    if (!validateBody(body)) throw new ValidationError({ code: 'body.invalid', message: 'The saved view is not valid: see the members named.', details: ajvDetails(validateBody.errors) });
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

  app.delete('/:id', async (c) => {
    const user = userOf(c.get('actor').userId);
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('There is no such saved view.');
    const r = await db.deleteFrom('saved_views').where('id', '=', id).where('user_id', '=', user).executeTakeFirst();
    if (Number(r.numDeletedRows ?? 0n) === 0) throw new NotFoundError('There is no such saved view.');
    return c.body(null, 204);
  });
  return app;
}

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const ok = (schema: unknown, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const tags = ['saved views'];
const SAVED_VIEW = { type: 'object', required: ['id', 'scope', 'name', 'params', 'updatedAt'], properties: { id: { type: 'string', format: 'uuid' }, scope: { type: 'string' }, name: { type: 'string' }, params: { type: 'object', additionalProperties: { type: 'string' } }, updatedAt: { type: 'string', format: 'date-time' } } };

/** OpenAPI paths of the saved views API. */
export const savedViewPaths: Record<string, Record<string, unknown>> = {
  '/api/saved-views': {
    get: {
      operationId: 'listSavedViews', tags, summary: "The caller's saved views of one screen, by name",
      parameters: [{ name: 'scope', in: 'query', required: true, schema: SCOPE }],
      responses: { '200': ok({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: SAVED_VIEW } } }), '400': problem('Bad scope'), '401': problem('Not signed in'), '403': problem('Not a user') },
    },
    post: {
      operationId: 'saveSavedView', tags, summary: 'Save a view (a name already saved in the scope is replaced)',
      requestBody: { required: true, content: { 'application/json': { schema: VIEW_BODY } } },
      responses: { '200': ok(SAVED_VIEW, 'Replaced'), '201': ok(SAVED_VIEW, 'Saved'), '400': problem('Malformed body'), '401': problem('Not signed in'), '403': problem('Not allowed (scope or CSRF) or not a user'), '415': problem('Not JSON'), '422': problem('Invalid view (members named), or too many in the scope') },
    },
  },
  '/api/saved-views/{id}': {
    delete: {
      operationId: 'deleteSavedView', tags, summary: "Delete one of the caller's saved views",
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      responses: { '204': { description: 'Deleted' }, '401': problem('Not signed in'), '403': problem('Not allowed (scope or CSRF)'), '404': problem("Not found or not the caller's") },
    },
  },
};
