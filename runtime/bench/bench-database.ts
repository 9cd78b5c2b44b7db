import pg from 'pg';

/** The PostgreSQL benchmarks run against: BENCH_DATABASE_URL, TEST_DATABASE_URL or the local one. */
export const BENCH_PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Runs `fn` against a throwaway database created beside `BENCH_PG_URL`'s and dropped afterwards
 * (even when `fn` fails), so a benchmark never leaves data in the test database.
 *
 * @example
 * ```ts
 * await withBenchDatabase('pipewright_bench', async (url) => { ... });
 * ```
 */
export async function withBenchDatabase<T>(prefix: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `${prefix}_${process.pid}`;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid database name "${name}"`);
  const admin = new pg.Client({ connectionString: BENCH_PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  // Diagnosis: BENCH_LOG_STATEMENTS=1 logs every statement with its duration to the server log.
  if (process.env.BENCH_LOG_STATEMENTS) await admin.query(`alter database ${name} set log_min_duration_statement = 0`);
  const url = new URL(BENCH_PG_URL);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
