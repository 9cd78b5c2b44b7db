type Json = Record<string, unknown>;

/** Schemas of the dashboards API's bodies and answers, used by its route declarations (routes.ts). */
const dashboardDoc = { $ref: 'https://pipewright.dev/schemas/dashboard.schema.json', description: 'A dashboard document (schemas/dashboard.schema.json).' };
const text = { type: 'object', required: ['en', 'zh-CN'], additionalProperties: { type: 'string' } };
export const summary = {
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
export const view = { allOf: [summary, { type: 'object', required: ['dashboard', 'today', 'timeZone'], properties: { dashboard: { type: 'object', description: dashboardDoc.description }, today: { type: 'string', format: 'date', description: "Today in the company's time zone; range presets are taken from it." }, timeZone: { type: 'string' } } }] };
export const etag = { ETag: { schema: { type: 'string' }, description: 'The revision, for If-Match.' } };
export const dashboardBody = { type: 'object', description: dashboardDoc.description };
export const ifMatch = (required: boolean) => ({ 'If-Match': { required, description: 'The ETag (revision) read before the change.' } });
