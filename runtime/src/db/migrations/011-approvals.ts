import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Approvals of stage moves (ADR 027): a move whose transition declares an `approval` that applies
 * is held as an `approval_requests` row until its approvers decide. At most one pending request
 * per record (a partial unique index: two moves asked for at once give one request).
 */
export const approvals: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table approval_requests (
        id uuid primary key,
        record_id uuid not null references records(id),
        record_type text not null,
        record_version integer not null,
        process_id text not null,
        process_version integer not null,
        transition_id text,
        from_stage text,
        to_stage text not null,
        patch jsonb,
        requester text not null,
        requester_user text,
        approvers jsonb not null,
        required integer not null,
        mode text not null default 'parallel' check (mode in ('parallel', 'sequential')),
        decisions jsonb not null default '[]'::jsonb,
        due_at timestamptz,
        escalate_role text,
        escalated_to jsonb not null default '[]'::jsonb,
        escalated_at timestamptz,
        status text not null default 'pending' check (status in ('pending', 'approving', 'approved', 'rejected', 'withdrawn', 'failed')),
        reason text,
        created_at timestamptz not null,
        decided_at timestamptz
      )`.execute(db);
    await sql`create unique index approval_requests_one_pending on approval_requests (record_id) where status in ('pending', 'approving')`.execute(db);
    await sql`create index approval_requests_approvers on approval_requests using gin (approvers) where status = 'pending'`.execute(db);
    await sql`create index approval_requests_due on approval_requests (due_at) where status = 'pending' and escalated_at is null`.execute(db);
    await sql`create index approval_requests_requester on approval_requests (requester_user, created_at desc)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table approval_requests`.execute(db);
  },
};
