import { sql, type Kysely, type Migration } from 'kysely';
import { createIndexOnline, dropIndexOnline, replaceIndexOnline, type IndexMode } from '../online-index';

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
 *
 * `records` and `events` are the largest tables, so on PostgreSQL the indexes are rebuilt online
 * (ADR 008): the new index is built `concurrently` beside the old one, the old one dropped
 * concurrently, the new one renamed. The first version of this migration dropped and created
 * them in one transaction, which blocked every write to both tables for the length of the
 * builds; databases that ran that version already have exactly the indexes this one leaves.
 */
export function hotMoves(mode: IndexMode): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await dropIndexOnline(db, 'records_type_stage', mode);
      await replaceIndexOnline(db, 'records_process', sql`records (process_id, process_version)`, mode);
      // Takes a SHARE UPDATE EXCLUSIVE lock (writes go on) and rewrites nothing: new pages follow it.
      await sql`alter table records set (fillfactor = 85)`.execute(db);
      await replaceIndexOnline(db, 'events_subject', sql`events (subject, id) where subject is not null`, mode);
    },
    async down(db: Kysely<unknown>) {
      await replaceIndexOnline(db, 'events_subject', sql`events (subject, id)`, mode);
      await sql`alter table records reset (fillfactor)`.execute(db);
      await replaceIndexOnline(db, 'records_process', sql`records (process_id, process_version, stage)`, mode);
      await createIndexOnline(db, 'records_type_stage', sql`records (type, stage)`, mode);
    },
  };
}
