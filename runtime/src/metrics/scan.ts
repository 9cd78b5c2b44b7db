import type { Registry, RegisteredMetric } from '@pipewright/core';
import { sql, type RawBuilder } from 'kysely';
import type { Dimension, Grain } from './catalog';
import type { MetricExpressions } from './expressions';
import type { ResolvedQuery } from './request';

type Sql = RawBuilder<unknown>;

/** Base metrics of one entity and one time field: computed by one pass over `records`. */
export interface Branch {
  entity: string;
  time: string | null;
  metrics: RegisteredMetric[];
}

/** What every scan outputs: `d_<i>` (and `n_<i>` for org levels and owners), `t`, and one `m_<j>` per base metric. */
export interface ScanShape {
  dimensions: readonly Dimension[];
  grain: Grain | null;
  /** Alias of every base metric of the query, in order. */
  metricAliases: ReadonlyMap<string, string>;
}

interface ScanInput {
  branch: Branch;
  query: ResolvedQuery;
  shape: ScanShape;
  x: MetricExpressions;
  registry: Registry;
  /** The scan's WHERE conditions (type, deletion, visibility, where-rule, period). */
  conditions: Sql[];
}

const hasNamedColumn = (d: Dimension) => d.kind === 'org' || d.kind === 'owner';

/** Whether every metric of the branch can be aggregated in two steps (not a median or percentile). */
export function decomposable(b: Branch): boolean {
  return b.metrics.every((m) => 'ratio' in m.measure || (m.measure.aggregate !== 'median' && m.measure.aggregate !== 'percentile'));
}

/** The join of a record's org unit to its ancestor of one kind, and of its owner to the user. */
function orgJoin(d: Dimension, i: number, unitColumn: Sql, ownerColumn: Sql): { join: Sql; id: Sql; name: Sql } | null {
  const alias = sql.id(`dim_${i}`);
  if (d.kind === 'org') return { join: sql`left join org_path ${alias} on ${alias}.unit_id = ${unitColumn} and ${alias}.ancestor_kind = ${sql.lit(d.unitKind)}`, id: sql`${alias}.ancestor_id`, name: sql`${alias}.ancestor_name` };
  if (d.kind === 'owner') return { join: sql`left join users ${alias} on ${alias}.id = ${ownerColumn}`, id: ownerColumn, name: sql`${alias}.name` };
  return null;
}

/** The value of a non-org dimension over the `records` row. */
function plainDimension(d: Dimension, x: MetricExpressions): Sql {
  if (d.kind === 'stage') return sql`records.stage`;
  if (d.kind === 'process') return sql`records.process_id`;
  if (d.kind === 'enum' || d.kind === 'reference') return x.text(d.field.name);
  throw new Error(`${d.name} is an org dimension`);
}

const STAGE_JOIN = (pid: Sql, pv: Sql, stage: Sql) => sql`left join stage_info si on si.process_id = ${pid} and si.version = ${pv} and si.stage = ${stage}`;
const groupByOrdinals = (n: number) => (n ? sql` group by ${sql.join(Array.from({ length: n }, (_, i) => sql.lit(i + 1)))}` : sql``);

/**
 * One pass that joins every record to its dimensions and stage, then aggregates: needed for
 * medians and percentiles, which cannot be combined from partial aggregates.
 */
export function rowScan({ branch: b, query: q, shape, x, registry, conditions }: ScanInput): Sql {
  const entity = registry.entity(b.entity);
  const joins: Sql[] = [];
  const selects: Sql[] = [];
  shape.dimensions.forEach((d, i) => {
    const org = orgJoin(d, i, sql`records.org_unit_id`, sql`records.owner_id`);
    if (org) {
      joins.push(org.join);
      selects.push(sql`${org.id} as ${sql.id(`d_${i}`)}`, sql`${org.name} as ${sql.id(`n_${i}`)}`);
    } else selects.push(sql`${plainDimension(d, x)} as ${sql.id(`d_${i}`)}`);
  });
  if (b.metrics.some((m) => x.needsStageInfo(m))) joins.push(STAGE_JOIN(sql`records.process_id`, sql`records.process_version`, sql`records.stage`));
  if (q.grain) selects.push(sql`${b.time ? x.bucket(entity, b.time, q.grain) : sql`null::text`} as t`);
  const metricConditions = b.metrics.map((m) => x.condition(m));
  const where = [...conditions];
  if (metricConditions.every((c) => c !== null)) where.push(sql`(${sql.join(metricConditions as Sql[], sql` or `)})`);
  for (const [id, alias] of shape.metricAliases) {
    const j = b.metrics.findIndex((k) => k.fullId === id);
    const m = b.metrics[j];
    selects.push(m ? sql`(${x.aggregate(m, metricConditions[j] ?? null)})::float8 as ${sql.id(alias)}` : sql`null::float8 as ${sql.id(alias)}`);
  }
  const keys = shape.dimensions.reduce((n, d) => n + (hasNamedColumn(d) ? 2 : 1), 0) + (q.grain ? 1 : 0);
  return sql`select ${sql.join(selects)} from records ${sql.join(joins, sql` `)} where ${sql.join(where, sql` and `)}${groupByOrdinals(keys)}`;
}

