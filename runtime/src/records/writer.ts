import { slaTimes, type CompiledProcess } from '@pipewright/core';
import { CompiledQuery, sql, type Insertable, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import { PREPARE_SQL } from '../db/database';
import type { Database, EventTable, RecordTable, StageHistoryTable } from '../db/tables';
import { QUEUES, type JobQueue, type StatementJob } from '../jobs/queue';
import { toView, type RecordView } from './view';

/*
 * The one writer of `records`, `events` and `stage_history` (ADR 016). No other source file
 * inserts, updates or deletes those tables (`runtime/test/one-writer.test.ts` scans for it).
 * Callers decide (validation, access, guards, plans); this module writes, and keeps the
 * invariants every write shares:
 * - a record is inserted at version 1, and every later write of it is a compare-and-set on the
 *   version it was read at that bumps the version by one (so a cached row is never wrong,
 *   ADR 007 decision 3);
 * - every record write appends its event (actor, before, after) in the same transaction or
 *   statement;
 * - a stay is opened in one way (`stayOf` + `insertStay`), with its SLA deadline and timers, and
 *   a record has at most one open stay.
 */

type Db = Kysely<Database> | Transaction<Database>;

/** Who a change is recorded as (the event `actor`): a user id or `system:<name>`. */
export interface Actor {
  id: string;
}

/** One event, as the callers describe it. */
export interface EventInput {
  record: { id: string; type: string } | null;
  /** The event's type when it is not about a record (`system.user`, `process`, `dashboard`). */
  recordType?: string;
  subject?: string;
  action: string;
  actor: Actor;
  at: Date;
  before: unknown;
  after: unknown;
  meta?: unknown;
}

const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

function eventRow(e: EventInput): Insertable<EventTable> {
  return { record_id: e.record?.id ?? null, record_type: e.record?.type ?? e.recordType ?? 'system', action: e.action, actor: e.actor.id, at: e.at, before: json(e.before), after: json(e.after), meta: e.meta === undefined ? null : JSON.stringify(e.meta), subject: e.subject ?? null };
}

/**
 * A single-row insert's text, written once: the query builder would build and compile the same
 * text on every record create (issue 12: about a tenth of the runtime's CPU for an unhooked
 * create went to Kysely). Columns are fixed; values are parameters, as the builder sends them.
 */
function insertText<T>(table: string, columns: readonly (keyof T & string)[], returning: string): string {
  return `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})${returning}`;
}

const EVENT_COLUMNS = ['record_id', 'record_type', 'action', 'actor', 'at', 'before', 'after', 'meta', 'subject'] as const satisfies readonly (keyof EventTable)[];
const INSERT_EVENT = insertText<EventTable>('events', EVENT_COLUMNS, '');
const RECORD_COLUMNS = ['id', 'type', 'owner_id', 'org_unit_id', 'stage', 'process_id', 'process_version', 'version', 'data', 'created_by', 'updated_by', 'created_at', 'updated_at'] as const satisfies readonly (keyof RecordTable)[];
const INSERT_RECORD = insertText<RecordTable>('records', RECORD_COLUMNS, ' returning *');

/** Runs a fixed insert text with its row's values in column order. */
async function insertRow<R>(db: Db, text: string, columns: readonly string[], row: Record<string, unknown>): Promise<R[]> {
  return (await db.executeQuery<R>(CompiledQuery.raw(text, columns.map((c) => row[c] ?? null)))).rows;
}

/**
 * Appends one event in the caller's transaction: for changes that are not record writes
 * (sign-ins, users, process definitions, dashboards, SLA breaches). Record writes append theirs
 * through the functions below.
 *
 * @example
 * ```ts
 * await appendEvent(tx, { record: null, recordType: 'process', subject: 'process:new_business', action: 'publish', actor, at: new Date(), before: null, after });
 * ```
 */
export async function appendEvent(db: Db, e: EventInput): Promise<void> {
  await insertRow(db, INSERT_EVENT, EVENT_COLUMNS, eventRow(e) as Record<string, unknown>);
}

// ---------------------------------------------------------------- stays

/** Where a stay starts: the record, its process version and stage, and who moved it there. */
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
}

/** A stay's row values and the SLA timers its opening schedules. */
export interface Stay {
  row: Omit<Insertable<StageHistoryTable>, 'snapshot'>;
  dueAt: Date | null;
  timers: StatementJob[];
}

