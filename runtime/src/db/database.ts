import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock';
import { migrateToLatest } from './migrate';
import type { Database } from './tables';

export type Backend = 'pglite' | 'postgres';

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data folder; absent means in-memory (tests). */
  dataDir?: string;
  /** PostgreSQL schema to work in (created if missing); tests use one per suite. */
  schema?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  backend: Backend;
  /** The embedded instance, for libraries that need it directly (job queue). */
  pglite?: PGlite;
  /** The pool, for libraries that need it directly. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

/**
 * Opens the database and migrates it to the latest schema: PostgreSQL through `pg` when a URL is
 * given, otherwise PGlite in a data folder (or in memory).
 *
 * @example
 * ```ts
 * const { db, backend, close } = await openDatabase({ dataDir: '.pipewright-data/db' });
 * ```
 */
export async function openDatabase(options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  const handle = options.url ? await openPostgres(options.url, options) : await openPglite(options.dataDir);
  try {
    await migrateToLatest(handle.db as Kysely<unknown>, options.url && options.schema ? { schema: options.schema } : {});
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}

async function openPglite(dataDir: string | undefined): Promise<DatabaseHandle> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  try {
    // The database lives in a subfolder: PGlite wants a folder of its own, the lock sits beside it.
    const pglite = dataDir ? new PGlite(join(dataDir, 'pgdata')) : new PGlite();
    await pglite.waitReady;
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      backend: 'pglite',
      pglite,
      close: async () => {
        try {
          await db.destroy();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<DatabaseHandle> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name "${schema}"`);
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Queries report their own errors.
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    backend: 'postgres',
    pool,
    close: async () => {
      await db.destroy();
    },
  };
}

/**
 * Drops a PostgreSQL schema created for a test suite.
 *
 * @example
 * ```ts
 * await dropSchema(process.env.TEST_DATABASE_URL!, 'test_records_1');
 * ```
 */
export async function dropSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name "${schema}"`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await admin.end();
  }
}

/** `select 1`, for health checks. */
export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
