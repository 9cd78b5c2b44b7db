import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Processes: drafts and immutable published versions, the process and version each record is
 * on, stage history (entered/exited, actor, body snapshot, SLA deadline), idempotency keys,
 * action runs, notifications, incidents and SLA breaches.
 */
export const processes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('process_definitions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('entity', 'text', (c) => c.notNull())
      .addColumn('draft', 'jsonb', (c) => c.notNull())
      .addColumn('draft_revision', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('latest_version', 'integer')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('process_versions')
      .addColumn('process_id', 'text', (c) => c.notNull().references('process_definitions.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('definition', 'jsonb', (c) => c.notNull())
      .addColumn('published_at', 'timestamptz', (c) => c.notNull())
      .addColumn('published_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('process_versions_pk', ['process_id', 'version'])
      .execute();
    await sql`create function pipewright_versions_immutable() returns trigger language plpgsql as $$
      begin raise exception 'published process versions are immutable'; end $$`.execute(db);
    await sql`create trigger process_versions_immutable before update or delete on process_versions
      for each row execute function pipewright_versions_immutable()`.execute(db);
    await db.schema.alterTable('records').addColumn('process_id', 'text').addColumn('process_version', 'integer').execute();
    await db.schema.createIndex('records_process').on('records').columns(['process_id', 'process_version', 'stage']).execute();
    await db.schema
      .createTable('stage_history')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('record_id', 'uuid', (c) => c.notNull())
      .addColumn('record_type', 'text', (c) => c.notNull())
      .addColumn('process_id', 'text', (c) => c.notNull())
      .addColumn('process_version', 'integer', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('from_stage', 'text')
      .addColumn('transition_id', 'text')
      .addColumn('entered_at', 'timestamptz', (c) => c.notNull())
      .addColumn('entered_by', 'text', (c) => c.notNull())
      .addColumn('exited_at', 'timestamptz')
      .addColumn('exited_by', 'text')
      .addColumn('due_at', 'timestamptz')
      .addColumn('snapshot', 'jsonb', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('stage_history_record').on('stage_history').columns(['record_id', 'id']).execute();
    await db.schema.createIndex('stage_history_process_stage').on('stage_history').columns(['process_id', 'stage', 'entered_at']).execute();
    await sql`create unique index stage_history_one_open on stage_history (record_id) where exited_at is null`.execute(db);
    await db.schema
      .createTable('idempotency_keys')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('body', 'jsonb', (c) => c.notNull())
      .addColumn('headers', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
      .execute();
    await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').column('created_at').execute();
    await db.schema
      .createTable('action_runs')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('record_id', 'uuid')
      .addColumn('action_type', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('done','failed')`))
      .addColumn('result', 'jsonb')
      .addColumn('error', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('finished_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('action_runs_record').on('action_runs').column('record_id').execute();
    await db.schema
      .createTable('notifications')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('record_id', 'uuid')
      .addColumn('record_type', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text')
      .addColumn('data', 'jsonb')
      .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('read_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'created_at']).execute();
    await db.schema
      .createTable('incidents')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('record_id', 'uuid')
      .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('details', 'jsonb')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('resolved_at', 'timestamptz')
      .execute();
    await db.schema
      .createTable('sla_breaches')
      .addColumn('history_id', 'bigint', (c) => c.primaryKey())
      .addColumn('record_id', 'uuid', (c) => c.notNull())
      .addColumn('process_id', 'text', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('due_at', 'timestamptz', (c) => c.notNull())
      .addColumn('breached_at', 'timestamptz', (c) => c.notNull())
      .addColumn('escalated_to', 'jsonb', (c) => c.notNull())
      .addColumn('handled_by', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ['sla_breaches', 'incidents', 'notifications', 'action_runs', 'idempotency_keys', 'stage_history', 'process_versions', 'process_definitions']) await db.schema.dropTable(t).ifExists().execute();
    await sql`drop function if exists pipewright_versions_immutable()`.execute(db);
    await db.schema.dropIndex('records_process').ifExists().execute();
    await db.schema.alterTable('records').dropColumn('process_id').dropColumn('process_version').execute();
  },
};
