import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Identity and access: user deactivation, sessions, hashed API tokens, record shares, the
 * shared rate-limit counters, and an audit `subject` on events for admin actions.
 */
export const identity: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('deactivated_at', 'timestamptz').execute();
    await db.schema.createIndex('users_org_unit').on('users').column('org_unit_id').execute();
    await db.schema.createIndex('org_units_parent').on('org_units').column('parent_id').execute();
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('scopes', 'jsonb', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz')
      .addColumn('revoked_at', 'timestamptz')
      .addColumn('last_used_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();
    await db.schema
      .createTable('record_shares')
      .addColumn('record_id', 'uuid', (c) => c.notNull().references('records.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('access', 'text', (c) => c.notNull().check(sql`access in ('read','edit')`))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('record_shares_pk', ['record_id', 'user_id'])
      .execute();
    await db.schema.createIndex('record_shares_user').on('record_shares').columns(['user_id', 'record_id']).execute();
    await db.schema
      .createTable('rate_limits')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('window_start', 'timestamptz', (c) => c.notNull())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('events').addColumn('subject', 'text').execute();
    await db.schema.createIndex('events_subject').on('events').columns(['subject', 'id']).execute();
    await db.schema.createIndex('events_at').on('events').columns(['at', 'id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('events_at').ifExists().execute();
    await db.schema.dropIndex('events_subject').ifExists().execute();
    await db.schema.alterTable('events').dropColumn('subject').execute();
    for (const t of ['rate_limits', 'record_shares', 'api_tokens', 'sessions']) await db.schema.dropTable(t).ifExists().execute();
    await db.schema.dropIndex('org_units_parent').ifExists().execute();
    await db.schema.dropIndex('users_org_unit').ifExists().execute();
    await db.schema.alterTable('users').dropColumn('deactivated_at').execute();
  },
};
