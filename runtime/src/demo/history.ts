import { createHash } from 'node:crypto';
import { slaTimes, type CompiledProcess } from '@pipewright/core';
import { sql, type Insertable } from 'kysely';
import { systemPrincipal } from '../auth/principal';
import type { StageHistoryTable } from '../db/tables';
import type { ProcessRuntime } from '../process/runtime';

const DAY = 86_400_000;
const SEED = 'system:demo-seed';

/** Days from a deterministic hash of a key, in [min, max]. */
function spread(key: string, min: number, max: number): number {
  return min + (createHash('sha1').update(key).digest().readUInt32BE(0) % (max - min + 1));
}

const at = (date: string) => new Date(`${date}T09:00:00Z`);
const without = (data: Record<string, unknown>, fields: string[]) => Object.fromEntries(Object.entries(data).filter(([k]) => !fields.includes(k)));

/**
 * Publishes the default B2B pipeline (new business) for the demo, unless a version exists.
 *
 * @example
 * ```ts
 * const version = await publishDemoProcess(platform.processes);
 * ```
 */
export async function publishDemoProcess(rt: ProcessRuntime): Promise<number> {
  const published = await rt.definitions.latest({ process: 'new_business', entity: 'pipeline.deal' });
  return published?.version ?? (await rt.definitions.publish('new_business', systemPrincipal('demo-seed'))).version;
}

/**
 * Publishes, for every entity whose records move through a process but that has none published
 * yet, its shipped processes (the plugins' review, lead and handoff processes), so the demo
 * can create those records at once. Entities that already have a published process (deals) are
 * left as they are. Returns the processes published.
 *
 * @example
 * ```ts
 * await publishShippedProcesses(platform.processes); // ['scorecard_review', ...]
 * ```
 */
export async function publishShippedProcesses(rt: ProcessRuntime): Promise<string[]> {
  const all = await rt.definitions.list();
  const published: string[] = [];
  const covered = new Set(all.filter((p) => p.latestVersion !== null).map((p) => p.entity));
  // An entity may ship one process per kind of record (each says which records it takes, with
  // `startsWhen`): all of them are published, not only the first.
  for (const p of all) {
    if (covered.has(p.entity)) continue;
    await rt.definitions.publish(p.id, systemPrincipal('demo-seed'));
    published.push(p.id);
  }
  return published;
}

/**
 * Stage history of the imported demo deals, derived from their dates (the importer writes it in
 * the import's transaction): prospecting entered 3 to 21 days before the engage date
 * (prospecting-only deals 5 to 60 days before the data set's last date, or before `now` when
 * that is earlier), engaging from the engage date to the close date, then won or lost. Each
 * stay's snapshot holds what was known then (no close fields before closing), so backtests see
 * realistic records. No SLA timers are scheduled for this history (it would escalate years-old
 * stays at first start); the stuck query still reports them.
 *
 * @example
 * ```ts
 * await importCsv(db, registry, csv, mapping, { actor, stages: { definitions, history: demoHistory(new Date()) } });
 * ```
 */
export function demoHistory(now: Date) {
  const today = now.toISOString().slice(0, 10);
  return (rows: readonly { id: string; stage: string | null; data: Record<string, unknown> }[], p: { processId: string; version: number; process: CompiledProcess }): Insertable<StageHistoryTable>[] => {
    const latest = rows.reduce((m, d) => {
      const c = typeof d.data.close_date === 'string' ? d.data.close_date : typeof d.data.engage_date === 'string' ? d.data.engage_date : '';
      return c > m ? c : m;
    }, '');
    const last = latest === '' || latest > today ? today : latest;
    return rows.flatMap((d) => historyOf(d.id, d.stage, d.data, last, p.version, p.process));
  };
}

/**
 * Refreshes the planner's statistics after the demo's history is written (else the pipeline
 * queries turn into nested loops) and reports what the deals joined.
 *
 * @example
 * ```ts
 * const { attached, stays } = await analyzeDemoHistory(platform.processes, log);
 * ```
 */
export async function analyzeDemoHistory(rt: ProcessRuntime, log: (line: string) => void = () => {}): Promise<{ attached: number; stays: number }> {
  const db = rt.db;
  await sql`analyze stage_history`.execute(db);
  await sql`analyze records`.execute(db);
  const attached = Number((await db.selectFrom('records').select(sql<string>`count(*)`.as('n')).where('type', '=', 'pipeline.deal').where('process_id', '=', 'new_business').executeTakeFirstOrThrow()).n);
  const stays = Number((await db.selectFrom('stage_history').select(sql<string>`count(*)`.as('n')).where('process_id', '=', 'new_business').executeTakeFirstOrThrow()).n);
  log(`Seeding demo: ${attached} deals on new business with ${stays} stage stays`);
  return { attached, stays };
}

function historyOf(id: string, stage: string | null, data: Record<string, unknown>, last: string, version: number, p: CompiledProcess): Insertable<StageHistoryTable>[] {
  if (stage === null || !p.stages.has(stage)) return [];
  const engage = typeof data.engage_date === 'string' ? data.engage_date : null;
  const close = typeof data.close_date === 'string' ? data.close_date : null;
  const closeFields = ['close_date', 'close_value', 'lost_reason'];
  const stay = (s: string, from: string | null, transition: string | null, enteredAt: Date, exitedAt: Date | null, snapshot: Record<string, unknown>): Insertable<StageHistoryTable> => ({
    record_id: id,
    record_type: 'pipeline.deal',
    process_id: 'new_business',
    process_version: version,
    stage: s,
    from_stage: from,
    transition_id: transition,
    entered_at: enteredAt,
    entered_by: SEED,
    exited_at: exitedAt,
    exited_by: exitedAt ? SEED : null,
    due_at: slaTimes(p.stages.get(s)?.sla, enteredAt)?.dueAt ?? null,
    snapshot: JSON.stringify(snapshot),
  });
  if (!engage) {
    const entered = new Date(at(last).getTime() - spread(id, 5, 60) * DAY);
    return [stay('prospecting', null, null, entered, null, without(data, ['engage_date', ...closeFields]))];
  }
  const engaged = at(engage);
  const prospected = new Date(engaged.getTime() - spread(id, 3, 21) * DAY);
  const out = [stay('prospecting', null, null, prospected, engaged, without(data, ['engage_date', ...closeFields]))];
  const closed = close && (stage === 'won' || stage === 'lost') ? at(close) : null;
  out.push(stay('engaging', 'prospecting', 'qualify', engaged, closed, without(data, closeFields)));
  if (closed) out.push(stay(stage, 'engaging', stage === 'lost' ? 'lose' : null, closed, null, data));
  return out;
}

