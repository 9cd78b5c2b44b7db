import { slaTimes, type CompiledProcess } from '@pipewright/core';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/tables';
import { QUEUES, kyselyExecutor, type JobQueue } from '../jobs/queue';
import type { RecordView } from '../records/view';
import { stableUuid, type SlaJob } from './history';

/** Everything one transition writes, decided before writing. */
export interface TransitionWrite {
  record: { id: string; type: string; createdAt: Date; createdBy: string };
  before: RecordView;
  after: RecordView;
  process: CompiledProcess;
  processId: string;
  version: number;
  from: string | null;
  to: string;
  transitionId: string | null;
  actor: string;
  at: Date;
  meta: Record<string, unknown>;
}

/**
 * Writes a transition in one statement inside the caller's transaction (which holds the record's
 * row lock): the record's new stage, body and version; the open stay closed (or, for a record
 * that had a stage but no history, a backfilled closed stay); the new stay; the audit event.
 * Then schedules the stay's SLA timers. Returns the new stay's id and SLA deadline.
 *
 * @example
 * ```ts
 * const { historyId } = await writeTransition(tx, queue, { record, before, after, process, processId, version, from, to, transitionId, actor, at, meta });
 * ```
 */
export async function writeTransition(tx: Transaction<Database>, queue: JobQueue | null, w: TransitionWrite): Promise<{ historyId: string; dueAt: Date | null }> {
  const times = slaTimes(w.process.stages.get(w.to)?.sla, w.at);
  const data = JSON.stringify(w.after.data);
  const result = await sql<{ history_id: string }>`
    with upd as (
      update records set stage = ${w.to}::text, data = ${data}::jsonb, version = ${w.after.version}::int, updated_by = ${w.actor}::text, updated_at = ${w.at}::timestamptz,
        process_id = ${w.processId}::text, process_version = ${w.version}::int
      where id = ${w.record.id}::uuid returning id
    ),
    closed as (
      update stage_history set exited_at = ${w.at}::timestamptz, exited_by = ${w.actor}::text
      where record_id = ${w.record.id}::uuid and exited_at is null and exists (select 1 from upd) returning id
    ),
    backfill as (
      insert into stage_history (record_id, record_type, process_id, process_version, stage, from_stage, transition_id, entered_at, entered_by, exited_at, exited_by, snapshot)
      select ${w.record.id}::uuid, ${w.record.type}::text, ${w.processId}::text, ${w.version}::int, ${w.from}::text, null, null, ${w.record.createdAt}::timestamptz, ${w.record.createdBy}::text,
        ${w.at}::timestamptz, ${w.actor}::text, ${JSON.stringify(w.before.data)}::jsonb
      from upd where ${w.from !== null}::boolean and not exists (select 1 from closed) returning id
    ),
    opened as (
      insert into stage_history (record_id, record_type, process_id, process_version, stage, from_stage, transition_id, entered_at, entered_by, due_at, snapshot)
      select ${w.record.id}::uuid, ${w.record.type}::text, ${w.processId}::text, ${w.version}::int, ${w.to}::text, ${w.from}::text, ${w.transitionId}::text, ${w.at}::timestamptz,
        ${w.actor}::text, ${times?.dueAt ?? null}::timestamptz, ${data}::jsonb
      from upd where (select count(*) from closed) + (select count(*) from backfill) >= 0 returning id
    )
    insert into events (record_id, record_type, action, actor, at, before, after, meta)
    select ${w.record.id}::uuid, ${w.record.type}::text, 'transition', ${w.actor}::text, ${w.at}::timestamptz, ${JSON.stringify(w.before)}::jsonb, ${JSON.stringify(w.after)}::jsonb,
      ${JSON.stringify(w.meta)}::jsonb || jsonb_build_object('historyId', opened.id::text)
    from opened returning meta->>'historyId' as history_id`.execute(tx);
  const historyId = result.rows[0]?.history_id;
  if (historyId === undefined) throw new Error(`record ${w.record.id} vanished while locked`);
  if (times && queue) {
    const db = kyselyExecutor(tx);
    await queue.send(QUEUES.sla, { historyId, kind: 'breach' } satisfies SlaJob, { db, id: stableUuid(`sla:${historyId}:breach`), startAfter: times.dueAt });
    if (times.warnAt) await queue.send(QUEUES.sla, { historyId, kind: 'warn' } satisfies SlaJob, { db, id: stableUuid(`sla:${historyId}:warn`), startAfter: times.warnAt });
  }
  return { historyId, dueAt: times?.dueAt ?? null };
}
