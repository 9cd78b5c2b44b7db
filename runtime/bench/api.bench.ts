import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { withBenchDatabase } from './bench-database';
import { measure } from './load';
import { startServerProcess } from './server-process';

/**
 * `npm run bench:api`: records created and read per second over HTTP with 8 concurrent clients,
 * on PGlite and on PostgreSQL; in the same run, on the same PostgreSQL and under the same load,
 * a baseline server (baseline-server.ts: node:http + ajv + pg, the same validation and the same
 * record + event transaction, nothing else) and raw single-row INSERTs through `pg`. The goal
 * (issue 12): API create at least 70% of the baseline's. Last line: one JSON object with the figures.
 */
const CLIENTS = 8;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const PASSWORD = 'bench-password-123';

async function login(url: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@demo.pipewright.dev', password: PASSWORD }) });
  if (res.status === 404) return {};
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token?: string; csrfToken?: string };
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { ...(cookie ? { cookie } : {}), ...(body.csrfToken ? { 'x-csrf-token': body.csrfToken } : {}) };
}

async function benchBackend(name: string, env: Record<string, string>) {
  const server = await startServerProcess({ PORT: '0', PIPEWRIGHT_DEMO: 'true', PIPEWRIGHT_DEMO_PASSWORD: PASSWORD, PIPEWRIGHT_RATE_LIMIT: '1000000000', ...env });
  try {
    const auth = await login(server.url);
    const headers = { ...auth, 'content-type': 'application/json' };
    const ids: string[] = [];
    await measure(CLIENTS, 1, async () => {
      await post(`warm ${randomUUID()}`);
    });
    async function post(name: string) {
      const res = await fetch(`${server.url}/api/records/crm.account`, { method: 'POST', headers, body: JSON.stringify({ data: { name, status: 'prospect', employees: 10, annual_revenue: { amount: 1e6, currency: 'USD' } } }) });
      if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const create = await measure(CLIENTS, SECONDS, () => post(`bench ${randomUUID()}`));
    const read = await measure(CLIENTS, SECONDS, async (c, i) => {
      const res = await fetch(`${server.url}/api/records/crm.account/${ids[(c * 7919 + i * 104729) % ids.length]}`, { headers: auth });
      if (res.status !== 200) throw new Error(`read failed: ${res.status}`);
      await res.arrayBuffer();
    });
    console.log(`${name}: create ${create.perSecond.toFixed(0)}/s (${create.count} records), read ${read.perSecond.toFixed(0)}/s (${read.count} reads), ${CLIENTS} clients, ${SECONDS}s each`);
    return { create: create.perSecond, read: read.perSecond };
  } catch (err) {
    console.error(`${name} server output (last 3000 chars):\n${server.output().slice(-3000)}`);
    throw err;
  } finally {
    await server.stop();
  }
}

/** Accounts created per second through the baseline server, with the same clients and body as the API run. */
async function baseline(url: string): Promise<number> {
  const server = await startServerProcess({ DATABASE_URL: url }, 60_000, 'runtime/bench/baseline-server.ts');
  try {
    const post = async (name: string) => {
      const res = await fetch(`${server.url}/api/records/crm.account`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { name, status: 'prospect', employees: 10, annual_revenue: { amount: 1e6, currency: 'USD' } } }) });
      if (res.status !== 201) throw new Error(`baseline create failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    await measure(CLIENTS, 1, () => post(`warm ${randomUUID()}`));
    const r = await measure(CLIENTS, SECONDS, () => post(`base ${randomUUID()}`));
    console.log(`baseline (node:http + ajv + pg, record + event in one transaction): create ${r.perSecond.toFixed(0)}/s (${r.count} records), ${CLIENTS} clients, ${SECONDS}s`);
    return r.perSecond;
  } finally {
    await server.stop();
  }
}

async function rawInsert(url: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: CLIENTS });
  pool.on('error', () => {});
  try {
    await pool.query('create table if not exists bench_raw_insert (id uuid primary key, data jsonb not null, created_at timestamptz not null default now())');
    const r = await measure(CLIENTS, SECONDS, async () => {
      await pool.query('insert into bench_raw_insert (id, data) values ($1, $2)', [randomUUID(), JSON.stringify({ name: 'raw', status: 'prospect', employees: 10 })]);
    });
    console.log(`raw pg single-row INSERT: ${r.perSecond.toFixed(0)}/s (${r.count} rows), ${CLIENTS} connections`);
    return r.perSecond;
  } finally {
    await pool.query('drop table if exists bench_raw_insert');
    await pool.end();
  }
}

async function main() {
  const lite = await benchBackend('pglite', { PIPEWRIGHT_DATA_DIR: 'memory' });
  const result = await withBenchDatabase('pipewright_bench', async (url) => {
    const pgApi = await benchBackend('postgres', { DATABASE_URL: url });
    const base = await baseline(url);
    const raw = await rawInsert(url);
    return { pgApi, base, raw };
  });
  const ratio = result.pgApi.create / result.raw;
  const vsBaseline = result.pgApi.create / result.base;
  console.log(`postgres: API create is ${(ratio * 100).toFixed(1)}% of raw INSERT throughput (validation, event row, transaction and HTTP included)`);
  console.log(`postgres: API create is ${(vsBaseline * 100).toFixed(1)}% of the baseline server's (goal: 70%) -> ${vsBaseline >= 0.7 ? 'met' : 'not met'}`);
  console.log(
    JSON.stringify({
      bench: 'api',
      backend: 'postgres',
      clients: CLIENTS,
      create_per_s: Math.round(result.pgApi.create),
      read_per_s: Math.round(result.pgApi.read),
      baseline_create_per_s: Math.round(result.base),
      create_vs_baseline: Number(vsBaseline.toFixed(3)),
      goal_vs_baseline: 0.7,
      raw_insert_per_s: Math.round(result.raw),
      create_vs_raw: Number(ratio.toFixed(3)),
      pglite_create_per_s: Math.round(lite.create),
      pglite_read_per_s: Math.round(lite.read),
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
