import { isPipewrightError, toSql, ValidationError, type ErrorDetail, type Registry } from '@pipewright/core';
import { GRAINS, type CatalogMetric, type Dimension, type Grain, type MetricCatalog } from './catalog';

/**
 * A metric query: metrics (same or different entities), what to split them by, an optional
 * period and grain in the company's time zone, and a json-logic rule over the record body.
 *
 * @example
 * ```ts
 * const q: MetricQuery = { metrics: ['pipeline.won_value'], groupBy: ['office'], grain: 'quarter', from: '2017-01-01', to: '2017-12-31' };
 * ```
 */
export interface MetricQuery {
  metrics: string[];
  groupBy?: string[];
  grain?: Grain;
  /** First day of the period (YYYY-MM-DD, inclusive). */
  from?: string;
  /** Last day of the period (YYYY-MM-DD, inclusive). */
  to?: string;
  where?: Record<string, unknown>;
}

/** The records behind one figure: the query of one metric plus the cell's dimension values. */
export interface MetricRecordsQuery extends Omit<MetricQuery, 'metrics'> {
  metric: string;
  /** Values of the figure's cell: `<dim>_id` for org levels, owners and references, `<dim>` otherwise, and the grain's bucket (`quarter: "2017-Q3"`). */
  cell?: Record<string, string | null>;
  limit?: number;
  cursor?: string;
}

/** A validated query, metrics and dimensions resolved. */
export interface ResolvedQuery {
  metrics: CatalogMetric[];
  dimensions: Dimension[];
  grain: Grain | null;
  from: string | null;
  to: string | null;
  where: Record<string, unknown> | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_METRICS = 20;
const MAX_GROUP_BY = 4;

const isDate = (s: string) => DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/**
 * Checks a query body and resolves its metrics and dimensions; every problem is reported at
 * once, each with the JSON pointer of its member (422 `metrics.invalid-query`).
 *
 * @example
 * ```ts
 * const q = resolveQuery(catalog, registry, body, ['metrics']);
 * ```
 */
export function resolveQuery(catalog: MetricCatalog, registry: Registry, body: Record<string, unknown>, extraMembers: readonly string[], metricIds: { pointer: string; ids: unknown }): ResolvedQuery {
  const problems: ErrorDetail[] = [];
  const bad = (pointer: string, message: string, code = 'invalid') => problems.push({ pointer, message, code });
  const known = new Set(['groupBy', 'grain', 'from', 'to', 'where', ...extraMembers]);
  for (const key of Object.keys(body)) if (!known.has(key)) bad(`/${key}`, `unknown member; use ${[...known].join(', ')}`, 'unknown');

  const metrics: CatalogMetric[] = [];
  const ids = metricIds.ids;
  const idList = typeof ids === 'string' && metricIds.pointer === '/metric' ? [ids] : ids;
  if (!Array.isArray(idList) || idList.length === 0 || idList.length > MAX_METRICS) {
    bad(metricIds.pointer, metricIds.pointer === '/metric' ? 'must be a metric id' : `must be a list of 1 to ${MAX_METRICS} metric ids`, ids === undefined ? 'required' : 'type');
  } else {
    idList.forEach((id, i) => {
      const pointer = metricIds.pointer === '/metric' ? '/metric' : `/metrics/${i}`;
      const m = typeof id === 'string' ? catalog.get(id) : undefined;
      if (!m) bad(pointer, `unknown metric ${JSON.stringify(id)}; GET /api/metrics lists them`, 'unknown-metric');
      else if (!metrics.includes(m)) metrics.push(m);
    });
  }

  const dimensions: Dimension[] = [];
  const groupBy = body.groupBy ?? [];
  if (!Array.isArray(groupBy) || groupBy.length > MAX_GROUP_BY) bad('/groupBy', `must be a list of at most ${MAX_GROUP_BY} dimensions`, 'type');
  else {
    groupBy.forEach((name, j) => {
      if (typeof name !== 'string') return bad(`/groupBy/${j}`, 'must be a dimension name', 'type');
      if ((GRAINS as readonly string[]).includes(name)) return bad(`/groupBy/${j}`, `"${name}" is a time grain; send it as "grain"`, 'unknown-dimension');
      const lacking = metrics.filter((m) => !m.dimensions.has(name));
      if (lacking.length) return bad(`/groupBy/${j}`, `metric ${lacking.map((m) => m.id).join(', ')} cannot be split by "${name}"; it splits by ${[...(lacking[0]?.dimensions.keys() ?? [])].join(', ')}`, 'unknown-dimension');
      const d = metrics[0]?.dimensions.get(name);
      if (d && !dimensions.some((x) => x.name === name)) dimensions.push(d);
    });
  }

  let grain: Grain | null = null;
  if (body.grain !== undefined) {
    if (typeof body.grain !== 'string' || !(GRAINS as readonly string[]).includes(body.grain)) bad('/grain', `must be one of ${GRAINS.join(', ')}`, 'enum');
    else {
      grain = body.grain as Grain;
      const untimed = metrics.filter((m) => !m.timed);
      if (untimed.length) bad('/grain', `metric ${untimed.map((m) => m.id).join(', ')} has no time field, so it cannot be split by ${grain}`, 'no-time-field');
    }
  }
  const date = (key: 'from' | 'to'): string | null => {
    const v = body[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string' || !isDate(v)) {
      bad(`/${key}`, 'must be a date (YYYY-MM-DD)', 'format');
      return null;
    }
    return v;
  };
  const from = date('from');
  const to = date('to');
  if (from && to && from > to) bad('/from', `${from} is after "to" (${to})`, 'range');

  let where: Record<string, unknown> | null = null;
  if (body.where !== undefined && body.where !== null) {
    if (typeof body.where !== 'object' || Array.isArray(body.where)) bad('/where', 'must be a json-logic rule (an object)', 'type');
    else {
      where = body.where as Record<string, unknown>;
      for (const entity of new Set(metrics.map((m) => m.declaration.entity))) {
        const problem = checkWhere(registry, entity, where);
        if (problem) problems.push(...problem);
      }
    }
  }
  if (problems.length) throw new ValidationError({ code: 'metrics.invalid-query', message: `The metric query is invalid: ${problems.map((p) => `${p.pointer} ${p.message}`).join('; ')}`, details: problems });
  return { metrics, dimensions, grain, from, to, where };
}

function checkWhere(registry: Registry, entity: string, where: Record<string, unknown>): ErrorDetail[] | null {
  try {
    toSql(where, { schema: registry.entity(entity).schema, operators: registry.ruleOperators });
    return null;
  } catch (err) {
    if (!isPipewrightError(err)) throw err;
    const details = err.details.length ? err.details : [{ pointer: err.pointer ?? '', message: err.message, code: err.code }];
    return details.map((d) => ({ ...d, pointer: `/where${d.pointer}`, message: `${d.message} (${entity})` }));
  }
}
