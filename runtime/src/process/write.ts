import { slaTimes, type CompiledProcess } from '@pipewright/core';
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { PREPARE_SQL } from '../db/database';
import type { Database } from '../db/tables';
import { QUEUES, type JobQueue, type StatementJob } from '../jobs/queue';
import type { RecordView } from '../records/view';

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
  /**
   * Payload of the transition's action job (without `historyId`, which the statement adds), or
   * null when the transition has no actions.
   */
  actionJob: Record<string, unknown> | null;
  /**
   * Extra condition on the record row (SQL over `records`), e.g. that the principal may still
   * see and change it when the caller decided on a cached copy instead of reading it.
   */
  condition?: RawBuilder<boolean> | null;
}

/**
 * Writes a transition as one SQL statement: the record's new stage, body and version (only if
 * the record is still at `before.version` and not deleted); the open stay closed (or, for a
 * record that had a stage but no history, a backfilled closed stay); the new stay, carrying the
 * record's owner and org unit (the board's per-owner and per-unit indexes, migration 009); the
 * audit event; the action job and the stay's SLA timers on the job queue. One statement is atomic on
 * its own, so this needs no explicit transaction and costs one round trip; inside a
 * transaction it is part of it.
 *
 * Concurrency: the version condition makes the statement a compare-and-set. A concurrent
 * transition of the same record waits for the row lock, then finds the version changed and
 * writes nothing (the caller answers 412). Nothing else is written unless the record update
 * happened: every other step reads from the update's result.
 *
 * Returns the new stay's id and SLA deadline, or null when the record was not at the expected
 * version (or is gone).
 *
 * @example
 * ```ts
 * const stay = await writeTransition(db, queue, { record, before, after, process, processId, version, from, to, transitionId, actor, at, meta, actionJob });
 * if (!stay) throw staleOrGone();
 * ```
 */
export async function writeTransition(db: Kysely<Database> | Transaction<Database>, queue: JobQueue | null, w: TransitionWrite): Promise<{ historyId: string; dueAt: Date | null } | null> {
  const times = slaTimes(w.process.stages.get(w.to)?.sla, w.at);
  // An unchanged body is not written again: the row keeps its stored value, which keeps the
  // update eligible for PostgreSQL's in-place (HOT) path, and the statement parses one JSON less.
  const data = w.after.data === w.before.data ? null : JSON.stringify(w.after.data);
  const jobs: StatementJob[] = [];
  if (w.actionJob) jobs.push({ name: QUEUES.actions, data: w.actionJob });
  if (times) {
    jobs.push({ name: QUEUES.sla, data: { kind: 'breach' }, startAfter: times.dueAt });
    if (times.warnAt) jobs.push({ name: QUEUES.sla, data: { kind: 'warn' }, startAfter: times.warnAt });
  }
  const enqueue = queue && jobs.length > 0 ? sql`, jobs as (${queue.insertFrom('opened', jobs, sql`jsonb_build_object('historyId', opened.id::text)`)})` : sql``;
  const result = await sql<{ history_id: string }>`${PREPARE_SQL}
    with upd as (
      update records set stage = ${w.to}::text, data = coalesce(${data}::jsonb, data), version = ${w.after.version}::int, updated_by = ${w.actor}::text, updated_at = ${w.at}::timestamptz,
        process_id = ${w.processId}::text, process_version = ${w.version}::int
      where id = ${w.record.id}::uuid and version = ${w.before.version}::int and deleted_at is null${w.condition ? sql` and ${w.condition}` : sql``} returning id, data, owner_id, org_unit_id
    ),
    closed as (
      update stage_history set exited_at = ${w.at}::timestamptz, exited_by = ${w.actor}::text
      where record_id = ${w.record.id}::uuid and exited_at is null and exists (select 1 from upd) returning id
    ),
    backfill as (
      insert into stage_history (record_id, record_type, process_id, process_version, stage, from_stage, transition_id, entered_at, entered_by, exited_at, exited_by, snapshot)
      select ${w.record.id}::uuid, ${w.record.type}::text, ${w.processId}::text, ${w.version}::int, ${w.from}::text, null, null, ${w.record.createdAt}::timestamptz, ${w.record.createdBy}::text,
        ${w.at}::timestamptz, ${w.actor}::text, ${w.from === null ? null : JSON.stringify(w.before.data)}::jsonb
      from upd where ${w.from !== null}::boolean and not exists (select 1 from closed) returning id
    ),
    opened as (
      insert into stage_history (record_id, record_type, process_id, process_version, stage, from_stage, transition_id, entered_at, entered_by, due_at, snapshot, owner_id, org_unit_id)
      select ${w.record.id}::uuid, ${w.record.type}::text, ${w.processId}::text, ${w.version}::int, ${w.to}::text, ${w.from}::text, ${w.transitionId}::text, ${w.at}::timestamptz,
        ${w.actor}::text, ${times?.dueAt ?? null}::timestamptz, upd.data, coalesce(upd.owner_id, ''), coalesce(upd.org_unit_id, '')
      from upd where (select count(*) from closed) + (select count(*) from backfill) >= 0 returning id
    )${enqueue}
    insert into events (record_id, record_type, action, actor, at, before, after, meta)
    select ${w.record.id}::uuid, ${w.record.type}::text, 'transition', ${w.actor}::text, ${w.at}::timestamptz, ${JSON.stringify(w.before)}::jsonb, ${JSON.stringify(w.after)}::jsonb,
      ${JSON.stringify(w.meta)}::jsonb || jsonb_build_object('historyId', opened.id::text)
    from opened returning meta->>'historyId' as history_id`.execute(db);
  const historyId = result.rows[0]?.history_id;
  if (historyId === undefined) return null;
  return { historyId, dueAt: times?.dueAt ?? null };
}
