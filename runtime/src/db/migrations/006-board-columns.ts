import { sql, type Kysely, type Migration } from 'kysely';

/**
 * A board column (the records of one stage, most recently entered first, and their count) at a
 * million records, without an index on `records.stage` (moves stay HOT updates, ADR 007):
 *
 * - `stage_history_open`: the open stays by type and stage, newest first. Every move already
 *   inserts a stay and closes one (and `stage_history_one_open` already indexes open stays), so
 *   this adds one index entry per move and no write to `records`' indexes.
 * - `stage_counts`: live records per type, stage, org unit and owner, kept by triggers on
 *   `records` in the writing transaction (so exact under concurrent writes: the counter row is
 *   locked until commit). Only changes of stage, owner, org unit, deletion or type touch it.
 */
export const boardColumns: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create index stage_history_open on stage_history (record_type, stage, entered_at desc, record_id) where exited_at is null`.execute(db);
    await sql`create table stage_counts (
      record_type text not null,
      stage text not null,
      org_unit_id text not null,
      owner_id text not null,
      n bigint not null,
      primary key (record_type, stage, org_unit_id, owner_id)
    )`.execute(db);
    await sql`create function stage_counts_track() returns trigger language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') and old.stage is not null and old.deleted_at is null then
          insert into stage_counts as c values (old.type, old.stage, coalesce(old.org_unit_id, ''), coalesce(old.owner_id, ''), -1)
          on conflict (record_type, stage, org_unit_id, owner_id) do update set n = c.n - 1;
        end if;
        if tg_op in ('INSERT', 'UPDATE') and new.stage is not null and new.deleted_at is null then
          insert into stage_counts as c values (new.type, new.stage, coalesce(new.org_unit_id, ''), coalesce(new.owner_id, ''), 1)
          on conflict (record_type, stage, org_unit_id, owner_id) do update set n = c.n + 1;
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
  },
  async down(db: Kysely<unknown>) {
    await sql`drop trigger if exists records_stage_counts_insert on records`.execute(db);
    await sql`drop trigger if exists records_stage_counts_update on records`.execute(db);
    await sql`drop trigger if exists records_stage_counts_delete on records`.execute(db);
    await sql`drop function if exists stage_counts_track()`.execute(db);
    await sql`drop table if exists stage_counts`.execute(db);
    await sql`drop index if exists stage_history_open`.execute(db);
  },
};
