import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/tables';
import type { RecordStore } from '../records/store';
import { isoTime, isoTimeOrNull } from '../db/time';

/** Scope of a pipeline query: one process, as of a moment, over the records the principal sees. */
export interface PipelineScope {
  process: string;
  asOf: Date;
  principal: Principal;
}

const DAYS = (expr: RawBuilder<unknown>) => sql<number>`(extract(epoch from ${expr}) / 86400.0)`;

/**
 * Pipeline analytics computed from stage history, narrowed to the records the principal may see.
 *
 * @example
 * ```ts
 * const q = new PipelineQueries(db, store);
 * await q.timeInStage({ process: 'new_business', asOf: new Date(), principal });
 * ```
 */
export class PipelineQueries {
  constructor(
    readonly db: Kysely<Database>,
    readonly store: RecordStore,
  ) {}

  #visible(p: Principal): RawBuilder<boolean> {
    return this.store.access.read(p) ?? sql<boolean>`true`;
  }

  /** Per stage: finished stays (count, mean, median, 75th and 90th percentile in days) and current stays (count, mean age). */
  async timeInStage(s: PipelineScope) {
    const r = await sql<{ stage: string; finished: number; mean_days: number | null; median_days: number | null; p75_days: number | null; p90_days: number | null; current: number; current_mean_days: number | null }>`
      select h.stage,
        count(*) filter (where h.exited_at is not null)::int as finished,
        avg(${DAYS(sql`h.exited_at - h.entered_at`)}) filter (where h.exited_at is not null) as mean_days,
        percentile_cont(0.5) within group (order by ${DAYS(sql`h.exited_at - h.entered_at`)}) filter (where h.exited_at is not null) as median_days,
        percentile_cont(0.75) within group (order by ${DAYS(sql`h.exited_at - h.entered_at`)}) filter (where h.exited_at is not null) as p75_days,
        percentile_cont(0.9) within group (order by ${DAYS(sql`h.exited_at - h.entered_at`)}) filter (where h.exited_at is not null) as p90_days,
        count(*) filter (where h.exited_at is null)::int as current,
        avg(${DAYS(sql`${s.asOf}::timestamptz - h.entered_at`)}) filter (where h.exited_at is null) as current_mean_days
      from stage_history h join records on records.id = h.record_id
      where h.process_id = ${s.process} and records.deleted_at is null and h.entered_at <= ${s.asOf} and ${this.#visible(s.principal)}
      group by h.stage`.execute(this.db);
    const round = (v: number | null) => (v === null ? null : Math.round(Number(v) * 100) / 100);
    return r.rows.map((x) => ({ stage: x.stage, finished: x.finished, meanDays: round(x.mean_days), medianDays: round(x.median_days), p75Days: round(x.p75_days), p90Days: round(x.p90_days), current: x.current, currentMeanDays: round(x.current_mean_days) }));
  }

  /** Records in a stage beyond its SLA or beyond the 75th percentile of finished stays there; longest first. */
  async stuck(s: PipelineScope & { limit: number }) {
    const r = await sql<{ record_id: string; name: string | null; owner_id: string | null; stage: string; entered_at: Date; due_at: Date | null; days: number; p75_days: number | null; beyond_sla: boolean; beyond_p75: boolean }>`
      with p as (
        select h.stage, percentile_cont(0.75) within group (order by ${DAYS(sql`h.exited_at - h.entered_at`)}) as p75_days, count(*) as n
        from stage_history h where h.process_id = ${s.process} and h.exited_at is not null and h.exited_at <= ${s.asOf} group by h.stage
      )
      select h.record_id, records.data->>'name' as name, records.owner_id, h.stage, h.entered_at, h.due_at,
        ${DAYS(sql`${s.asOf}::timestamptz - h.entered_at`)} as days, p.p75_days,
        coalesce(h.due_at < ${s.asOf}, false) as beyond_sla,
        coalesce(p.n >= 5 and ${DAYS(sql`${s.asOf}::timestamptz - h.entered_at`)} > p.p75_days, false) as beyond_p75
      from stage_history h join records on records.id = h.record_id left join p on p.stage = h.stage
      where h.process_id = ${s.process} and h.exited_at is null and records.deleted_at is null and h.entered_at <= ${s.asOf}
        and ${this.#visible(s.principal)}
        and (h.due_at < ${s.asOf} or (p.n >= 5 and ${DAYS(sql`${s.asOf}::timestamptz - h.entered_at`)} > p.p75_days))
      order by days desc, h.record_id limit ${s.limit}`.execute(this.db);
    return r.rows.map((x) => ({
      record: x.record_id,
      name: x.name,
      owner: x.owner_id,
      stage: x.stage,
      enteredAt: isoTime(x.entered_at),
      dueAt: isoTimeOrNull(x.due_at),
      days: Math.round(Number(x.days) * 10) / 10,
      p75Days: x.p75_days === null ? null : Math.round(Number(x.p75_days) * 10) / 10,
      reasons: [...(x.beyond_sla ? ['sla'] : []), ...(x.beyond_p75 ? ['p75'] : [])],
    }));
  }

  /** Stage-to-stage conversion: records that entered each stage, where they went next, and how many were eventually won or lost. */
  async conversion(s: PipelineScope & { won: string[]; lost: string[] }) {
    const base = sql`from stage_history h join records on records.id = h.record_id where h.process_id = ${s.process} and records.deleted_at is null and h.entered_at <= ${s.asOf} and ${this.#visible(s.principal)}`;
    const moves = await sql<{ from_stage: string; to_stage: string; n: number }>`
      select h.from_stage, h.stage as to_stage, count(distinct h.record_id)::int as n ${base} and h.from_stage is not null group by 1, 2`.execute(this.db);
    const won = s.won.length ? sql.join(s.won.map((w) => sql`${w}`)) : sql`null`;
    const lost = s.lost.length ? sql.join(s.lost.map((w) => sql`${w}`)) : sql`null`;
    const stages = await sql<{ stage: string; entered: number; won: number; lost: number }>`
      with per as (
        select h.record_id, array_agg(distinct h.stage) as stages, bool_or(h.stage in (${won})) as won, bool_or(h.stage in (${lost})) as lost ${base} group by h.record_id
      )
      select s.stage, count(*)::int as entered, count(*) filter (where per.won)::int as won, count(*) filter (where per.lost)::int as lost
      from per cross join lateral unnest(per.stages) as s(stage) group by s.stage`.execute(this.db);
    const entered = new Map(stages.rows.map((x) => [x.stage, x.entered]));
    const rate = (n: number, d: number | undefined) => (d ? Math.round((n / d) * 10_000) / 10_000 : null);
    return {
      stages: stages.rows.map((x) => ({ stage: x.stage, entered: x.entered, won: x.won, lost: x.lost, winRate: rate(x.won, x.entered) })),
      transitions: moves.rows.map((m) => ({ from: m.from_stage, to: m.to_stage, count: m.n, rate: rate(m.n, entered.get(m.from_stage)) })).sort((a, b) => b.count - a.count),
    };
  }
}