/**
 * What opening a stay writes: the `stage_history` values (with the stage's SLA deadline) and the
 * SLA timer jobs (a warning when the stage has one, and the breach). The one definition of a
 * stay: creates, transitions, migrations and imports all take their stays from here.
 *
 * @example
 * ```ts
 * const { row, dueAt, timers } = stayOf({ record, process, processId, version, stage: 'proposal', from: 'engaging', transitionId: 'propose', at, actor });
 * ```
 */
export function stayOf(s: StayInput): Stay {
  const times = slaTimes(s.process.stages.get(s.stage)?.sla, s.at);
  const timers: StatementJob[] = [];
  if (times) {
    timers.push({ name: QUEUES.sla, data: { kind: 'breach' }, startAfter: times.dueAt });
    if (times.warnAt) timers.push({ name: QUEUES.sla, data: { kind: 'warn' }, startAfter: times.warnAt });
  }
  const row = { record_id: s.record.id, record_type: s.record.type, process_id: s.processId, process_version: s.version, stage: s.stage, from_stage: s.from, transition_id: s.transitionId, entered_at: s.at, entered_by: s.actor, due_at: times?.dueAt ?? null };
  return { row, dueAt: times?.dueAt ?? null, timers };
}

/**
 * The `insert` of an open stay, as a step of a statement: `snapshot` and `source` are SQL (e.g.
 * `upd.data`, ` from upd`). `keys`, when given, is the SQL of the record's owner and org unit
 * ('' for none) copied onto the open stay (migration 009); without it the fill trigger copies
 * them from the record.
 */
function insertStay(s: Stay['row'], snapshot: RawBuilder<unknown>, source: RawBuilder<unknown>, keys?: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`insert into stage_history (record_id, record_type, process_id, process_version, stage, from_stage, transition_id, entered_at, entered_by, due_at, snapshot${keys ? sql`, owner_id, org_unit_id` : sql``})
      select ${s.record_id}::uuid, ${s.record_type}::text, ${s.process_id}::text, ${s.process_version}::int, ${s.stage}::text, ${s.from_stage ?? null}::text, ${s.transition_id ?? null}::text, ${s.entered_at}::timestamptz,
        ${s.entered_by}::text, ${s.due_at ?? null}::timestamptz, ${snapshot}${keys ? sql`, ${keys}` : sql``}${source} returning id`;
}

/** `, jobs as (...)`: the jobs written by the statement, one per job for the `opened` stay. */
function enqueue(queue: JobQueue | null, jobs: readonly StatementJob[]): RawBuilder<unknown> {
  return queue && jobs.length > 0 ? sql`, jobs as (${queue.insertFrom('opened', jobs, sql`jsonb_build_object('historyId', opened.id::text)`)})` : sql``;
}

/**
 * Opens a stay (a `stage_history` row) with a snapshot of the body and, when the stage has an
 * SLA, its warning and breach timers, in one statement (inside the caller's transaction).
 *
 * @example
 * ```ts
 * const { id, dueAt } = await openStay(tx, queue, { record, process, processId, version, stage: 'proposal', from: 'engaging', transitionId: null, at, actor }, record.data);
 * ```
 */
export async function openStay(db: Db, queue: JobQueue | null, s: StayInput, snapshot: Record<string, unknown>): Promise<{ id: string; dueAt: Date | null }> {
  const stay = stayOf(s);
  const r = await sql<{ id: string }>`with opened as (${insertStay(stay.row, sql`${JSON.stringify(snapshot)}::jsonb`, sql``)})${enqueue(queue, stay.timers)} select id::text as id from opened`.execute(db);
  const id = r.rows[0]?.id;
  if (id === undefined) throw new Error(`stage_history: no stay opened for record ${s.record.id}`);
  return { id, dueAt: stay.dueAt };
}

async function closeStay(db: Db, recordId: string, at: Date, actor: string): Promise<void> {
  await db.updateTable('stage_history').set({ exited_at: at, exited_by: actor }).where('record_id', '=', recordId).where('exited_at', 'is', null).execute();
}

// ---------------------------------------------------------------- records

/** A new record, decided by the caller (validation, references, access, start stage). */
export interface NewRecord {
  id: string;
  type: string;
  owner: string | null;
  orgUnit: string | null;
  data: Record<string, unknown>;
  /** Where a stageful record starts; its first stay is opened (with SLA timers on `queue`). */
  start: { process: CompiledProcess; processId: string; version: number; stage: string; queue: JobQueue | null } | null;
}

/**
 * Inserts a record at version 1 with its `create` event and, when it starts in a stage, its first
 * stay, in the caller's transaction.
 *
 * @example
 * ```ts
 * const view = await insertRecord(tx, { id, type: 'acme.site', owner, orgUnit, data, start: null }, { actor, at: new Date() });
 * ```
 */
