import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Moves are the hottest write of the platform (ADR 007). PostgreSQL can update a row in place
 * (a HOT update: no new entry in any index) only when no indexed column changes and the page has
 * room. A move changes `stage`, so while `stage` was indexed every move wrote a new entry into
 * every index of the record's type: the base indexes and each expression index of the entity.
 *
 * - `records_type_stage` is dropped: a stage filter is answered from the type's other indexes
 *   and a filter on the rows (stage has a handful of values, so the index was rarely selective);
 *   ADR 007 has the measurements of both sides.
 * - `records_process` keeps (process_id, process_version), which change only when a record
 *   enters a process or is migrated, without `stage`.
 * - `records` pages keep 15% free (fillfactor 85) so an updated row fits beside the old one.
 * - `events_subject` only indexes events that have a subject (identity and admin actions); record
 *   events, the bulk of the log, no longer write an entry into it.
 */
export const hotMoves: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`drop index if exists records_type_stage`.execute(db);
    await sql`drop index if exists records_process`.execute(db);
    await sql`create index records_process on records (process_id, process_version)`.execute(db);
    await sql`alter table records set (fillfactor = 85)`.execute(db);
    await sql`drop index if exists events_subject`.execute(db);
    await sql`create index events_subject on events (subject, id) where subject is not null`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop index if exists events_subject`.execute(db);
    await sql`create index events_subject on events (subject, id)`.execute(db);
    await sql`alter table records reset (fillfactor)`.execute(db);
    await sql`drop index if exists records_process`.execute(db);
    await sql`create index records_process on records (process_id, process_version, stage)`.execute(db);
    await sql`create index records_type_stage on records (type, stage)`.execute(db);
  },
};