/**
 * Two-step aggregation: one pass over `records` groups by the raw keys (org unit, owner, stage
 * and process version, plain dimensions, period) with partial aggregates filtered by each
 * metric's record conditions; then the few resulting groups are joined to the org tree, users
 * and stage table and combined, stage kinds and win probabilities applied per group (they are
 * constant within one). The pass over `records` is then as cheap as a plain grouped scan.
 */
export function twoLevelScan({ branch: b, query: q, shape, x, registry, conditions }: ScanInput): Sql {
  const entity = registry.entity(b.entity);
  const inner: Sql[] = [];
  const needsOrg = shape.dimensions.some((d) => d.kind === 'org');
  const needsOwner = shape.dimensions.some((d) => d.kind === 'owner');
  const needsStage = b.metrics.some((m) => x.needsStageInfo(m));
  if (needsOrg) inner.push(sql`records.org_unit_id as k_org`);
  if (needsOwner) inner.push(sql`records.owner_id as k_owner`);
  shape.dimensions.forEach((d, i) => {
    if (!hasNamedColumn(d)) inner.push(sql`${plainDimension(d, x)} as ${sql.id(`d_${i}`)}`);
  });
  // The period is grouped by day first (a few thousand groups), labelled after aggregation.
  const period = q.grain && b.time ? x.periodKey(entity, b.time, q.grain) : null;
  if (q.grain) inner.push(sql`${period ? period.key : sql`null::text`} as k_day`);
  if (needsStage) inner.push(sql`records.process_id as k_pid`, sql`records.process_version as k_pv`, sql`records.stage as k_stage`);
  const keyCount = inner.length;
  const recordConditions = b.metrics.map((m) => x.recordCondition(m, false));
  b.metrics.forEach((m, j) => {
    const rc = recordConditions[j];
    const filter = rc ? sql` filter (where ${rc})` : sql``;
    const measure = m.measure;
    if ('ratio' in measure) return;
    const v = measure.aggregate === 'count' ? null : x.value(m, false);
    inner.push(v ? sql`count(${v})${filter} as ${sql.id(`c_${j}`)}` : sql`count(*)${filter} as ${sql.id(`c_${j}`)}`);
    if (!v) return;
    if (measure.aggregate === 'sum' || measure.aggregate === 'avg') inner.push(sql`sum(${v})${filter} as ${sql.id(`s_${j}`)}`);
    if (measure.aggregate === 'min') inner.push(sql`min(${v})${filter} as ${sql.id(`s_${j}`)}`);
    if (measure.aggregate === 'max') inner.push(sql`max(${v})${filter} as ${sql.id(`s_${j}`)}`);
  });
  const where = [...conditions];
  if (recordConditions.every((c) => c !== null)) where.push(sql`(${sql.join(recordConditions as Sql[], sql` or `)})`);
  const scan = sql`select ${sql.join(inner)} from records where ${sql.join(where, sql` and `)}${groupByOrdinals(keyCount)}`;

  const joins: Sql[] = [];
  const outer: Sql[] = [];
  shape.dimensions.forEach((d, i) => {
    const org = orgJoin(d, i, sql`s.k_org`, sql`s.k_owner`);
    if (org) {
      joins.push(org.join);
      outer.push(sql`${org.id} as ${sql.id(`d_${i}`)}`, sql`${org.name} as ${sql.id(`n_${i}`)}`);
    } else outer.push(sql`s.${sql.id(`d_${i}`)}`);
  });
  if (q.grain) outer.push(sql`${period ? period.label(sql`s.k_day`) : sql`null::text`} as t`);
  if (needsStage) joins.push(STAGE_JOIN(sql`s.k_pid`, sql`s.k_pv`, sql`s.k_stage`));
  const outerKeys = outer.length;
  const counted: Sql[] = [];
  for (const [id, alias] of shape.metricAliases) {
    const j = b.metrics.findIndex((k) => k.fullId === id);
    const m = b.metrics[j];
    if (!m || 'ratio' in m.measure) {
      outer.push(sql`null::float8 as ${sql.id(alias)}`);
      continue;
    }
    const sc = x.stageCondition(m);
    const filter = sc ? sql` filter (where ${sc})` : sql``;
    const c = sql`s.${sql.id(`c_${j}`)}`;
    const v = m.measure.aggregate === 'count' ? c : m.measure.weight ? sql`(s.${sql.id(`s_${j}`)} * si.probability)` : sql`s.${sql.id(`s_${j}`)}`;
    const agg = { count: sql`sum(${c})${filter}`, sum: sql`sum(${v})${filter}`, avg: sql`sum(${v})${filter} / nullif(sum(${c})${filter}, 0)`, min: sql`min(${v})${filter}`, max: sql`max(${v})${filter}` }[m.measure.aggregate as 'count' | 'sum' | 'avg' | 'min' | 'max'];
    outer.push(sql`(${agg})::float8 as ${sql.id(alias)}`);
    counted.push(sql`coalesce(sum(${c})${filter}, 0) > 0`);
  }
  // Like the one-pass scan, a group appears only when some metric counts a record in it.
  return sql`select ${sql.join(outer)} from (${scan}) s ${sql.join(joins, sql` `)}${groupByOrdinals(outerKeys)} having ${sql.join(counted, sql` or `)}`;
}
