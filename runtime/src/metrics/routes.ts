import { Hono } from 'hono';
import { requireScope } from '../auth/guards';
import { readJsonObject } from '../http/body';
import type { AppEnv } from '../http/context';
import type { MetricService } from './service';

/**
 * `/api/metrics`: the catalog (`GET`), metric queries (`POST /query`) and the records behind a
 * figure (`POST /records`). All read-only: they need the `read` scope.
 *
 * @example
 * ```ts
 * app.route('/api/metrics', metricRoutes(platform.metrics));
 * ```
 */
export function metricRoutes(metrics: MetricService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requireScope('read'));
  app.get('/', (c) => c.json({ items: metrics.list(), timeZone: metrics.timeZone }));
  app.post('/query', async (c) => c.json(await metrics.query(c.get('actor'), await readJsonObject(c))));
  app.post('/funnel', async (c) => c.json(await metrics.funnel(c.get('actor'), await readJsonObject(c))));
  app.post('/records', async (c) => c.json(await metrics.records(c.get('actor'), await readJsonObject(c))));
  return app;
}

type Json = Record<string, unknown>;
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const errors = { '401': problem('Not signed in'), '403': problem('The token lacks the read scope'), '415': problem('Body is not JSON'), '422': problem('Invalid query: unknown metric or dimension, a grain for a metric without time field, a where-rule on an unknown field or outside SQL, from after to; each member named by JSON pointer'), '429': problem('Rate limited') };
const tags = ['metrics'];
const queryProperties: Json = {
  groupBy: { type: 'array', maxItems: 4, items: { type: 'string' }, description: 'Dimensions: company, office, team, owner (valued by name, with <dim>_id beside it), stage, process, and the enum and reference fields the metric allows (references named without _id, valued by the referenced record\'s title, with <dim>_id beside it).' },
  grain: { enum: ['day', 'week', 'month', 'quarter', 'year'], description: 'Split by period of the metric\'s time field, in the company\'s time zone (PIPEWRIGHT_TIME_ZONE). Labels: 2017-03-01, 2017-W09, 2017-03, 2017-Q1, 2017.' },
  from: { type: 'string', format: 'date', description: 'First day (inclusive) of the period, on the metric\'s time field; metrics without one are snapshots and ignore it.' },
  to: { type: 'string', format: 'date', description: 'Last day (inclusive).' },
  where: { type: 'object', description: 'json-logic rule over the record body (as POST /api/rules/check accepts), translated to SQL.' },
};

/** OpenAPI paths of the metric API. */
export const metricPaths: Record<string, Json> = {
  '/api/metrics': {
    get: {
      operationId: 'listMetrics',
      tags,
      summary: 'Every metric the loaded plugins declare: labels (en, zh-CN), description, unit, time field, grains and dimensions',
      responses: { '200': { description: 'Metrics', content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } }, timeZone: { type: 'string' } } } } } }, '401': errors['401'] },
    },
  },
  '/api/metrics/query': {
    post: {
      operationId: 'queryMetrics',
      tags,
      summary: 'Compute metrics, split by dimensions and period, over the records the caller may see (one SQL statement)',
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['metrics'], additionalProperties: false, properties: { metrics: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string' }, example: ['pipeline.won_value'] }, ...queryProperties } } } } },
      responses: {
        '200': { description: 'One row per combination of dimension values (and period) that has data: dimension columns, then one column per metric id', content: { 'application/json': { schema: { type: 'object', properties: { rows: { type: 'array', items: { type: 'object', additionalProperties: { type: ['string', 'number', 'null'] } } }, asOf: { type: 'string', format: 'date-time' } } }, example: { rows: [{ office: 'West', office_id: 'region-west', quarter: '2017-Q3', 'pipeline.won_value': 1234 }], asOf: '2026-12-05T13:00:00.000Z' } } } },
        ...errors,
      },
    },
  },
  '/api/metrics/funnel': {
    post: {
      operationId: 'metricFunnel',
      tags,
      summary: 'Stage conversion of one process from stage history: per stage, records that entered it, how many of those are won and lost, won/entered and won/closed; split by dimensions and by the period records entered the process',
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['process'], additionalProperties: false, properties: { process: { type: 'string' }, ...queryProperties } } } } },
      responses: {
        '200': { description: 'The process stages in order and one row per dimension values, period and stage: entered, won, lost, won_per_entered, won_per_closed. Dimensions are valued as in metric queries: org levels, owners and references by name with <dim>_id beside it', content: { 'application/json': { schema: { type: 'object', properties: { process: { type: 'string' }, stages: { type: 'array', items: { type: 'object' } }, rows: { type: 'array', items: { type: 'object' } }, asOf: { type: 'string', format: 'date-time' } } } } } },
        '404': problem('No such process'),
        ...errors,
      },
    },
  },
  '/api/metrics/records': {
    post: {
      operationId: 'metricRecords',
      tags,
      summary: 'The records behind one figure: the metric\'s records within the where-rule and the cell\'s dimension values, newest first',
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['metric'], additionalProperties: false, properties: { metric: { type: 'string' }, ...queryProperties, cell: { type: 'object', additionalProperties: { type: ['string', 'null'] }, description: 'The figure\'s dimension values: <dim>_id for org levels, owners and references, <dim> for stage, process and enums, and the period label under its grain (quarter: 2017-Q3).' }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, cursor: { type: 'string' } } } } } },
      responses: { '200': { description: 'A page of records and the cursor of the next', content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } }, nextCursor: { type: ['string', 'null'] } } } } } }, ...errors },
    },
  },
};
