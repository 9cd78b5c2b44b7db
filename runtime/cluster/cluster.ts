import { createHash, randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { call } from './client';
import { freePort, runtimeProcess, startNginx, startThrowawayPostgres, type Nginx, type RuntimeProcess, type ThrowawayPostgres } from './topology';

/** Three runtimes and a worker on one PostgreSQL, behind nginx, with a way in for the test. */
export interface Cluster {
  pg: ThrowawayPostgres;
  /** `postgres://...` of the cluster's database. */
  url: string;
  runtimes: RuntimeProcess[];
  worker: RuntimeProcess;
  nginx: Nginx;
  /** A pool on the cluster's database, for checks. */
  db: pg.Pool;
  adminToken: string;
  /** Creates a user (in the admin's unit) with one API token; returns ids and the secret. */
  newUser(roles?: string[]): Promise<{ userId: string; tokenId: string; token: string }>;
  close(): Promise<void>;
}

export const ORG_UNIT = 'cluster-team';

/** Environment every process of the cluster shares. */
export interface ClusterOptions {
  runtimes?: number;
  env?: Record<string, string>;
  /** Job workers in each runtime (default 0: only the worker process runs jobs). */
  runtimeWorkers?: number;
}

/**
 * Starts the topology: a throwaway PostgreSQL, N runtimes (`PIPEWRIGHT_WORKERS=0`) and one
 * worker process (`PIPEWRIGHT_WORKERS=2`, not behind the load balancer) started at the same
 * moment on an empty database (so they race to migrate), then nginx over the runtimes.
 *
 * @example
 * ```ts
 * const cluster = await startCluster({ runtimes: 3 });
 * ```
 */
export async function startCluster(o: ClusterOptions = {}): Promise<Cluster> {
  const postgres = await startThrowawayPostgres({ max_connections: '200', fsync: 'off', shared_buffers: '128MB' });
  const started: RuntimeProcess[] = [];
  let nginx: Nginx | undefined;
  let db: pg.Pool | undefined;
  try {
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('create database pipewright');
    await admin.end();
    const url = postgres.url.replace(/\/postgres$/, '/pipewright');
    const env = { DATABASE_URL: url, PIPEWRIGHT_DB_POOL: '4', ...o.env };
    const runtimes: RuntimeProcess[] = [];
    for (let i = 0; i < (o.runtimes ?? 3); i++) runtimes.push(runtimeProcess(`runtime-${i + 1}`, await freePort(), { ...env, PIPEWRIGHT_WORKERS: String(o.runtimeWorkers ?? 0) }));
    const worker = runtimeProcess('worker', await freePort(), { ...env, PIPEWRIGHT_WORKERS: '2' });
    started.push(...runtimes, worker);
    await Promise.all(started.map((r) => r.start()));
    nginx = await startNginx(runtimes.map((r) => `127.0.0.1:${r.port}`));
    db = new pg.Pool({ connectionString: url, max: 4 });
    db.on('error', () => {});
    const pool = db;
    await pool.query(`insert into org_units (id, name, kind) values ($1, 'Cluster team', 'team')`, [ORG_UNIT]);
    const newUser = async (roles: string[] = ['admin']) => {
      const userId = `u-${randomBytes(5).toString('hex')}`;
      await pool.query(`insert into users (id, name, email, org_unit_id, roles) values ($1, $1, $2, $3, $4)`, [userId, `${userId}@cluster.test`, ORG_UNIT, JSON.stringify(roles)]);
      const token = `pwt_${randomBytes(24).toString('hex')}`;
      const tokenId = randomUUID();
      await pool.query(`insert into api_tokens (id, user_id, name, scopes, token_hash, created_by, created_at) values ($1, $2, $3, '["read","write","import","admin"]', $4, 'system:cluster-test', now())`, [tokenId, userId, `token of ${userId}`, createHash('sha256').update(token).digest('hex')]);
      return { userId, tokenId, token };
    };
    const { token: adminToken } = await newUser();
    const lb = nginx;
    return {
      pg: postgres,
      url,
      runtimes,
      worker,
      nginx: lb,
      db: pool,
      adminToken,
      newUser,
      async close() {
        await Promise.allSettled([lb.stop(), ...started.map((r) => r.stop())]);
        await pool.end();
        postgres.destroy();
      },
    };
  } catch (err) {
    await Promise.allSettled([nginx?.stop(), ...started.map((r) => r.kill())]);
    await db?.end();
    postgres.destroy();
    throw err;
  }
}

/** Polls `/ready` of a runtime until it answers 200 (bounded: 300 tries, about a minute). */
export async function waitReady(base: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const r = await call(base, '', 'GET', '/ready');
    if (r.status === 200) return;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`${base} did not become ready`);
}
