import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, sql, type PostgresPool, type PostgresPoolClient } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock';
import { SearchPathPostgresDialect } from './introspector';
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
  /** Migrations this process applied when it opened the database (empty when another process had). */
  migrated: string[];
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
    handle.migrated = await migrateToLatest(handle.db as Kysely<unknown>, { concurrent: handle.backend === 'postgres', ...(options.url && options.schema ? { schema: options.schema } : {}) });
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
    // pg_trgm (trigram similarity, `db/trigram.ts`) ships with PGlite as a contrib extension to load.
    const extensions = { pg_trgm };
    const pglite = dataDir ? new PGlite(join(dataDir, 'pgdata'), { extensions }) : new PGlite({ extensions });
    await pglite.waitReady;
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      backend: 'pglite',
      pglite,
      migrated: [],
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
    } catch (err) {
      // Two processes creating it at once: one of them wins, which is all this needs.
      if ((err as { code?: string }).code !== '23505') throw err;
    } finally {
      await admin.end();
    }
  }
  // JIT off: PostgreSQL compiles a query once its estimated cost passes jit_above_cost, in the
  // leader and in every parallel worker; for the metric scans (a second or less) that compilation
  // cost more than it saved (ADR 008), and the runtime's other statements are short.
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    options: `-c jit=off${schema ? ` -c search_path=${schema}` : ''}`,
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Queries report their own errors.
  });
  const db = new Kysely<Database>({ dialect: new SearchPathPostgresDialect({ pool: preparingPool(pool) }) });
  return {
    db,
    backend: 'postgres',
    pool,
    migrated: [],
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

/**
 * Marks a statement to be prepared once per connection (a named statement) instead of parsed
 * and planned on every execution: put it at the start of raw SQL (`sql\`${PREPARE}with ...\``)
 * or, for the query builder, as a front modifier (`.modifyFront(PREPARE_SQL)`). For hot
 * statements whose text is fixed (the transition's read and write): parsing and planning a
 * wide CTE costs PostgreSQL more than executing it. PGlite ignores it (a comment).
 */
export const PREPARE = '/*prepare*/';
/** {@link PREPARE} as a Kysely raw fragment. */
export const PREPARE_SQL = sql.raw(PREPARE);

const statementNames = new Map<string, string>();
/** Bumped when PostgreSQL refuses a prepared statement after a schema change (see below). */
let generation = 0;

/** Name of a prepared statement: stable for its text, so every connection prepares it once. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `pw_${generation}_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (statementNames.size >= 1000) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

/**
 * The pool as Kysely sees it: statements carrying {@link PREPARE} near their start run as
 * named statements (pg prepares each once per connection and reuses it); everything else is
 * unchanged.
 */
function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    async connect() {
      const client = await pool.connect();
      // A connection the server ends while it is checked out (a restart: "terminating connection
      // due to administrator command") emits 'error' on the client, and an 'error' event without
      // a listener ends the process. Note it; the query in flight fails on its own, and the
      // client is discarded on release instead of going back to the pool.
      let broken: Error | undefined;
      const onError = (err: Error) => {
        broken = err;
      };
      client.on('error', onError);
      const query = (text: unknown, values?: readonly unknown[]) => {
        if (typeof text === 'string') {
          const at = text.indexOf(PREPARE);
          if (at >= 0 && at < 64) {
            return client.query({ name: statementName(text), text, values: values as unknown[] }).catch((err: { code?: string; message?: string }) => {
              // Another process changed a table's columns: a prepared `select *` now has the
              // wrong result type and PostgreSQL refuses it on this connection for good.
              // Prepare it again under new names (the old ones die with their connections).
              if (err.code !== '0A000' || !/cached plan must not change result type/.test(err.message ?? '')) throw err;
              generation++;
              statementNames.clear();
              return client.query({ name: statementName(text), text, values: values as unknown[] });
            });
          }
          return client.query(text, values as unknown[]);
        }
        return client.query(text as pg.Submittable);
      };
      const release = (err?: Error) => {
        client.off('error', onError);
        client.release(err ?? broken);
      };
      return { query, release } as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}