export async function insertRecord(tx: Transaction<Database>, r: NewRecord, o: { actor: Actor; at: Date }): Promise<RecordView> {
  const s = r.start;
  const [row] = await insertRow<Selectable<RecordTable>>(tx, INSERT_RECORD, RECORD_COLUMNS, { id: r.id, type: r.type, owner_id: r.owner, org_unit_id: r.orgUnit, stage: s?.stage ?? null, process_id: s?.processId ?? null, process_version: s?.version ?? null, version: 1, data: JSON.stringify(r.data), created_by: o.actor.id, updated_by: o.actor.id, created_at: o.at, updated_at: o.at });
  if (!row) throw new Error(`records: the insert of ${r.type} ${r.id} returned no row`);
  const view = toView(row);
  if (s) await openStay(tx, s.queue, { record: view, process: s.process, processId: s.processId, version: s.version, stage: s.stage, from: null, transitionId: null, at: o.at, actor: o.actor.id }, r.data);
  await appendEvent(tx, { record: view, action: 'create', actor: o.actor, at: o.at, before: null, after: view });
  return view;
}

/** What an update changes; members left out keep their value. */
export interface RecordChange {
  data?: Record<string, unknown>;
  owner?: string | null;
  orgUnit?: string | null;
  /** Soft delete (`true`) or restore (`false`). */
  deleted?: boolean;
}

/**
 * Writes a change of a record read at `current` as a compare-and-set: only if the record is still
 * at `current.version`, to version + 1, with the event (`before` is `current`, `after` the new
 * row). Returns null, having written nothing, when the record's version moved on.
 *
 * @example
 * ```ts
 * const done = await updateRecord(tx, current, { data }, { action: 'update', actor, at: new Date() });
 * if (!done) throw stale();
 * ```
 */
export async function updateRecord(tx: Transaction<Database>, current: Selectable<RecordTable>, change: RecordChange, o: { action: string; actor: Actor; at: Date; meta?: unknown }): Promise<{ before: RecordView; after: RecordView } | null> {
  const row = await tx
    .updateTable('records')
    .set({
      ...(change.data !== undefined ? { data: JSON.stringify(change.data) } : {}),
      ...(change.owner !== undefined ? { owner_id: change.owner } : {}),
      ...(change.orgUnit !== undefined ? { org_unit_id: change.orgUnit } : {}),
      ...(change.deleted !== undefined ? { deleted_at: change.deleted ? o.at : null } : {}),
      version: current.version + 1,
      updated_by: o.actor.id,
      updated_at: o.at,
    })
    .where('id', '=', current.id)
    .where('version', '=', current.version)
    .returningAll()
    .executeTakeFirst();
  if (!row) return null;
  const before = toView(current);
  const after = toView(row);
  await appendEvent(tx, { record: after, action: o.action, actor: o.actor, at: o.at, before, after, ...(o.meta === undefined ? {} : { meta: o.meta }) });
  return { before, after };
}

/**
 * Moves a record (read and locked at `current`) to another version of its process: stage and
 * process version set by compare-and-set, the open stay closed and a new one opened (with the
 * new stage's SLA timers) when the stage changes, and a `process.migrate` event.
 *
 * @example
 * ```ts
 * await migrateRecord(tx, queue, row, { process: v2, processId: 'new_business', version: 2, stage: 'engaging' }, { actor, at: new Date(), meta });
 * ```
 */
export async function migrateRecord(tx: Transaction<Database>, queue: JobQueue | null, current: Selectable<RecordTable>, to: { process: CompiledProcess; processId: string; version: number; stage: string }, o: { actor: Actor; at: Date; meta: unknown }): Promise<RecordView> {
  const row = await tx.updateTable('records').set({ stage: to.stage, process_id: to.processId, process_version: to.version, version: current.version + 1, updated_by: o.actor.id, updated_at: o.at }).where('id', '=', current.id).where('version', '=', current.version).returningAll().executeTakeFirst();
  if (!row) throw new Error(`record ${current.id} changed while locked for a migration`);
  const before = toView(current);
  const after = toView(row);
  if (to.stage !== current.stage) {
    await closeStay(tx, current.id, o.at, o.actor.id);
    await openStay(tx, queue, { record: after, process: to.process, processId: to.processId, version: to.version, stage: to.stage, from: current.stage, transitionId: null, at: o.at, actor: o.actor.id }, before.data);
  }
  await appendEvent(tx, { record: after, action: 'process.migrate', actor: o.actor, at: o.at, before, after, meta: o.meta });
  return after;
}

