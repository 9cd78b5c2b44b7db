import { requireScope } from '../auth/guards';
import { RouteTable } from '../http/declare';
import type { MetricService } from './service';

type Json = Record<string, unknown>;
const queryProperties: Json = {
  groupBy: { type: 'array', maxItems: 4, items: { type: 'string' }, description: 'Dimensions: company, office, team, owner (valued by name, with <dim>_id beside it), stage, process, and the enum and reference fields the metric allows (references named without _id, valued by the referenced record\'s title, with <dim>_id beside it).' },
  grain: { enum: ['day', 'week', 'month', 'quarter', 'year'], description: 'Split by period of the metric\'s time field, in the company\'s time zone (PIPEWRIGHT_TIME_ZONE). Labels: 2017-03-01, 2017-W09, 2017-03, 2017-Q1, 2017.' },
  from: { type: 'string', format: 'date', description: 'First day (inclusive) of the period, on the metric\'s time field; metrics without one are snapshots and ignore it.' },
  to: { type: 'string', format: 'date', description: 'Last day (inclusive).' },
  where: { type: 'object', description: 'json-logic rule over the record body (as POST /api/rules/check accepts), translated to SQL.' },
};

const rows = { type: 'object', properties: { rows: { type: 'array', items: { type: 'object', additionalProperties: { type: ['string', 'number', 'null'] } } }, asOf: { type: 'string', format: 'date-time' } } };
const funnel = { type: 'object', properties: { process: { type: 'string' }, stages: { type: 'array', items: { type: 'object' } }, rows: { type: 'array', items: { type: 'object' } }, asOf: { type: 'string', format: 'date-time' } } };
const page = { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } }, nextCursor: { type: ['string', 'null'] } } };
const cell = { type: 'object', additionalProperties: { type: ['string', 'null'] }, description: "The figure's dimension values: <dim>_id for org levels, owners and references, <dim> for stage, process and enums, and the period label under its grain (quarter: 2017-Q3)." };

/**
 * `/api/metrics`: the catalog (`GET`), metric queries (`POST /query`) and the records behind a
 * figure (`POST /records`). All read-only: they need the `read` scope.
 *
 * @example
 * ```ts
 * app.route('/api/metrics', metricRoutes(platform.metrics));
 * ```
 */
export function metricRoutes(metrics: MetricService): RouteTable {
  const t = new RouteTable('/api/metrics', ['metrics']);
  const guards = [requireScope('read')];
  const errors = [403, 429];
  t.on({ method: 'get', path: '/', operationId: 'listMetrics', summary: 'Every metric the loaded plugins declare: labels (en, zh-CN), description, unit, time field, grains and dimensions', guards, responses: { 200: { description: 'Metrics', schema: { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } }, timeZone: { type: 'string' } } } } } }, (c) => c.json({ items: metrics.list(), timeZone: metrics.timeZone }));
  t.on(
    { method: 'post', path: '/query', operationId: 'queryMetrics', summary: 'Compute metrics, split by dimensions and period, over the records the caller may see (one SQL statement)', guards, bodyCheckedBy: 'handler', body: { type: 'object', required: ['metrics'], additionalProperties: false, properties: { metrics: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string' }, examples: [['pipeline.won_value']] }, ...queryProperties } }, responses: { 200: { description: 'One row per combination of dimension values (and period) that has data: dimension columns, then one column per metric id', schema: rows } }, errors },
    async (c, { body }) => c.json(await metrics.query(c.get('actor'), body)),
  );
  t.on(
    { method: 'post', path: '/funnel', operationId: 'metricFunnel', summary: 'Stage conversion of one process from stage history: per stage, records that entered it, how many of those are won and lost, won/entered and won/closed; split by dimensions and by the period records entered the process', guards, bodyCheckedBy: 'handler', body: { type: 'object', required: ['process'], additionalProperties: false, properties: { process: { type: 'string' }, ...queryProperties } }, responses: { 200: { description: 'The process stages in order and one row per dimension values, period and stage: entered, won, lost, won_per_entered, won_per_closed', schema: funnel } }, errors: [...errors, 404] },
    async (c, { body }) => c.json(await metrics.funnel(c.get('actor'), body)),
  );
  t.on(
    { method: 'post', path: '/records', operationId: 'metricRecords', summary: "The records behind one figure: the metric's records within the where-rule and the cell's dimension values, newest first", guards, bodyCheckedBy: 'handler', body: { type: 'object', required: ['metric'], additionalProperties: false, properties: { metric: { type: 'string' }, ...queryProperties, cell, limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, cursor: { type: 'string' } } }, responses: { 200: { description: 'A page of records and the cursor of the next', schema: page } }, errors },
    async (c, { body }) => c.json(await metrics.records(c.get('actor'), body)),
  );
  return t;
}
