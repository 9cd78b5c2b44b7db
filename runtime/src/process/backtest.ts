import { replayTransitions, type BacktestReport, type CompiledProcess, type RecordedTransition } from '@pipewright/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';

/**
 * Replays the recorded stage history of a process's records (every entry into a stage, with the
 * body as it was then) through a draft's moves, guards and entry requirements.
 *
 * @example
 * ```ts
 * const report = await backtest(db, 'new_business', await definitions.draft('new_business', candidate));
 * report.blocked; // transitions the draft would have refused
 * ```
 */
export async function backtest(db: Kysely<Database>, processId: string, draft: CompiledProcess, o: { since?: Date; until?: Date; sampleSize?: number } = {}): Promise<BacktestReport & { process: string; durationMs: number }> {
  const started = performance.now();
  let q = db.selectFrom('stage_history').innerJoin('records', 'records.id', 'stage_history.record_id').select(['stage_history.record_id', 'stage_history.from_stage', 'stage_history.stage', 'stage_history.entered_at', 'stage_history.snapshot']).where('stage_history.process_id', '=', processId).where('records.deleted_at', 'is', null);
  if (o.since) q = q.where('stage_history.entered_at', '>=', o.since);
  if (o.until) q = q.where('stage_history.entered_at', '<', o.until);
  const rows = await q.orderBy('stage_history.id').execute();
  const history: RecordedTransition[] = rows.map((h) => ({
    recordId: h.record_id,
    from: h.from_stage,
    to: h.stage,
    at: new Date(h.entered_at).toISOString(),
    data: (typeof h.snapshot === 'string' ? JSON.parse(h.snapshot) : h.snapshot) as Record<string, unknown>,
  }));
  const report = replayTransitions(draft, history, o.sampleSize ?? 50);
  return { process: processId, ...report, durationMs: Math.round(performance.now() - started) };
}
