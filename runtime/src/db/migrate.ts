import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { initial } from './migrations/001-initial';
import { identity } from './migrations/002-identity';
import { processes } from './migrations/003-processes';
import { unloggedRateLimits } from './migrations/004-unlogged-rate-limits';
import { hotMoves } from './migrations/005-hot-moves';
import { boardColumns } from './migrations/006-board-columns';
import { dashboards } from './migrations/007-dashboards';

/** Migrations ship in code, so the runtime needs no migration folder at run time. */
const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-identity': identity,
  '003-processes': processes,
  '004-unlogged-rate-limits': unloggedRateLimits,
  '005-hot-moves': hotMoves,
  '006-board-columns': boardColumns,
  '007-dashboards': dashboards,
};

class CodeMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/**
 * Brings the schema to the latest migration (Kysely's Migrator, which takes a lock so two
 * processes starting together migrate once).
 *
 * @example
 * ```ts
 * await migrateToLatest(db);
 * ```
 */
export async function migrateToLatest(db: Kysely<unknown>, options: { schema?: string } = {}): Promise<string[]> {
  // Kysely looks for its migration tables in every schema unless told which one: name it, so
  // suites migrating side by side in their own schemas do not see each other's lock table.
  const migrator = new Migrator({ db, provider: new CodeMigrationProvider(), ...(options.schema ? { migrationTableSchema: options.schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
