import { createHash } from 'node:crypto';
import { slaTimes, type CompiledProcess } from '@pipewright/core';
import { sql, type Insertable } from 'kysely';
import { systemPrincipal } from '../auth/principal';
import type { StageHistoryTable } from '../db/tables';
import type { ProcessRuntime } from './runtime';

const DAY = 86_400_000;
const SEED = 'system:demo-seed';

/** Days from a deterministic hash of a key, in [min, max]. */
function spread(key: string, min: number, max: number): number {
  return min + (createHash('sha1').update(key).digest().readUInt32BE(0) % (max - min + 1));
}

const at = (date: string) => new Date(`${date}T09:00:00Z`);
const without = (data: Record<string, unknown>, fields: string[]) => Object.fromEntries(Object.entries(data).filter(([k]) => !fields.includes(k)));

/**
 * Publishes the default B2B pipeline (new business, version 1) and attaches the imported deals to
 * it with stage history derived from their dates: prospecting entered 3 to 21 days before the
 * engage date (prospecting-only deals 5 to 60 days before the data set's last date), engaging
 * from the engage date to the close date, then won or lost. Each stay's snapshot holds what was
 * known then (no close fields before closing), so backtests see realistic records. No SLA timers
 * are scheduled for this history (it would escalate years-old stays at first start); the stuck
 * query still reports them.
 *
 * @example
 * ```ts
 * const { attached, stays } = await seedDemoProcesses(platform.processes, log);
 * ```
 */
export async function seedDemoProcesses(rt: ProcessRuntime, log: (line: string) => void = () => {}): Promise<{ attached: number; stays: number }> {
  const db = rt.db;
  const published = await rt.definitions.latest({ process: 'new_business', entity: 'pipeline.deal' });
  const version = published?.version ?? (await rt.definitions.publish('new_business', systemPrincipal('demo-seed'))).version;
  const process = await rt.definitions.version('new_business', version);
  const deals = await db.selectFrom('records').select(['id', 'type', 'stage', 'data', 'created_at']).where('type', '=', 'pipeline.deal').where('process_id', 'is', null).where('deleted_at', 'is', null).orderBy('id').execute();
  const last = deals.reduce((m, d) => {
    const data = d.data as Record<string, unknown>;
    const c = typeof data.close_date === 'string' ? data.close_date : typeof data.engage_date === 'string' ? data.engage_date : '';
    return c > m ? c : m;
  }, '2017-12-31');
  const rows: Insertable<StageHistoryTable>[] = [];
  for (const d of deals) rows.push(...historyOf(d.id, d.stage, d.data as Record<string, unknown>, last, version, process));
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < rows.length; i += 1000) await tx.insertInto('stage_history').values(rows.slice(i, i + 1000)).execute();
    // Every change of a record bumps its version (the transition cache relies on it).
    await tx.updateTable('records').set({ process_id: 'new_business', process_version: version, version: sql`version + 1` }).where('type', '=', 'pipeline.deal').where('process_id', 'is', null).where('stage', 'is not', null).execute();
  });
  // Fresh statistics, or the planner's defaults turn the pipeline queries into nested loops.
  await sql`analyze stage_history`.execute(db);
  await sql`analyze records`.execute(db);
  log(`Seeding demo: ${deals.length} deals attached to new business v${version} with ${rows.length} stage stays`);
  return { attached: deals.length, stays: rows.length };
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

