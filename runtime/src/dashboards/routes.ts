import { adminOnly, readOrWrite } from '../auth/guards';
import { RouteTable } from '../http/declare';
import { dashboardBody, etag, ifMatch, summary, view as viewSchema } from './openapi';
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
export function dashboardRoutes(store: DashboardStore): RouteTable {
  const t = new RouteTable('/api/dashboards', ['dashboards']);
  const read = [readOrWrite()];
  const admin = [readOrWrite(), adminOnly()];
  const one = (description: string) => ({ description, schema: viewSchema, headers: etag });

  t.on({ method: 'get', path: '/', operationId: 'listDashboards', summary: 'Every dashboard (plugin defaults first)', guards: read, responses: { 200: { description: 'Dashboards', schema: { type: 'object', properties: { items: { type: 'array', items: summary } } } } } }, async (c) => c.json({ items: await store.list() }));
  t.on({ method: 'get', path: '/home', operationId: 'homeDashboard', summary: "The caller's home dashboard: the first whose homeFor names the caller's highest role (admin, manager, rep, marketing, presales). Its figures come from POST /api/metrics/query, which counts only what the caller may see.", guards: read, responses: { 200: one('The home dashboard') }, errors: [404] }, async (c) => {
    const view = await store.home(c.get('actor'));
    c.header('ETag', `"${view.revision}"`);
    return c.json(view);
  });
  t.on({ method: 'post', path: '/', operationId: 'createDashboard', summary: 'Create a dashboard (admins); checked against the schema and the loaded metrics', guards: admin, body: dashboardBody, responses: { 201: one('Created') }, errors: [403, 409, 429] }, async (c, { body }) => {
    const view = await store.create(body, c.get('actor'));
    c.header('ETag', `"${view.revision}"`);
    c.header('Location', `/api/dashboards/${view.id}`);
    return c.json(view, 201);
  });
  t.on({ method: 'get', path: '/:id', operationId: 'getDashboard', summary: 'One dashboard', guards: read, responses: { 200: one('The dashboard') }, errors: [404] }, async (c, { param }) => {
    const view = await store.get(param('id'));
    c.header('ETag', `"${view.revision}"`);
    return c.json(view);
  });
  t.on({ method: 'put', path: '/:id', operationId: 'replaceDashboard', summary: 'Replace a dashboard (admins); If-Match on its revision', guards: admin, headerParams: ifMatch(true), body: dashboardBody, responses: { 200: one('Saved') }, errors: [400, 403, 404, 412, 428] }, async (c, { body, param }) => {
    const expected = requiredIfMatch(c.req.header('if-match'));
    const view = await store.update(param('id'), body, expected, c.get('actor'));
    c.header('ETag', `"${view.revision}"`);
    return c.json(view);
  });
  t.on({ method: 'delete', path: '/:id', operationId: 'deleteDashboard', summary: 'Delete a dashboard (admins); a deleted plugin default stays deleted', guards: admin, headerParams: ifMatch(false), responses: { 204: { description: 'Deleted' } }, errors: [400, 403, 404, 412] }, async (c, { param }) => {
    const header = c.req.header('if-match');
    await store.remove(param('id'), c.get('actor'), header === undefined ? undefined : requiredIfMatch(header));
    return c.body(null, 204);
  });
  return t;
}
