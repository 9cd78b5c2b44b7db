import { sql, type Kysely, type Migration } from 'kysely';

/** Org tree, users, records with jsonb bodies, append-only events and import reports. */
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('org_units')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('company','region','team')`))
      .addColumn('parent_id', 'text', (c) => c.references('org_units.id'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('org_unit_id', 'text', (c) => c.references('org_units.id'))
      .addColumn('roles', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
      .addColumn('password_hash', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema
      .createTable('records')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.references('users.id'))
      .addColumn('org_unit_id', 'text', (c) => c.references('org_units.id'))
      .addColumn('stage', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('data', 'jsonb', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addColumn('deleted_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('records_type_created').on('records').columns(['type', 'created_at', 'id']).execute();
    await db.schema.createIndex('records_type_owner').on('records').columns(['type', 'owner_id']).execute();
    await db.schema.createIndex('records_type_org_unit').on('records').columns(['type', 'org_unit_id']).execute();
    await db.schema.createIndex('records_type_stage').on('records').columns(['type', 'stage']).execute();
    await db.schema
      .createTable('events')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('record_id', 'uuid')
      .addColumn('record_type', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'timestamptz', (c) => c.notNull())
      .addColumn('before', 'jsonb')
      .addColumn('after', 'jsonb')
      .addColumn('meta', 'jsonb')
      .execute();
    await db.schema.createIndex('events_record').on('events').columns(['record_id', 'id']).execute();
    await db.schema.createIndex('events_actor_at').on('events').columns(['actor', 'at']).execute();
    await db.schema
      .createTable('imports')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('entity', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text')
      .addColumn('total_rows', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('imported_rows', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('rejected_rows', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('report', 'jsonb')
      .addColumn('started_at', 'timestamptz', (c) => c.notNull())
      .addColumn('finished_at', 'timestamptz')
      .execute();
    // The event log is append-only: no API may alter or delete it, and neither may SQL.
    await sql`create function pipewright_events_append_only() returns trigger language plpgsql as $$
      begin raise exception 'events are append-only'; end $$`.execute(db);
    await sql`create trigger events_append_only before update or delete on events
      for each row execute function pipewright_events_append_only()`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    for (const t of ['imports', 'events', 'records', 'users', 'org_units']) await db.schema.dropTable(t).ifExists().execute();
    await sql`drop function if exists pipewright_events_append_only()`.execute(db);
  },
};
