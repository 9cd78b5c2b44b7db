import { PostgresAdapter, sql, type Kysely, type MigrationLockOptions } from 'kysely';

/** How long a process waits for another one's migration before giving up (1 hour, as Kysely). */
const LOCK_WAIT_MS = 60 * 60 * 1000;
/** Pause between two attempts to take the lock. */
const LOCK_POLL_MS = 200;

/**
 * The advisory lock key of a schema's migrations: one per PostgreSQL schema, so test suites
 * migrating their own schemas side by side do not wait on each other, while every runtime of
 * one deployment takes the same lock.
 */
function lockKey(schema: string | undefined) {
  return sql`hashtextextended(${`pipewright.migrate:${schema ?? ''}`} || current_schema(), 0)`;
}

/**
 * Takes the schema's migration lock on the connection `db` is bound to (a session-level
 * advisory lock, held until {@link releaseSchemaLock} or the connection ends).
 *
 * The lock is taken with `pg_try_advisory_lock` in a bounded poll loop, never with the blocking
 * `pg_advisory_lock`: a process blocked in `pg_advisory_lock` holds a snapshot for as long as
 * it waits, and `create index concurrently` (run by the lock holder) waits for every older
 * snapshot in the database to go away, so the two would deadlock. Between polls a waiting
 * process holds nothing.
 *
 * @example
 * ```ts
 * await db.connection().execute(async (conn) => {
 *   await acquireSchemaLock(conn, 'public');
 *   try { await work(conn); } finally { await releaseSchemaLock(conn, 'public'); }
 * });
 * ```
 */
export async function acquireSchemaLock(db: Kysely<unknown>, schema: string | undefined, log?: (line: string) => void): Promise<void> {
  const started = Date.now();
  let toldAt = started;
  for (let attempt = 0; ; attempt++) {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${lockKey(schema)}) as locked`.execute(db);
    if (rows[0]?.locked) return;
    const waited = Date.now() - started;
    if (waited > LOCK_WAIT_MS) throw new Error(`Gave up waiting for another process's database migration after ${Math.round(waited / 1000)} s (attempt ${attempt + 1}).`);
    if (log && Date.now() - toldAt >= 10_000) {
      toldAt = Date.now();
      log(`Waiting for another process to finish migrating the database (${Math.round(waited / 1000)} s so far)`);
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

/** Releases the lock {@link acquireSchemaLock} took on this connection. */
export async function releaseSchemaLock(db: Kysely<unknown>, schema: string | undefined): Promise<void> {
  await sql`select pg_advisory_unlock(${lockKey(schema)})`.execute(db);
}

/**
 * Runs `fn` on one connection while holding the schema's migration lock.
 *
 * @example
 * ```ts
 * await withSchemaLock(db, schema, (conn) => ensureEntityIndexes(conn, registry));
 * ```
 */
export async function withSchemaLock<T>(db: Kysely<unknown>, schema: string | undefined, fn: (conn: Kysely<unknown>) => Promise<T>, log?: (line: string) => void): Promise<T> {
  return db.connection().execute(async (conn) => {
    await acquireSchemaLock(conn, schema, log);
    try {
      return await fn(conn);
    } finally {
      await releaseSchemaLock(conn, schema);
    }
  });
}

/**
 * Kysely's PostgreSQL adapter with the migration lock above instead of Kysely's own (one
 * global key taken with the blocking `pg_advisory_lock`, which would deadlock with a
 * concurrent index build of a waiting process's migration).
 */
export class SchemaLockAdapter extends PostgresAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>, options: MigrationLockOptions): Promise<void> {
    await acquireSchemaLock(db, options.lockTableSchema);
  }

  override async releaseMigrationLock(db: Kysely<unknown>, options: MigrationLockOptions): Promise<void> {
    await releaseSchemaLock(db, options.lockTableSchema);
  }
}
