import type { Kysely, Migration } from 'kysely';

/**
 * Dashboards: documents (dashboard.schema.json) with a revision for If-Match. Plugin defaults
 * are inserted once (`source` = `plugin:<id>`); a deleted dashboard keeps its row
 * (`deleted_at`), so a plugin's default that an admin deleted is not brought back on restart.
 */
export const dashboards: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('dashboards')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('document', 'jsonb', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'timestamptz')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('dashboards').ifExists().execute();
  },
};
