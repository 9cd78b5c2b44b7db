import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { startServerProcess, type RunningServer } from '../../bench/server-process';
import { sha256 } from '../../src/auth/secrets';

/** A throwaway PostgreSQL database, dropped by `drop()`. */
export interface Throwaway {
  url: string;
  query<T extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/**
 * Creates a fresh database next to the one in `base` (for tests that run real runtime processes,
 * which use the default schemas).
 *
 * @example
 * ```ts
 * const db = await throwawayDatabase(process.env.TEST_DATABASE_URL!);
 * ```
 */
export async function throwawayDatabase(base: string): Promise<Throwaway> {
  const name = `pw_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  pool.on('error', () => {});
  return {
    url: url.toString(),
    query: async (text, values) => (await pool.query(text, values)).rows,
    async drop() {
      await pool.end();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Starts `runtime/src/main.ts` on the database with workers and short job timings. */
export function startRuntime(url: string, env: Record<string, string> = {}): Promise<RunningServer> {
  return startServerProcess({
    DATABASE_URL: url,
    PORT: '0',
    PIPEWRIGHT_DEMO: 'false',
    PIPEWRIGHT_RATE_LIMIT: '1000000000',
    PIPEWRIGHT_JOB_POLL_SECONDS: '0.5',
    PIPEWRIGHT_JOB_EXPIRE_SECONDS: '4',
    PIPEWRIGHT_JOB_MAINTENANCE_SECONDS: '1',
    PIPEWRIGHT_JOB_RETRY_DELAY_SECONDS: '1',
    ...env,
  }, 60_000);
}

/**
 * Seeds an org unit, an admin with a bearer token, a manager and a rep; returns the token.
 *
 * @example
 * ```ts
 * const token = await seedAccess(db);
 * ```
 */
export async function seedAccess(db: Throwaway): Promise<string> {
  const token = `pwt_${randomBytes(24).toString('hex')}`;
  await db.query(`insert into org_units (id, name, kind, parent_id) values ('unit', 'Unit', 'team', null)`);
  await db.query(`insert into users (id, name, email, org_unit_id, roles) values
    ('adm', 'Admin', 'adm@t.dev', 'unit', '["admin"]'), ('mgr', 'Manager', 'mgr@t.dev', 'unit', '["manager"]'), ('rep', 'Rep', 'rep@t.dev', 'unit', '["rep"]')`);
  await db.query(`insert into api_tokens (id, user_id, name, scopes, token_hash, created_by, created_at) values ($1, 'adm', 'test', '["read","write","import","admin"]', $2, 'system:test', now())`, [crypto.randomUUID(), sha256(token)]);
  return token;
}

/** fetch with the bearer token and JSON. */
export function client(base: string, token: string) {
  return (path: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(base + path, { method: init.method ?? 'GET', headers: { authorization: `Bearer ${token}`, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers }, ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}) });
}

/** What {@link childRuntimes} opened: the database, its first runtime and the admin token. */
export interface OpenedRuntimes {
  db: Throwaway;
  first: RunningServer;
  token: string;
}

/**
 * A throwaway database and the runtime processes a test file starts on it: `open()` creates the
 * database, starts the first runtime and seeds access; `start()` starts more (after a kill, or a
 * second process). After the file every process still running is killed and the database dropped.
 *
 * @example
 * ```ts
 * const runtimes = childRuntimes(process.env.TEST_DATABASE_URL!);
 * const { db, first, token } = await runtimes.open();
 * const second = await runtimes.start();
 * ```
 */
export function childRuntimes(base: string): { open(): Promise<OpenedRuntimes>; start(env?: Record<string, string>): Promise<RunningServer> } {
  let db: Throwaway | undefined;
  const servers: RunningServer[] = [];
  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await db?.drop();
  });
  const start = async (env: Record<string, string> = {}) => {
    if (!db) throw new Error('childRuntimes: open() first');
    const server = await startRuntime(db.url, env);
    servers.push(server);
    return server;
  };
  return {
    async open() {
      db = await throwawayDatabase(base);
      const first = await start();
      return { db, first, token: await seedAccess(db) };
    },
    start,
  };
}
