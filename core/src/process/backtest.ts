import type { CompiledProcess } from './compile';
import { isPipewrightError } from '../errors';
import { textIn } from '../i18n/text';

/** One recorded transition of a past record, with the record body as it was when it moved. */
export interface RecordedTransition {
  recordId: string;
  from: string | null;
  to: string;
  at: string;
  data: Record<string, unknown>;
}

/** What blocked a replayed transition. */
export interface BlockReason {
  kind: 'guard' | 'requirement' | 'not-allowed' | 'unknown-stage';
  /** Transition key (guard), stage id (requirement, unknown stage) or `from->to` (not allowed). */
  id: string;
  /** The field (requirement) or the guard's message. */
  detail: string;
}

/**
 * Summary of a backtest: how many recorded transitions the draft would have blocked, grouped by
 * rule or requirement, with the records concerned (capped by `sampleSize`).
 *
 * @example
 * ```ts
 * report.blocked; // 412
 * report.reasons[0]; // { kind: 'requirement', id: 'won', detail: 'close_value', count: 300, records: [...] }
 * ```
 */
export interface BacktestReport {
  transitions: number;
  records: number;
  blocked: number;
  blockedRecords: number;
  reasons: (BlockReason & { count: number; records: string[] })[];
}

/**
 * Replays recorded transitions through a (draft) process: each move must be allowed, pass its
 * guard (evaluated as of the moment it happened) and meet the target stage's entry requirements.
 * A move blocked for several reasons counts once in `blocked` and under each reason.
 *
 * @example
 * ```ts
 * const report = replayTransitions(compileProcess(draft, ctx), history);
 * ```
 */
export function replayTransitions(process: CompiledProcess, history: Iterable<RecordedTransition>, sampleSize = 50): BacktestReport {
  const reasons = new Map<string, BlockReason & { count: number; records: string[] }>();
  const records = new Set<string>();
  const blockedRecords = new Set<string>();
  let transitions = 0;
  let blocked = 0;
  const note = (r: BlockReason, recordId: string) => {
    const key = `${r.kind}|${r.id}|${r.detail}`;
    const entry = reasons.get(key) ?? { ...r, count: 0, records: [] };
    entry.count++;
    if (entry.records.length < sampleSize && !entry.records.includes(recordId)) entry.records.push(recordId);
    reasons.set(key, entry);
  };
  for (const h of history) {
    transitions++;
    records.add(h.recordId);
    const found: BlockReason[] = [];
    if (!process.stages.has(h.to)) found.push({ kind: 'unknown-stage', id: h.to, detail: `stage "${h.to}" does not exist in the draft` });
    else {
      if (h.from !== null) {
        try {
          const move = process.resolveMove(h.from, h.to);
          const at = Date.parse(h.at);
          const guard = process.evaluateGuard(move.transition, h.data, { now: () => at });
          if (!guard.passed) found.push({ kind: 'guard', id: move.transition?.id ?? `${h.from}->${h.to}`, detail: textIn(guard.message, 'en') });
        } catch (err) {
          if (!isPipewrightError(err)) throw err;
          found.push({ kind: 'not-allowed', id: `${h.from}->${h.to}`, detail: err.message });
        }
      }
      const unmet = process.checkRequirements(h.to, h.data, '');
      for (const f of unmet ? (unmet.fields.length ? unmet.fields : ['(record)']) : []) found.push({ kind: 'requirement', id: h.to, detail: f });
    }
    if (found.length) {
      blocked++;
      blockedRecords.add(h.recordId);
      for (const r of found) note(r, h.recordId);
    }
  }
  const sorted = [...reasons.values()].sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
  return { transitions, records: records.size, blocked, blockedRecords: blockedRecords.size, reasons: sorted };
}
