import { createHash } from 'node:crypto';
import { slaTimes, type CompiledProcess } from '@pipewright/core';
import type { Transaction } from 'kysely';
import type { Database } from '../db/tables';
import { QUEUES, kyselyExecutor, type JobQueue } from '../jobs/queue';

/**
 * A stable UUID (version-5 layout) from a name, so a job derived from a history row always has
 * the same id (pg-boss then ignores a second send).
 *
 * @example
 * ```ts
 * stableUuid('sla:42:breach'); // '5c0f...-5...'
 * ```
 */
export function stableUuid(name: string): string {
  const h = createHash('sha1').update(`pipewright:${name}`).digest('hex');
  const variant = ((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

export interface StayInput {
  record: { id: string; type: string };
  process: CompiledProcess;
  processId: string;
  version: number;
  stage: string;
  from: string | null;
  transitionId: string | null;
  at: Date;
  actor: string;
  snapshot: Record<string, unknown>;
}

/** Payload of an SLA timer job. */
export interface SlaJob {
  historyId: string;
  kind: 'breach' | 'warn';
}

/**
 * Opens a stay in a stage (a stage_history row) and, when the stage has an SLA, schedules its
 * warning and breach timers on the job queue in the same transaction.
 *
 * @example
 * ```ts
 * const historyId = await openStay(tx, queue, { record, process, processId, version, stage: 'proposal', from: 'engaging', transitionId: 'propose', at, actor, snapshot });
 * ```
 */
export async function openStay(tx: Transaction<Database>, queue: JobQueue | null, s: StayInput): Promise<{ id: string; dueAt: Date | null }> {
  const times = slaTimes(s.process.stages.get(s.stage)?.sla, s.at);
  const row = await tx
    .insertInto('stage_history')
    .values({
      record_id: s.record.id,
      record_type: s.record.type,
      process_id: s.processId,
      process_version: s.version,
      stage: s.stage,
      from_stage: s.from,
      transition_id: s.transitionId,
      entered_at: s.at,
      entered_by: s.actor,
      due_at: times?.dueAt ?? null,
      snapshot: JSON.stringify(s.snapshot),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = String(row.id);
  if (times && queue) {
    const db = kyselyExecutor(tx);
    await queue.send(QUEUES.sla, { historyId: id, kind: 'breach' } satisfies SlaJob, { db, id: stableUuid(`sla:${id}:breach`), startAfter: times.dueAt });
    if (times.warnAt) await queue.send(QUEUES.sla, { historyId: id, kind: 'warn' } satisfies SlaJob, { db, id: stableUuid(`sla:${id}:warn`), startAfter: times.warnAt });
  }
  return { id, dueAt: times?.dueAt ?? null };
}

/**
 * Closes the record's open stay, if any; returns how many rows it closed (0 or 1).
 *
 * @example
 * ```ts
 * await closeStay(tx, recordId, now, actor.id);
 * ```
 */
export async function closeStay(tx: Transaction<Database>, recordId: string, at: Date, actor: string): Promise<number> {
  const r = await tx.updateTable('stage_history').set({ exited_at: at, exited_by: actor }).where('record_id', '=', recordId).where('exited_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
