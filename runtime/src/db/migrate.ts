import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { initial } from './migrations/001-initial';
import { identity } from './migrations/002-identity';
import { processes } from './migrations/003-processes';
import { unloggedRateLimits } from './migrations/004-unlogged-rate-limits';
import { hotMoves } from './migrations/005-hot-moves';
import { boardColumns } from './migrations/006-board-columns';
import { dashboards } from './migrations/007-dashboards';
import { pluginDocuments } from './migrations/008-plugin-documents';
import { openStayKeys } from './migrations/009-open-stay-keys';
import { trigram } from './migrations/010-trigram';
import { approvals } from './migrations/011-approvals';
import { savedViews } from './migrations/012-saved-views';
import { ruleLibrary } from './migrations/013-rule-library';
import { editApprovals } from './migrations/014-edit-approvals';
import type { IndexMode } from './online-index';

/**
 * Runs a migration in one transaction of its own: all or nothing. Migrations that change
 * indexes of large tables online (`create index concurrently`) cannot run in a transaction and
 * are written to be safe to run again instead.
 */
function transactional(m: Migration): Migration {
  return {
    up: (db) => db.transaction().execute((trx) => m.up(trx)),
    ...(m.down ? { down: (db: Kysely<unknown>) => db.transaction().execute((trx) => (m.down as (d: Kysely<unknown>) => Promise<void>)(trx)) } : {}),
  };
}

/** The migrations, in order. Migrations ship in code, so the runtime needs no folder at run time. */
export function migrations(mode: IndexMode): Record<string, Migration> {
  return {
    '001-initial': transactional(initial),
    '002-identity': transactional(identity),
    '003-processes': transactional(processes),
    '004-unlogged-rate-limits': transactional(unloggedRateLimits),
    '005-hot-moves': hotMoves(mode),
    '006-board-columns': boardColumns(mode),
    '007-dashboards': transactional(dashboards),
    '008-plugin-documents': transactional(pluginDocuments),
    '009-open-stay-keys': openStayKeys(mode),
    '010-trigram': trigram,
    '011-approvals': transactional(approvals),
    '012-saved-views': transactional(savedViews),
    '013-rule-library': transactional(ruleLibrary),
    '014-edit-approvals': transactional(editApprovals),
  };
}

/** The name of the newest migration this code knows (readiness checks compare it with the database). */
export const LATEST_MIGRATION = Object.keys(migrations({ concurrent: false })).sort().at(-1) as string;

export interface MigrateOptions {
  /** PostgreSQL schema of the platform (tests use one per suite); its migration lock is its own. */
  schema?: string;
  /** Build and drop indexes of large tables concurrently (PostgreSQL); default false. */
  concurrent?: boolean;
}

/**
 * Brings the schema to the latest migration. Only one process migrates at a time: Kysely's
 * Migrator holds a session-level advisory lock of the schema for the whole run (taken without
 * blocking, see `migration-lock.ts`), and a process that finds the lock taken waits and then
 * finds nothing left to do. Each migration runs in its own transaction unless it changes large
 * tables' indexes online.
 *
 * @example
 * ```ts
 * await migrateToLatest(db, { concurrent: true });
 * ```
 */
export async function migrateToLatest(db: Kysely<unknown>, options: MigrateOptions = {}): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations({ concurrent: options.concurrent ?? false }) };
  // Kysely looks for its migration tables in every schema unless told which one: name it, so
  // suites migrating side by side in their own schemas do not see each other's lock table.
  const migrator = new Migrator({ db, provider, disableTransactions: true, ...(options.schema ? { migrationTableSchema: options.schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
