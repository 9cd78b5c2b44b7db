import type { Registry, RegisteredMetric } from '@pipewright/core';
import { sql, type RawBuilder } from 'kysely';
import { ruleToKysely } from '../rules/to-kysely';
import { hasIdColumn, type Dimension, type Grain } from './catalog';
import { METRIC_CTES, type MetricExpressions } from './expressions';
import type { ResolvedQuery } from './request';
import { decomposable, rowScan, twoLevelScan, type Branch } from './scan';

type Sql = RawBuilder<unknown>;

/** The rows of a record scan: the joins a set of dimensions needs and each dimension's SQL. */
export interface DimensionSql {
  joins: Sql[];
  /** Per dimension: its id (or value) and, for org levels and owners, the name. */
  columns: { id: Sql; name: Sql | null }[];
}

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/**
 * The join that looks up a reference dimension's referenced record (by the grouped id, after
 * aggregation) and the expression of its title; ids that are not UUIDs find nothing.
 */
export function referenceTitle(alias: string, id: Sql, titleField: string): { join: Sql; title: Sql } {
  const r = sql.id(alias);
  return { join: sql`left join records ${r} on ${r}.id = (case when ${id} ~ ${sql.lit(UUID)} then (${id})::uuid end)`, title: sql`${r}.data->>${sql.lit(titleField)}` };
}

/** Joins and expressions of the dimensions over `records` (reference names are looked up later). */
export function dimensionSql(dimensions: readonly Dimension[], x: MetricExpressions): DimensionSql {
  const joins: Sql[] = [];
  const columns = dimensions.map((d, i) => {
    const alias = sql.id(`dim_${i}`);
    switch (d.kind) {
      case 'org':
        joins.push(sql`left join org_path ${alias} on ${alias}.unit_id = records.org_unit_id and ${alias}.ancestor_kind = ${sql.lit(d.unitKind)}`);
        return { id: sql`${alias}.ancestor_id`, name: sql`${alias}.ancestor_name` };
      case 'owner':
        joins.push(sql`left join users ${alias} on ${alias}.id = records.owner_id`);
        return { id: sql`records.owner_id`, name: sql`${alias}.name` };
      case 'stage':
        return { id: sql`records.stage`, name: null };
      case 'process':
        return { id: sql`records.process_id`, name: null };
      case 'enum':
      case 'reference':
        return { id: x.text(d.field.name), name: null };
    }
  });
  return { joins, columns };
}

/** The principal's read condition over `records` for one entity type (null: unrestricted). */
export type VisibleFor = (entity: string) => RawBuilder<boolean> | null;

/** The scan's base conditions: live records of the entity that the principal may see and the where-rule admits. */
export function baseConditions(entity: string, q: Pick<ResolvedQuery, 'where'>, visibleFor: VisibleFor, x: MetricExpressions): Sql[] {
  const out: Sql[] = [sql`records.type = ${entity}`, sql`records.deleted_at is null`];
  const visible = visibleFor(entity);
  if (visible) out.push(visible);
  if (q.where) out.push(ruleToKysely(q.where, { schema: x.registry.entity(entity).schema, operators: x.registry.ruleOperators, dataColumn: 'records.data', ...(x.now ? { now: x.now() } : {}) }));
  return out;
}


/** Column aliases of the statement's result. */
export interface StatementShape {
  /** Per dimension: alias of its id/value column and of its name column (if it has one). */
  dimensions: { dimension: Dimension; id: string; name: string | null }[];
  /** Alias of the period column, if a grain was asked for. */
  bucket: string | null;
  /** Alias of each asked metric's value. */
  metrics: { id: string; alias: string }[];
}

/**
 * The one statement answering a metric query. Base metrics (asked ones and ratios' parts) are
 * grouped into scans of one entity and one time field; each scan is a single pass over
 * `records` with one FILTERed aggregate per metric. Scans are combined by their dimension values,
 * ratios are divided, references get their titles, all in the same statement.
 *
 * @example
 * ```ts
 * const { statement, shape } = metricStatement(query, x, registry, (type) => access.read(principal, type), 10_001);
 * ```
 */
