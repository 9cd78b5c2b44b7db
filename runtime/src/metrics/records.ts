import { ValidationError, type ErrorDetail, type RegisteredMetric } from '@pipewright/core';
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { Database, RecordTable } from '../db/tables';
import { toView } from '../records/view';
import { GRAINS, hasIdColumn, type Dimension, type Grain, type MetricCatalog } from './catalog';
import { METRIC_CTES, type MetricExpressions } from './expressions';
import { resolveQuery } from './request';
import type { MetricRecordsPage } from './service';
import { baseConditions, dimensionSql } from './statement';

type Sql = RawBuilder<unknown>;

const invalid = (details: ErrorDetail[]) => new ValidationError({ code: 'metrics.invalid-query', message: `The drill-down query is invalid: ${details.map((d) => `${d.pointer} ${d.message}`).join('; ')}`, details });

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(raw: unknown): [string, string] | null {
  if (typeof raw !== 'string') return null;
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && typeof v[1] === 'string' && /^[0-9a-f-]{36}$/i.test(v[1])) return [v[0], v[1]];
  } catch {
    // fall through
  }
  return null;
}

/**
 * The records behind one figure of a metric query: those the metric counts (its filter, stage
 * kinds, period; for a ratio, those of its parts) within the query's where-rule and the cell's
 * dimension values, visible to the principal; newest first, keyset-paged.
 *
 * @example
 * ```ts
 * await metricRecords(catalog, x, db, visible, { metric: 'pipeline.won_value', cell: { office_id: 'region-west', quarter: '2017-Q3' } });
 * ```
 */
export async function metricRecords(catalog: MetricCatalog, x: MetricExpressions, db: Kysely<Database>, visible: RawBuilder<boolean> | null, body: Record<string, unknown>): Promise<MetricRecordsPage> {
  const q = resolveQuery(catalog, x.registry, body, ['metric', 'cell', 'limit', 'cursor'], { pointer: '/metric', ids: body.metric });
  const metric = q.metrics[0];
  if (!metric) throw invalid([{ pointer: '/metric', message: 'is required', code: 'required' }]);
  const problems: ErrorDetail[] = [];
  const limit = body.limit ?? 50;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 500) problems.push({ pointer: '/limit', message: 'must be an integer from 1 to 500', code: 'range' });
  const cursor = body.cursor === undefined || body.cursor === null ? null : decodeCursor(body.cursor);
  if (body.cursor !== undefined && body.cursor !== null && !cursor) problems.push({ pointer: '/cursor', message: 'is not a cursor of this listing', code: 'format' });

  // Cell: which dimension (or period) each key pins, and to what.
  const cellDims: { dimension: Dimension; value: string | null }[] = [];
  let bucket: { grain: Grain; value: string } | null = null;
  const cell = body.cell ?? {};
  if (typeof cell !== 'object' || cell === null || Array.isArray(cell)) problems.push({ pointer: '/cell', message: 'must be an object of dimension values', code: 'type' });
  else {
    for (const [key, value] of Object.entries(cell as Record<string, unknown>)) {
      const pointer = `/cell/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (value !== null && typeof value !== 'string') {
        problems.push({ pointer, message: 'must be a string or null', code: 'type' });
        continue;
      }
      if ((GRAINS as readonly string[]).includes(key)) {
        if (!metric.timed) problems.push({ pointer, message: `metric ${metric.id} has no time field`, code: 'no-time-field' });
        else if (typeof value !== 'string') problems.push({ pointer, message: 'must be a period label', code: 'type' });
        else bucket = { grain: key as Grain, value };
        continue;
      }
      const d = [...metric.dimensions.values()].find((dim) => (hasIdColumn(dim) ? `${dim.name}_id` : dim.name) === key);
      if (!d) problems.push({ pointer, message: `metric ${metric.id} has no dimension "${key}" (org levels, owners and references are pinned by their <dim>_id)`, code: 'unknown-dimension' });
      else cellDims.push({ dimension: d, value: value as string | null });
    }
  }
  if (problems.length) throw invalid(problems);

  const entity = x.registry.entity(metric.declaration.entity);
  const parts = metric.parts.map((p) => x.registry.metrics.get(p) as RegisteredMetric);
  const dims = dimensionSql(cellDims.map((c) => c.dimension), x);
  const conditions: Sql[] = baseConditions(entity.fullId, q, visible, x);
  dims.columns.forEach((c, i) => conditions.push(sql`${c.id} is not distinct from ${cellDims[i]?.value ?? null}`));
  const perPart = parts.map((p) => {
    const each: Sql[] = [];
    const cond = x.condition(p);
    if (cond) each.push(cond);
    if (p.time) {
      each.push(...x.inRange(entity, p.time, q.from, q.to));
      if (bucket) each.push(sql`${x.bucket(entity, p.time, bucket.grain)} = ${bucket.value}`);
    }
    return each.length ? sql`(${sql.join(each, sql` and `)})` : sql`true`;
  });
  conditions.push(sql`(${sql.join(perPart, sql` or `)})`);
  if (cursor) conditions.push(sql`(records.created_at, records.id) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)`);
  const joins = [...dims.joins];
  if (parts.some((p) => x.needsStageInfo(p))) joins.push(sql`left join stage_info si on si.process_id = records.process_id and si.version = records.process_version and si.stage = records.stage`);
  const n = limit as number;
  const { rows } = await sql<Selectable<RecordTable>>`with recursive ${METRIC_CTES}
    select records.* from records ${sql.join(joins, sql` `)} where ${sql.join(conditions, sql` and `)}
    order by records.created_at desc, records.id desc limit ${sql.lit(n + 1)}`.execute(db);
  const page = rows.slice(0, n);
  const last = page[page.length - 1];
  return { items: page.map(toView), nextCursor: rows.length > n && last ? encodeCursor(new Date(last.created_at), last.id) : null };
}
