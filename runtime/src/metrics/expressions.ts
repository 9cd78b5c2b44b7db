import type { LoadedEntity, Registry, RegisteredMetric } from '@pipewright/core';
import { sql, type RawBuilder } from 'kysely';
import { ruleToKysely } from '../rules/to-kysely';
import type { Grain } from './catalog';

type Sql = RawBuilder<unknown>;

const SYSTEM_TIME: Record<string, string> = { createdAt: 'created_at', updatedAt: 'updated_at' };

/** SQL building blocks over the `records` row of a metric's entity, in the company's time zone. */
export class MetricExpressions {
  constructor(
    readonly registry: Registry,
    readonly timeZone: string,
    /** The platform clock: "now" of date operators in metric filters (`days_since`), else the database's `now()`. */
    readonly now?: () => Date,
  ) {}

  entity(m: RegisteredMetric): LoadedEntity {
    return this.registry.entity(m.entity);
  }

  /** A body field's JSON text (`records.data->>'f'`); names were checked against the schema at load. */
  text(field: string): Sql {
    return sql`(records.data->>${sql.lit(field)})`;
  }

  /** A number or money field as numeric (money by its amount). */
  number(entity: LoadedEntity, field: string): Sql {
    const info = entity.fields.get(field);
    if (info?.format === 'money') return sql`((records.data->${sql.lit(field)}->>'amount')::numeric)`;
    return sql`(${this.text(field)})::numeric`;
  }

