type Json = Record<string, unknown>;

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const TEXT: Record<string, string> = { '400': 'Bad If-Match', '401': 'Not signed in', '403': 'Not allowed (admins only)', '404': 'No such dashboard (or no home dashboard for your role)', '409': 'The id is taken', '412': 'Stale If-Match', '415': 'Body is not JSON', '422': 'The dashboard is invalid; `errors` names each member by JSON pointer (unknown metric or dimension, overlapping widgets, a where-rule on an unknown field...)', '428': 'If-Match is required', '429': 'Rate limited' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), problem(TEXT[String(c)] ?? 'Error')]));
const dashboardDoc = { $ref: 'https://pipewright.dev/schemas/dashboard.schema.json', description: 'A dashboard document (schemas/dashboard.schema.json).' };
const text = { type: 'object', required: ['en', 'zh-CN'], additionalProperties: { type: 'string' } };
const summary = {
  type: 'object',
  required: ['id', 'title', 'homeFor', 'source', 'revision', 'widgets', 'updatedAt', 'updatedBy'],
  properties: {
    id: { type: 'string' },
    title: text,
    description: text,
    homeFor: { type: 'array', items: { type: 'string' } },
    source: { type: 'string', description: '`plugin:<id>` or `api`' },
    revision: { type: 'integer', minimum: 1 },
    widgets: { type: 'integer', description: 'Number of widgets' },
    updatedAt: { type: 'string', format: 'date-time' },
    updatedBy: { type: 'string' },
  },
};
const view = { allOf: [summary, { type: 'object', required: ['dashboard', 'today', 'timeZone'], properties: { dashboard: { type: 'object', description: dashboardDoc.description }, today: { type: 'string', format: 'date', description: "Today in the company's time zone; range presets are taken from it." }, timeZone: { type: 'string' } } }] };
const etag = { ETag: { schema: { type: 'string' }, description: 'The revision, for If-Match.' } };
const ok = (description: string, schema: unknown, headers?: Json) => ({ description, content: { 'application/json': { schema } }, ...(headers ? { headers } : {}) });
const body = { required: true, content: { 'application/json': { schema: { type: 'object', description: dashboardDoc.description } } } };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const ifMatch = (required: boolean) => ({ name: 'If-Match', in: 'header', required, schema: { type: 'string' }, description: 'The ETag (revision) read before the change.' });
const tags = ['dashboards'];

/**
 * OpenAPI paths of the dashboards API.
 *
 * @example
 * ```ts
 * generateOpenApi(registry, { paths: { ...dashboardPaths } });
 * ```
 */
export const dashboardPaths: Record<string, Json> = {
  '/api/dashboards': {
    get: { operationId: 'listDashboards', tags, summary: 'Every dashboard (plugin defaults first)', responses: { '200': ok('Dashboards', { type: 'object', properties: { items: { type: 'array', items: summary } } }), ...errors(401) } },
    post: { operationId: 'createDashboard', tags, summary: 'Create a dashboard (admins); checked against the schema and the loaded metrics', requestBody: body, responses: { '201': ok('Created', view, etag), ...errors(401, 403, 409, 415, 422) } },
  },
  '/api/dashboards/home': {
    get: { operationId: 'homeDashboard', tags, summary: "The caller's home dashboard: the first whose homeFor names the caller's highest role (admin, manager, rep, marketing, presales). Its figures come from POST /api/metrics/query, which counts only what the caller may see.", responses: { '200': ok('The home dashboard', view, etag), ...errors(401, 404) } },
  },
  '/api/dashboards/{id}': {
    get: { operationId: 'getDashboard', tags, summary: 'One dashboard', parameters: [idParam], responses: { '200': ok('The dashboard', view, etag), ...errors(401, 404) } },
    put: { operationId: 'replaceDashboard', tags, summary: 'Replace a dashboard (admins); If-Match on its revision', parameters: [idParam, ifMatch(true)], requestBody: body, responses: { '200': ok('Saved', view, etag), ...errors(400, 401, 403, 404, 412, 415, 422, 428) } },
    delete: { operationId: 'deleteDashboard', tags, summary: 'Delete a dashboard (admins); a deleted plugin default stays deleted', parameters: [idParam, ifMatch(false)], responses: { '204': { description: 'Deleted' }, ...errors(400, 401, 403, 404, 412) } },
  },
};