/** An imported record: like {@link NewRecord}, with the stage its process version was joined in. */
export interface ImportedRecord {
  id: string;
  owner: string | null;
  orgUnit: string | null;
  stage: string | null;
  data: Record<string, unknown>;
  /** Where the row came from (the CSV line), kept in the event's `meta.row`. */
  row: number;
}

const BATCH = 500;

/**
 * Inserts imported records of one entity at version 1, each with an `import` event, in batches
 * of 500, then their stays (`stays`, in batches of 1,000; no SLA timers: the stuck query reports
 * overdue stays), inside the caller's transaction. Returns the records written.
 *
 * @example
 * ```ts
 * await importRecords(tx, 'acme.site', rows, [], { importId, actor, at: new Date(), process: null });
 * ```
 */
export async function importRecords(
  tx: Transaction<Database>,
  type: string,
  records: readonly ImportedRecord[],
  stays: readonly Insertable<StageHistoryTable>[],
  o: { importId: string; actor: Actor; at: Date; process: { processId: string; version: number } | null; onProgress?: (done: number, total: number) => void },
): Promise<RecordView[]> {
  const views: RecordView[] = [];
  for (let i = 0; i < records.length; i += BATCH) {
    const batch = records.slice(i, i + BATCH);
    const values = batch.map((r) => ({ id: r.id, type, owner_id: r.owner, org_unit_id: r.orgUnit, stage: r.stage, process_id: o.process?.processId ?? null, process_version: o.process?.version ?? null, version: 1, data: JSON.stringify(r.data), created_by: o.actor.id, updated_by: o.actor.id, created_at: o.at, updated_at: o.at }));
    const inserted = await tx.insertInto('records').values(values).returningAll().execute();
    const rowOf = new Map(batch.map((r) => [r.id, r.row]));
    for (const rec of inserted) views.push(toView(rec));
    await tx
      .insertInto('events')
      .values(inserted.map((rec) => eventRow({ record: rec, action: 'import', actor: o.actor, at: o.at, before: null, after: toView(rec), meta: { importId: o.importId, row: rowOf.get(rec.id) } })))
      .execute();
    o.onProgress?.(Math.min(i + BATCH, records.length), records.length);
  }
  for (let i = 0; i < stays.length; i += 1000) await tx.insertInto('stage_history').values(stays.slice(i, i + 1000)).execute();
  return views;
}

// ---------------------------------------------------------------- transitions

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
 * record that had a stage but no history, a backfilled closed stay); the new stay (see
 * {@link stayOf}); the audit event; the action job and the stay's SLA timers on the job queue.
 * One statement is atomic on its own, so this needs no explicit transaction and costs one round
 * trip; inside a transaction it is part of it (ADR 007).
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
export async function writeTransition(db: Db, queue: JobQueue | null, w: TransitionWrite): Promise<{ historyId: string; dueAt: Date | null } | null> {
  const stay = stayOf({ record: w.record, process: w.process, processId: w.processId, version: w.version, stage: w.to, from: w.from, transitionId: w.transitionId, at: w.at, actor: w.actor });
  // An unchanged body is not written again: the row keeps its stored value, which keeps the
  // update eligible for PostgreSQL's in-place (HOT) path, and the statement parses one JSON less.
  const data = w.after.data === w.before.data ? null : JSON.stringify(w.after.data);
  const jobs: StatementJob[] = w.actionJob ? [{ name: QUEUES.actions, data: w.actionJob }, ...stay.timers] : stay.timers;
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
      ${insertStay(stay.row, sql`upd.data`, sql`
      from upd where (select count(*) from closed) + (select count(*) from backfill) >= 0`, sql`coalesce(upd.owner_id, ''), coalesce(upd.org_unit_id, '')`)}
    )${enqueue(queue, jobs)}
    insert into events (record_id, record_type, action, actor, at, before, after, meta)
    select ${w.record.id}::uuid, ${w.record.type}::text, 'transition', ${w.actor}::text, ${w.at}::timestamptz, ${JSON.stringify(w.before)}::jsonb, ${JSON.stringify(w.after)}::jsonb,
      ${JSON.stringify(w.meta)}::jsonb || jsonb_build_object('historyId', opened.id::text)
    from opened returning meta->>'historyId' as history_id`.execute(db);
  const historyId = result.rows[0]?.history_id;
  if (historyId === undefined) return null;
  return { historyId, dueAt: stay.dueAt };
}