  #isDate(entity: LoadedEntity, field: string): boolean {
    return entity.fields.get(field)?.format === 'date';
  }

  /** A time field as a timestamp with time zone (date fields: midnight in the company's zone). */
  timestamp(entity: LoadedEntity, field: string): Sql {
    const column = SYSTEM_TIME[field];
    if (column) return sql`records.${sql.ref(column)}`;
    if (this.#isDate(entity, field)) return sql`((${this.text(field)})::date::timestamp at time zone ${this.timeZone})`;
    return sql`(${this.text(field)})::timestamptz`;
  }

  /**
   * A cheap per-record grouping key for a period, and how to label a key after aggregation.
   * Date fields are grouped on their stored ISO text (the month's 7 characters for month,
   * quarter and year; the day otherwise), so no row is cast; date-time fields on their day in
   * the company's time zone.
   */
  periodKey(entity: LoadedEntity, field: string, grain: Grain): { key: Sql; label: (key: Sql) => Sql } {
    const format = { day: 'YYYY-MM-DD', week: 'IYYY-"W"IW', month: 'YYYY-MM', quarter: 'YYYY-"Q"Q', year: 'YYYY' }[grain];
    if (this.#isDate(entity, field) && (grain === 'month' || grain === 'quarter' || grain === 'year')) {
      return { key: sql`left(${this.text(field)}, 7)`, label: (k) => sql`to_char((${k} || '-01')::date, ${sql.lit(format)})` };
    }
    const key = this.#isDate(entity, field) ? this.text(field) : this.day(entity, field);
    return { key, label: (k) => sql`to_char((${k})::date, ${sql.lit(format)})` };
  }

  /** A time field as the calendar day it falls on in the company's time zone. */
  day(entity: LoadedEntity, field: string): Sql {
    if (this.#isDate(entity, field)) return sql`(${this.text(field)})::date`;
    return sql`((${this.timestamp(entity, field)}) at time zone ${this.timeZone})::date`;
  }

  /** The period label of a time field at a grain: `2017-03-01`, `2017-W09`, `2017-03`, `2017-Q1`, `2017`. */
  bucket(entity: LoadedEntity, field: string, grain: Grain): Sql {
    const day = this.day(entity, field);
    const format = { day: 'YYYY-MM-DD', week: 'IYYY-"W"IW', month: 'YYYY-MM', quarter: 'YYYY-"Q"Q', year: 'YYYY' }[grain];
    return sql`to_char(${day}, ${sql.lit(format)})`;
  }

  /**
   * The records of a time field inside [from, to] (inclusive days in the company's time zone).
   * Date fields compare as ISO text, which their expression index serves.
   */
  inRange(entity: LoadedEntity, field: string, from: string | null, to: string | null): Sql[] {
    const out: Sql[] = [];
    if (this.#isDate(entity, field)) {
      if (from) out.push(sql`${this.text(field)} >= ${from}`);
      if (to) out.push(sql`${this.text(field)} <= ${to}`);
      return out;
    }
    const t = this.timestamp(entity, field);
    if (from) out.push(sql`${t} >= (${from}::date::timestamp at time zone ${this.timeZone})`);
    if (to) out.push(sql`${t} < ((${to}::date + 1)::timestamp at time zone ${this.timeZone})`);
    return out;
  }

  /** The value a non-count metric aggregates, per record (weighted by stage probability unless `weighted` is false). */
  value(m: RegisteredMetric, weighted = true): Sql {
    const measure = m.measure;
    if ('ratio' in measure || measure.aggregate === 'count') throw new Error(`${m.fullId} has no per-record value`);
    const entity = this.entity(m);
    let v: Sql;
    if (measure.field !== undefined) v = this.number(entity, measure.field);
    else {
      const { from, to } = measure.duration as { from: string; to: string };
      if (m.unit !== 'hours' && this.#isDate(entity, from) && this.#isDate(entity, to)) v = sql`((${this.text(to)})::date - (${this.text(from)})::date)::numeric`;
      else v = sql`(extract(epoch from (${this.timestamp(entity, to)} - ${this.timestamp(entity, from)})) / ${sql.lit(m.unit === 'hours' ? 3600 : 86400)})`;
    }
    return weighted && measure.weight === 'stageProbability' ? sql`(${v} * si.probability)` : v;
  }

  /** The aggregate of one base metric over the rows where `condition` holds. */
  aggregate(m: RegisteredMetric, condition: Sql | null): Sql {
    const filter = condition ? sql` filter (where ${condition})` : sql``;
    const measure = m.measure;
    if ('ratio' in measure) throw new Error(`${m.fullId} is a ratio`);
    if (measure.aggregate === 'count') return sql`count(*)${filter}`;
    const v = this.value(m);
    switch (measure.aggregate) {
      case 'median':
        return sql`percentile_cont(0.5) within group (order by ${v})${filter}`;
      case 'percentile':
        return sql`percentile_cont(${sql.lit(measure.percentile ?? 0.5)}) within group (order by ${v})${filter}`;
      default:
        return sql`${sql.raw(measure.aggregate)}(${v})${filter}`;
    }
  }

  /** What a record must satisfy to count for the metric (besides type, visibility and period); null: every record. */
  condition(m: RegisteredMetric): Sql | null {
    const parts = [this.stageCondition(m), this.recordCondition(m)].filter((p): p is Sql => p !== null);
    return parts.length ? sql`(${sql.join(parts, sql` and `)})` : null;
  }

  /** The metric's stage kinds as a condition on the stage table `si`; null when it has none. */
  stageCondition(m: RegisteredMetric): Sql | null {
    return m.stageKinds ? sql`si.kind in (${sql.join(m.stageKinds.map((k) => sql.lit(k)))})` : null;
  }

  /**
   * The conditions on the record itself: the filter rule and, unless `requireValue` is false
   * (aggregates skip nulls anyway), a value to measure.
   */
  recordCondition(m: RegisteredMetric, requireValue = true): Sql | null {
    const parts: Sql[] = [];
    if (m.filter) parts.push(ruleToKysely(m.filter, { schema: this.entity(m).schema, operators: this.registry.ruleOperators, dataColumn: 'records.data', ...(this.now ? { now: this.now() } : {}) }));
    if (requireValue && !('ratio' in m.measure) && m.measure.aggregate !== 'count') {
      // Records without the measured value do not count (an average of the known values).
      const ends = m.measure.duration ? [m.measure.duration.from, m.measure.duration.to] : [m.measure.field as string];
      for (const f of ends) if (!SYSTEM_TIME[f]) parts.push(sql`${this.text(f)} is not null`);
    }
    return parts.length ? sql`(${sql.join(parts, sql` and `)})` : null;
  }

  /** Whether the metric needs the stage table (kind, probability of the record's stage). */
  needsStageInfo(m: RegisteredMetric): boolean {
    return m.stageKinds !== undefined || (!('ratio' in m.measure) && m.measure.aggregate !== 'count' && m.measure.weight !== undefined);
  }
}

/**
 * Common table expressions every metric statement may use: `org_path` (each org unit with each
 * of its ancestors, itself included, from the tree: a recursive CTE over `org_units`) and
 * `stage_info` (kind and win probability of each stage of each published process version).
 */
export const METRIC_CTES = sql`
  org_path(unit_id, ancestor_id, ancestor_name, ancestor_kind) as (
    select id, id, name, kind from org_units
    union all
    select p.unit_id, u.parent_id, a.name, a.kind from org_path p join org_units u on u.id = p.ancestor_id join org_units a on a.id = u.parent_id
  ),
  stage_info(process_id, version, stage, kind, probability) as materialized (
    select pv.process_id, pv.version, s->>'id', s->>'kind',
      coalesce((s->>'probability')::numeric, case s->>'kind' when 'won' then 1 when 'lost' then 0 end)
    from process_versions pv cross join lateral jsonb_array_elements(pv.definition->'stages') s
  )`;
