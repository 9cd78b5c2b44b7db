import { sql, type Kysely, type Migration } from 'kysely';
import { createIndexOnline, dropIndexOnline, type IndexMode } from '../online-index';

/**
 * A board column (the records of one stage, most recently entered first, and their count) at a
 * million records, without an index on `records.stage` (moves stay HOT updates, ADR 007):
 *
 * - `stage_history_open`: the open stays by type and stage, newest first. Every move already
 *   inserts a stay and closes one (and `stage_history_one_open` already indexes open stays), so
 *   this adds one index entry per move and no write to `records`' indexes.
 * - `stage_counts` + `stage_count_deltas`: live records per type, stage, org unit and owner.
 *   A row trigger on `records` appends one delta row (old key out, new key in) whenever stage,
 *   owner, org unit, deletion or type change, in the writing transaction; an unindexed insert,
 *   so concurrent moves never wait for each other (a counter row updated in place would
 *   serialise every move of one owner and stage, and deadlock moves in opposite directions).
 *   Compaction folds deltas into `stage_counts` in one statement (ADR 008); a count reads both.
 *
 * `stage_history` is large, so its index is built online (`concurrently` on PostgreSQL, outside
 * any transaction, repairable if interrupted); the tables, trigger and first counts are made in
 * one transaction, so a count never sees a half-installed trigger.
 */
export function boardColumns(mode: IndexMode): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await createIndexOnline(db, 'stage_history_open', sql`stage_history (record_type, stage, entered_at desc, record_id) where exited_at is null`, mode);
      await db.transaction().execute((trx) => counters(trx));
    },
    async down(db: Kysely<unknown>) {
      await db.transaction().execute(async (trx) => {
        await sql`drop trigger if exists records_stage_counts_insert on records`.execute(trx);
        await sql`drop trigger if exists records_stage_counts_update on records`.execute(trx);
        await sql`drop trigger if exists records_stage_counts_delete on records`.execute(trx);
        await sql`drop function if exists stage_counts_track()`.execute(trx);
        await sql`drop table if exists stage_count_deltas`.execute(trx);
        await sql`drop table if exists stage_counts`.execute(trx);
      });
      await dropIndexOnline(db, 'stage_history_open', mode);
    },
  };
}

async function counters(db: Kysely<unknown>): Promise<void> {
  await sql`create table stage_counts (
    record_type text not null,
    stage text not null,
    org_unit_id text not null,
    owner_id text not null,
    n bigint not null,
    primary key (record_type, stage, org_unit_id, owner_id)
  )`.execute(db);
  await sql`create table stage_count_deltas (
    record_type text not null,
    old_stage text, old_org_unit_id text, old_owner_id text,
    new_stage text, new_org_unit_id text, new_owner_id text
  )`.execute(db);
  await sql`create function stage_counts_track() returns trigger language plpgsql as $$
    declare
      counted_before boolean := tg_op <> 'INSERT' and old.stage is not null and old.deleted_at is null;
      counted_after boolean := tg_op <> 'DELETE' and new.stage is not null and new.deleted_at is null;
    begin
      if counted_before or counted_after then
        insert into stage_count_deltas values (
          case when tg_op = 'DELETE' then old.type else new.type end,
          case when counted_before then old.stage end, case when counted_before then coalesce(old.org_unit_id, '') end, case when counted_before then coalesce(old.owner_id, '') end,
          case when counted_after then new.stage end, case when counted_after then coalesce(new.org_unit_id, '') end, case when counted_after then coalesce(new.owner_id, '') end);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger records_stage_counts_insert after insert on records for each row when (new.stage is not null) execute function stage_counts_track()`.execute(db);
  await sql`create trigger records_stage_counts_update after update of stage, owner_id, org_unit_id, deleted_at, type on records for each row
    when (old.stage is distinct from new.stage or old.owner_id is distinct from new.owner_id or old.org_unit_id is distinct from new.org_unit_id
      or (old.deleted_at is null) <> (new.deleted_at is null) or old.type <> new.type)
    execute function stage_counts_track()`.execute(db);
  await sql`create trigger records_stage_counts_delete after delete on records for each row when (old.stage is not null) execute function stage_counts_track()`.execute(db);
  await sql`insert into stage_counts select type, stage, coalesce(org_unit_id, ''), coalesce(owner_id, ''), count(*) from records where stage is not null and deleted_at is null group by 1, 2, 3, 4`.execute(db);
}
