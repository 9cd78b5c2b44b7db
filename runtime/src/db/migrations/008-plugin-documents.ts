import type { Kysely, Migration } from 'kysely';

/**
 * The plugin documents (processes, entity definitions) the platform last saw at start, by
 * digest, so a start notices what a plugin changed since (runtime/src/plugins/changes.ts).
 */
export const pluginDocuments: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('plugin_documents')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('plugin', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('document', 'jsonb', (c) => c.notNull())
      .addColumn('seen_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('plugin_documents_pk', ['kind', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('plugin_documents').ifExists().execute();
  },
};
