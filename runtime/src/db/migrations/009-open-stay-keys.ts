import { sql, type Kysely, type Migration } from 'kysely';
import { createIndexOnline, dropIndexOnline, type IndexMode } from '../online-index';

/**
 * A rep's or manager's board column at a million records (ADR 008, addendum): the open stays
 * carry a copy of their record's owner and org unit, so the column's page can be read from an
 * index filtered by what the principal may see instead of passing every open stay of the stage.
 *
 * - `stage_history.owner_id`, `stage_history.org_unit_id`: the record's owner and org unit
 *   while the stay is open, '' for none (as in `stage_counts`: stays written closed before have
 *   NULL, and with NULL for "none" PostgreSQL's statistics made records without owner look
 *   common, so it scanned a whole stage looking for them). Kept exact by the database, whichever code path writes:
 *   - `stage_history_open_keys` (before insert of an open stay that names neither) fills them
 *     from the record; the transition statement names them itself (from its update's result),
 *     so a move pays no trigger call;
 *   - `records_open_stay_keys` (after an update that changes a record's owner or org unit)
 *     copies them onto the record's open stay, in the writing transaction. Moves change neither,
 *     so they never fire it.
 *   A closed stay keeps the values it had when it closed (stays written closed have none); only
 *   open stays are read through them.
 * - `stage_history_open_owner`, `stage_history_open_unit`: the open stays by type, stage and
 *   owner (or org unit), newest entry first.
 *
 * The columns, triggers and backfill are one transaction (no stay is opened meanwhile without its
 * copy); the indexes are built online afterwards (`concurrently` on PostgreSQL).
 */
export function openStayKeys(mode: IndexMode): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.transaction().execute(async (trx) => {
        await sql`alter table stage_history add column if not exists owner_id text, add column if not exists org_unit_id text`.execute(trx);
        await sql`create or replace function stage_history_open_keys() returns trigger language plpgsql as $$
          begin
            select coalesce(r.owner_id, ''), coalesce(r.org_unit_id, '') into new.owner_id, new.org_unit_id from records r where r.id = new.record_id;
            return new;
          end $$`.execute(trx);
        await sql`drop trigger if exists stage_history_open_keys on stage_history`.execute(trx);
        await sql`create trigger stage_history_open_keys before insert on stage_history for each row
          when (new.exited_at is null and new.owner_id is null and new.org_unit_id is null)
          execute function stage_history_open_keys()`.execute(trx);
        await sql`create or replace function records_open_stay_keys() returns trigger language plpgsql as $$
          begin
            update stage_history set owner_id = coalesce(new.owner_id, ''), org_unit_id = coalesce(new.org_unit_id, '')
              where record_id = new.id and exited_at is null
                and (owner_id is distinct from coalesce(new.owner_id, '') or org_unit_id is distinct from coalesce(new.org_unit_id, ''));
            return null;
          end $$`.execute(trx);
        await sql`drop trigger if exists records_open_stay_keys on records`.execute(trx);
        await sql`create trigger records_open_stay_keys after update of owner_id, org_unit_id on records for each row
          when (old.owner_id is distinct from new.owner_id or old.org_unit_id is distinct from new.org_unit_id)
          execute function records_open_stay_keys()`.execute(trx);
        await sql`update stage_history s set owner_id = coalesce(r.owner_id, ''), org_unit_id = coalesce(r.org_unit_id, '') from records r
          where r.id = s.record_id and s.exited_at is null and (s.owner_id is distinct from coalesce(r.owner_id, '') or s.org_unit_id is distinct from coalesce(r.org_unit_id, ''))`.execute(trx);
      });
      await createIndexOnline(db, 'stage_history_open_owner', sql`stage_history (record_type, stage, owner_id, entered_at desc, record_id) where exited_at is null`, mode);
      await createIndexOnline(db, 'stage_history_open_unit', sql`stage_history (record_type, stage, org_unit_id, entered_at desc, record_id) where exited_at is null`, mode);
    },
    async down(db: Kysely<unknown>) {
      await dropIndexOnline(db, 'stage_history_open_unit', mode);
      await dropIndexOnline(db, 'stage_history_open_owner', mode);
      await db.transaction().execute(async (trx) => {
        await sql`drop trigger if exists records_open_stay_keys on records`.execute(trx);
        await sql`drop trigger if exists stage_history_open_keys on stage_history`.execute(trx);
        await sql`drop function if exists records_open_stay_keys()`.execute(trx);
        await sql`drop function if exists stage_history_open_keys()`.execute(trx);
        await sql`alter table stage_history drop column if exists owner_id, drop column if exists org_unit_id`.execute(trx);
      });
    },
  };
}
