import { Hono } from 'hono';
import { adminOnly, readOrWrite } from '../auth/guards';
import { readJsonObject } from '../http/body';
import type { AppEnv } from '../http/context';
import { requiredIfMatch } from '../process/http/params';
import type { DashboardStore } from './store';

/**
 * `/api/dashboards`: anyone signed in lists and reads dashboards and their home dashboard;
 * admins create, replace (If-Match on the revision) and delete them.
 *
 * @example
 * ```ts
 * app.route('/api/dashboards', dashboardRoutes(store));
 * ```
 */
export function dashboardRoutes(store: DashboardStore): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', readOrWrite());
  app.use('*', async (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : adminOnly()(c, next)));

  app.get('/', async (c) => c.json({ items: await store.list() }));
  app.get('/home', async (c) => {
    const view = await store.home(c.get('actor'));
    c.header('ETag', `"${view.revision}"`);
    return c.json(view);
  });
  app.post('/', async (c) => {
    const view = await store.create(await readJsonObject(c), c.get('actor'));
    c.header('ETag', `"${view.revision}"`);
    c.header('Location', `/api/dashboards/${view.id}`);
    return c.json(view, 201);
  });
  app.get('/:id', async (c) => {
    const view = await store.get(c.req.param('id'));
    c.header('ETag', `"${view.revision}"`);
    return c.json(view);
  });
  app.put('/:id', async (c) => {
    const expected = requiredIfMatch(c.req.header('if-match'));
    const view = await store.update(c.req.param('id'), await readJsonObject(c), expected, c.get('actor'));
    c.header('ETag', `"${view.revision}"`);
    return c.json(view);
  });
  app.delete('/:id', async (c) => {
    const header = c.req.header('if-match');
    await store.remove(c.req.param('id'), c.get('actor'), header === undefined ? undefined : requiredIfMatch(header));
    return c.body(null, 204);
  });
  return app;
}
