import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Approvals of record changes outside transitions (ADR 028, addendum): an `approval_requests` row
 * of `kind` 'edit' holds a merge patch of the body (`patch`), the version it was asked on, the
 * entity approval that applied (`rule`) and the changed fields' values before and after it
 * (`change`); it has no process, transition or target stage. The partial unique index of
 * migration 011 keeps one pending request per record, a move's or an edit's.
 */
export const editApprovals: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table approval_requests add column kind text not null default 'move' check (kind in ('move', 'edit'))`.execute(db);
    await sql`alter table approval_requests add column rule text`.execute(db);
    await sql`alter table approval_requests add column change jsonb`.execute(db);
    await sql`alter table approval_requests alter column process_id drop not null`.execute(db);
    await sql`alter table approval_requests alter column process_version drop not null`.execute(db);
    await sql`alter table approval_requests alter column to_stage drop not null`.execute(db);
    await sql`alter table approval_requests add constraint approval_requests_kind_shape check (kind = 'edit' or (process_id is not null and process_version is not null and to_stage is not null))`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`delete from approval_requests where kind = 'edit'`.execute(db);
    await sql`alter table approval_requests drop constraint approval_requests_kind_shape`.execute(db);
    await sql`alter table approval_requests alter column to_stage set not null`.execute(db);
    await sql`alter table approval_requests alter column process_version set not null`.execute(db);
    await sql`alter table approval_requests alter column process_id set not null`.execute(db);
    await sql`alter table approval_requests drop column change`.execute(db);
    await sql`alter table approval_requests drop column rule`.execute(db);
    await sql`alter table approval_requests drop column kind`.execute(db);
  },
};
