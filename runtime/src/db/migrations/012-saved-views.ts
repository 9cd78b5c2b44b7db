import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Saved views (ADR 030): a user's named sets of filters of one screen (`scope`, e.g. a board of
 * an entity), kept on the server so they follow the user between browsers and devices. One name
 * per user and scope.
 */
export const savedViews: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table saved_views (
        id uuid primary key,
        user_id text not null references users(id) on delete cascade,
        scope text not null,
        name text not null,
        params jsonb not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`.execute(db);
    await sql`create unique index saved_views_name on saved_views (user_id, scope, name)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table saved_views`.execute(db);
  },
};
