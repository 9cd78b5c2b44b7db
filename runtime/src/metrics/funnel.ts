import { NotFoundError, ValidationError, type ErrorDetail, type LocalizableText } from '@pipewright/core';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/tables';
import { GRAINS, hasIdColumn, type Dimension, type Grain, type MetricCatalog } from './catalog';
import { METRIC_CTES, type MetricExpressions } from './expressions';
import { baseConditions, dimensionSql, referenceTitle, type VisibleFor } from './statement';

/** One funnel row: dimension values, the period and stage, and the counts and rates. */
export type FunnelRow = Record<string, string | number | null>;

export interface FunnelResult {
  process: string;
  /** The stages of the latest published version, in order, with labels and kinds. */
  stages: { id: string; label: LocalizableText; kind: string }[];
  rows: FunnelRow[];
  asOf: string;
}

const invalid = (details: ErrorDetail[]) => new ValidationError({ code: 'metrics.invalid-query', message: `The funnel query is invalid: ${details.map((d) => `${d.pointer} ${d.message}`).join('; ')}`, details });
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Stage conversion from stage history, for the records of one process the principal may see:
 * per stage, how many records entered it (`entered`), how many of those are now won or lost,
 * and the two conversion rates `won_per_entered` (won / entered) and `won_per_closed`
 * (won / (won + lost)); split by any dimension of the process's entity and by the period in which
 * records entered the process (a cohort), in the company's time zone. Org levels, owners and
 * references are valued by name (a referenced record's title) with `<dim>_id` beside it, as
 * metric queries answer them. One statement.
 *
 * @example
 * ```ts
 * await funnel(catalog, x, db, (type) => access.read(principal, type), { process: 'new_business', groupBy: ['office'], grain: 'quarter' }, new Date());
 * ```
 */
export async function funnel(catalog: MetricCatalog, x: MetricExpressions, db: Kysely<Database>, visibleFor: VisibleFor, body: Record<string, unknown>, now: Date): Promise<FunnelResult> {
  const problems: ErrorDetail[] = [];
  for (const key of Object.keys(body)) if (!['process', 'groupBy', 'grain', 'from', 'to', 'where'].includes(key)) problems.push({ pointer: `/${key}`, message: 'unknown member; use process, groupBy, grain, from, to, where', code: 'unknown' });
  const processId = body.process;
  if (typeof processId !== 'string' || !/^[a-z][a-z0-9_]{0,62}$/.test(processId)) throw invalid([{ pointer: '/process', message: 'must be a process id', code: 'required' }]);
  const def = await db.selectFrom('process_definitions').select(['entity', 'latest_version']).where('id', '=', processId).executeTakeFirst();
  if (!def) throw new NotFoundError(`There is no process "${processId}".`, { process: processId });
  const version = def.latest_version === null ? null : await db.selectFrom('process_versions').select('definition').where('process_id', '=', processId).where('version', '=', def.latest_version).executeTakeFirst();
  const stages = ((version?.definition as { stages?: { id: string; label: LocalizableText; kind: string }[] } | undefined)?.stages ?? []).map((s) => ({ id: s.id, label: s.label, kind: s.kind }));
  const available = catalog.entityDimensions(def.entity);
  const dims: Dimension[] = [];
  const groupBy = body.groupBy ?? [];
  if (!Array.isArray(groupBy) || groupBy.length > 3) problems.push({ pointer: '/groupBy', message: 'must be a list of at most 3 dimensions', code: 'type' });
  else
    groupBy.forEach((name, i) => {
      const d = typeof name === 'string' && name !== 'stage' ? available.get(name) : undefined;
      if (!d) problems.push({ pointer: `/groupBy/${i}`, message: `unknown dimension ${JSON.stringify(name)}; use ${[...available.keys()].filter((k) => k !== 'stage').join(', ')}`, code: 'unknown-dimension' });
      else if (!dims.includes(d)) dims.push(d);
    });
  const grain = body.grain;
  if (grain !== undefined && !(GRAINS as readonly unknown[]).includes(grain)) problems.push({ pointer: '/grain', message: `must be one of ${GRAINS.join(', ')}`, code: 'enum' });
  for (const key of ['from', 'to'] as const) if (body[key] !== undefined && (typeof body[key] !== 'string' || !DATE.test(body[key] as string))) problems.push({ pointer: `/${key}`, message: 'must be a date (YYYY-MM-DD)', code: 'format' });
  if (typeof body.from === 'string' && typeof body.to === 'string' && body.from > body.to) problems.push({ pointer: '/from', message: 'is after "to"', code: 'range' });
  if (body.where !== undefined && (typeof body.where !== 'object' || body.where === null || Array.isArray(body.where))) problems.push({ pointer: '/where', message: 'must be a json-logic rule', code: 'type' });
  if (problems.length) throw invalid(problems);

  let conditions: RawBuilder<unknown>[];
  try {
    conditions = baseConditions(def.entity, { where: (body.where as Record<string, unknown> | undefined) ?? null }, visibleFor, x);
  } catch (err) {
    const e = err as { pointer?: string; message: string };
    throw invalid([{ pointer: `/where${e.pointer ?? ''}`, message: e.message, code: 'invalid-rule' }]);
  }
  const tz = x.timeZone;
  const started = sql`per.started`;
  const periodWhere: RawBuilder<unknown>[] = [];
  if (typeof body.from === 'string') periodWhere.push(sql`${started} >= (${body.from}::date::timestamp at time zone ${tz})`);
  if (typeof body.to === 'string') periodWhere.push(sql`${started} < ((${body.to}::date + 1)::timestamp at time zone ${tz})`);
  const d = dimensionSql(dims, x);
  const selects: RawBuilder<unknown>[] = [];
  d.columns.forEach((c, i) => selects.push(sql`${c.id} as ${sql.id(`d_${i}`)}`, sql`${c.name ?? sql`null::text`} as ${sql.id(`n_${i}`)}`));
  const format = typeof grain === 'string' ? { day: 'YYYY-MM-DD', week: 'IYYY-"W"IW', month: 'YYYY-MM', quarter: 'YYYY-"Q"Q', year: 'YYYY' }[grain as Grain] : null;
  if (format) selects.push(sql`to_char((${started} at time zone ${tz})::date, ${sql.lit(format)}) as t`);
  const keys = selects.length + 1;
  // Reference dimensions are named by the referenced record's title, looked up per group.
  const refs = dims.flatMap((dim, i) => (dim.kind === 'reference' ? [{ i, ...referenceTitle(`ref_${i}`, sql`f.${sql.id(`d_${i}`)}`, dim.titleField) }] : []));
  const { rows } = await sql<Record<string, unknown>>`with recursive ${METRIC_CTES},
    per as (
      select h.record_id, min(h.entered_at) as started, array_agg(distinct h.stage) as stages
      from stage_history h where h.process_id = ${processId} group by h.record_id
    ), f as (
    select ${sql.join([...selects, sql`st.stage`])}, count(*)::int as entered,
      count(*) filter (where si.kind = 'won')::int as won, count(*) filter (where si.kind = 'lost')::int as lost
    from per join records on records.id = per.record_id
    left join stage_info si on si.process_id = records.process_id and si.version = records.process_version and si.stage = records.stage
    ${sql.join(d.joins, sql` `)}
    cross join lateral unnest(per.stages) as st(stage)
    where ${sql.join([...conditions, ...periodWhere], sql` and `)}
    group by ${sql.join(Array.from({ length: keys }, (_, i) => sql.lit(i + 1)))})
    select f.*${sql.join(refs.map((r) => sql`, ${r.title} as ${sql.id(`r_${r.i}`)}`), sql``)} from f ${sql.join(refs.map((r) => r.join), sql` `)}
    order by ${sql.join([...dims.flatMap((dim, i) => [...(dim.kind === 'reference' ? [sql.id(`r_${i}`)] : dim.kind === 'org' || dim.kind === 'owner' ? [sql`f.${sql.id(`n_${i}`)}`] : []), sql`f.${sql.id(`d_${i}`)}`]), ...(format ? [sql`f.t`] : []), sql`f.stage`].map((o) => sql`${o} nulls last`))}`.execute(db);
  const rate = (n: number, dd: number) => (dd ? n / dd : null);
  return {
    process: processId,
    stages,
    asOf: now.toISOString(),
    rows: rows.map((r) => {
      const row: FunnelRow = {};
      dims.forEach((dim, i) => {
        if (hasIdColumn(dim)) {
          row[dim.name] = (r[dim.kind === 'reference' ? `r_${i}` : `n_${i}`] as string | null) ?? null;
          row[`${dim.name}_id`] = (r[`d_${i}`] as string | null) ?? null;
        } else row[dim.name] = (r[`d_${i}`] as string | null) ?? null;
      });
      if (format) row[grain as string] = r.t as string;
      const entered = Number(r.entered);
      const won = Number(r.won);
      const lost = Number(r.lost);
      Object.assign(row, { stage: r.stage as string, entered, won, lost, won_per_entered: rate(won, entered), won_per_closed: rate(won, won + lost) });
      return row;
    }),
  };
}