export function metricStatement(q: ResolvedQuery, x: MetricExpressions, registry: Registry, visibleFor: VisibleFor, limit: number): { statement: RawBuilder<Record<string, unknown>>; shape: StatementShape } {
  const base = new Map<string, RegisteredMetric>();
  for (const m of q.metrics) for (const p of m.parts) base.set(p, registry.metrics.get(p) as RegisteredMetric);
  const periodic = q.grain !== null || q.from !== null || q.to !== null;
  const branches = new Map<string, Branch>();
  for (const m of base.values()) {
    const time = periodic ? (m.time ?? null) : null;
    const key = `${m.entity}|${time ?? ''}`;
    const b = branches.get(key) ?? { entity: m.entity, time, metrics: [] };
    b.metrics.push(m);
    branches.set(key, b);
  }
  const baseAlias = new Map([...base.keys()].map((id, i) => [id, `m_${i}`]));
  const dimAliases = q.dimensions.map((d, i) => ({ dimension: d, id: `d_${i}`, name: d.kind === 'org' || d.kind === 'owner' ? `n_${i}` : null }));
  const groupCols = [...dimAliases.flatMap((d) => [d.id, ...(d.name ? [d.name] : [])]), ...(q.grain ? ['t'] : [])];

  const shapeIn = { dimensions: q.dimensions, grain: q.grain, metricAliases: baseAlias };
  const scans = [...branches.values()].map((b) => {
    const conditions = baseConditions(b.entity, q, visibleFor, x);
    if (b.time) conditions.push(...x.inRange(registry.entity(b.entity), b.time, q.from, q.to));
    const input = { branch: b, query: q, shape: shapeIn, x, registry, conditions };
    return decomposable(b) ? twoLevelScan(input) : rowScan(input);
  });

  const combined =
    scans.length === 1
      ? (scans[0] as Sql)
      : sql`select ${sql.join([...groupCols.map((c) => sql.id(c)), ...[...baseAlias.values()].map((a) => sql`max(${sql.id(a)}) as ${sql.id(a)}`)])} from (${sql.join(scans, sql` union all `)}) u${groupCols.length ? sql` group by ${sql.join(groupCols.map((c) => sql.id(c)))}` : sql``}`;

  const value = (id: string) => {
    const m = base.get(id) as RegisteredMetric;
    const col = sql`c.${sql.id(baseAlias.get(id) as string)}`;
    const zero = 'ratio' in m.measure ? false : m.measure.aggregate === 'count' || m.measure.aggregate === 'sum';
    return zero ? sql`coalesce(${col}, 0)` : col;
  };
  const sum = (ids: string[], plugin: string) => sql`(${sql.join(ids.map((i) => sql`coalesce(c.${sql.id(baseAlias.get(`${plugin}.${i}`) as string)}, 0)`), sql` + `)})`;
  const outputs: Sql[] = [];
  const shape: StatementShape = { dimensions: dimAliases, bucket: q.grain ? 't' : null, metrics: [] };
  const refJoins: Sql[] = [];
  dimAliases.forEach((a, i) => {
    outputs.push(sql`c.${sql.id(a.id)}`);
    if (a.name) outputs.push(sql`c.${sql.id(a.name)}`);
    const d = a.dimension;
    if (d.kind === 'reference') {
      const ref = referenceTitle(`ref_${i}`, sql`c.${sql.id(a.id)}`, d.titleField);
      refJoins.push(ref.join);
      outputs.push(sql`${ref.title} as ${sql.id(`n_${i}`)}`);
      a.name = `n_${i}`;
    }
  });
  if (q.grain) outputs.push(sql`c.t`);
  q.metrics.forEach((m, i) => {
    const alias = `v_${i}`;
    const measure = m.declaration.measure;
    const expr = 'ratio' in measure ? sql`(${sum(measure.ratio.numerator, m.declaration.plugin)})::float8 / nullif(${sum(measure.ratio.denominator, m.declaration.plugin)}, 0)` : value(m.id);
    outputs.push(sql`${expr} as ${sql.id(alias)}`);
    shape.metrics.push({ id: m.id, alias });
  });
  const order = [...dimAliases.flatMap((a) => [sql`${sql.id(a.name ?? a.id)} asc nulls last`, sql`${sql.id(a.id)} asc nulls last`]), ...(q.grain ? [sql`t asc nulls last`] : [])];
  const statement = sql<Record<string, unknown>>`with recursive ${METRIC_CTES}, c as (${combined})
    select ${sql.join(outputs)} from c ${sql.join(refJoins, sql` `)}${order.length ? sql` order by ${sql.join(order)}` : sql``} limit ${sql.lit(limit)}`;
  return { statement, shape };
}

/** The label of a period bucket column, as the response names it. */
export const bucketColumn = (grain: Grain): string => grain;
export { hasIdColumn };
