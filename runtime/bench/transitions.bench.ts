import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { withBenchDatabase } from './bench-database';
import { leanClient, measure } from './load';
import { startServerProcess } from './server-process';

/**
 * `npm run bench:transitions`: stage transitions per second over HTTP with 8 concurrent clients
 * against a runtime in its own process on PostgreSQL (a throwaway database). Each transition is
 * one transaction: lock and version check, guard, entry requirements, record update, stage
 * history closed and opened, audit event and one action job enqueued (pg-boss). Workers are off
 * in the server so only the transition path is measured. Then pgbench's TPC-B on the same
 * database (`pgbench -i -s 8`, `-c 8 -j 2 -T 10`), or a TPC-B-like script over `pg` when pgbench
 * is not on PATH. Last line: one JSON object.
 */
const CLIENTS = 8;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DEALS_PER_CLIENT = 25;

const PROCESS = {
  id: 'bench',
  label: 'Bench',
  entity: 'pipeline.deal',
  initialStage: 'a',
  stages: [
    { id: 'a', label: 'A', kind: 'open', requirements: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } } },
    { id: 'b', label: 'B', kind: 'open', requirements: { type: 'object', required: ['amount', 'next_step'], properties: { amount: { $ref: 'https://pipewright.dev/schemas/types.schema.json#/$defs/money' }, next_step: { type: 'string', minLength: 1 } } } },
    { id: 'won', label: 'Won', kind: 'won', probability: 1 },
    { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 },
  ],
  transitions: [
    { id: 'forward', from: 'a', to: 'b', guard: { and: [{ '>': [{ var: 'amount.amount' }, 0] }, { '!!': { var: 'next_step' } }] }, actions: [{ id: 'tell', type: 'core.notify', config: { title: 'Moved {{name}}' } }] },
    { id: 'back', from: 'b', to: 'a', guard: { '==': [{ var: 'amount.currency' }, 'USD'] }, actions: [{ id: 'tell', type: 'core.notify', config: { title: 'Back {{name}}' } }] },
    { id: 'win', from: 'b', to: 'won' },
    { id: 'lose', from: '*', to: 'lost' },
  ],
};

async function transitions(url: string): Promise<number> {
  const server = await startServerProcess({ DATABASE_URL: url, PORT: '0', PIPEWRIGHT_DEMO: 'false', PIPEWRIGHT_RATE_LIMIT: '1000000000', PIPEWRIGHT_WORKERS: '0' });
  const db = new pg.Pool({ connectionString: url, max: 2 });
  db.on('error', () => {});
  try {
    await db.query(`insert into org_units (id, name, kind) values ('bench', 'Bench', 'team')`);
    await db.query(`insert into users (id, name, email, org_unit_id, roles) values ('bench-admin', 'Bench', 'bench@bench.dev', 'bench', '["admin"]')`);
    // One API token per client, as eight integrations would have (each has its own rate-limit row).
    const tokens: string[] = [];
    for (let i = 0; i <= CLIENTS; i++) {
      const token = `pwt_${randomBytes(24).toString('hex')}`;
      await db.query(`insert into api_tokens (id, user_id, name, scopes, token_hash, created_by, created_at) values ($1, 'bench-admin', $2, '["read","write","import","admin"]', $3, 'system:bench', now())`, [randomUUID(), `bench ${i}`, createHash('sha256').update(token).digest('hex')]);
      tokens.push(token);
    }
    const request = leanClient(server.url, CLIENTS + 1);
    const call = async (path: string, body: unknown, extra: Record<string, string> = {}, client = CLIENTS) => {
      const res = await request(client, 'POST', path, { authorization: `Bearer ${tokens[client]}`, 'content-type': 'application/json', ...extra }, JSON.stringify(body));
      if (res.status < 200 || res.status > 299) throw new Error(`POST ${path}: ${res.status} ${res.text.slice(0, 500)}`);
      return JSON.parse(res.text) as { record?: { version: number } };
    };
    await call('/api/processes', PROCESS);
    await call('/api/processes/bench/publish', {});
    const data = { name: 'Bench deal', amount: { amount: 1000, currency: 'USD' }, next_step: 'Benchmark' };
    await db.query(`insert into records (id, type, owner_id, org_unit_id, stage, version, data, created_by, updated_by, created_at, updated_at)
      select gen_random_uuid(), 'pipeline.deal', 'bench-admin', 'bench', null, 1, $1::jsonb, 'system:bench', 'system:bench', now(), now() from generate_series(1, $2::int)`, [JSON.stringify(data), CLIENTS * DEALS_PER_CLIENT]);
    const ids = (await db.query<{ id: string }>(`select id from records where type = 'pipeline.deal' order by id`)).rows.map((r) => r.id);
    const state = new Map(ids.map((id) => [id, { version: 1, stage: null as string | null }]));
    const step = async (client: number, id: string) => {
      const s = state.get(id) as { version: number; stage: string | null };
      const to = s.stage === null ? 'a' : s.stage === 'a' ? 'b' : 'a';
      const res = await call(`/api/deals/${id}/transitions`, { to, ...(s.stage === null ? { process: 'bench' } : {}) }, { 'if-match': `"${s.version}"` }, client);
      s.version = res.record?.version ?? s.version + 1;
      s.stage = to;
    };
    const deal = (client: number, i: number) => ids[client * DEALS_PER_CLIENT + (i % DEALS_PER_CLIENT)] as string;
    await measure(CLIENTS, 2, (c, i) => step(c, deal(c, i)));
    await db.query('analyze');
    const r = await measure(CLIENTS, SECONDS, (c, i) => step(c, deal(c, i)));
    const jobs = (await db.query<{ n: string }>(`select count(*) as n from pgboss.job where name = 'pw_actions'`)).rows[0]?.n;
    const stays = (await db.query<{ n: string }>('select count(*) as n from stage_history')).rows[0]?.n;
    console.log(`transitions over HTTP: ${r.perSecond.toFixed(0)}/s (${r.count} in ${SECONDS}s, ${CLIENTS} clients; ${stays} stage stays and ${jobs} action jobs written)`);
    return r.perSecond;
  } catch (err) {
    console.error(`server output (last 3000 chars):\n${server.output().slice(-3000)}`);
    throw err;
  } finally {
    await db.end();
    await server.stop();
  }
}

function hasPgbench(): boolean {
  try {
    execFileSync('pgbench', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function tpcb(url: string): Promise<{ tps: number; how: string }> {
  if (hasPgbench()) {
    execFileSync('pgbench', ['-i', '-q', '-s', String(CLIENTS), url], { stdio: 'ignore' });
    const out = execFileSync('pgbench', ['-c', String(CLIENTS), '-j', '2', '-T', String(SECONDS), url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(out) ?? /tps = ([\d.]+)/.exec(out);
    if (!m?.[1]) throw new Error(`cannot read pgbench output:\n${out}`);
    console.log(`pgbench TPC-B: ${Number(m[1]).toFixed(0)} tps (scale ${CLIENTS}, ${CLIENTS} clients, 2 threads, ${SECONDS}s)`);
    return { tps: Number(m[1]), how: 'pgbench' };
  }
  const pool = new pg.Pool({ connectionString: url, max: CLIENTS });
  await pool.query('create table pgbench_branches (bid int primary key, bbalance int); create table pgbench_tellers (tid int primary key, bid int, tbalance int); create table pgbench_accounts (aid int primary key, bid int, abalance int); create table pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp)');
  await pool.query(`insert into pgbench_branches select g, 0 from generate_series(1, ${CLIENTS}) g; insert into pgbench_tellers select g, (g - 1) / 10 + 1, 0 from generate_series(1, ${CLIENTS * 10}) g; insert into pgbench_accounts select g, (g - 1) / 100000 + 1, 0 from generate_series(1, ${CLIENTS * 100000}) g`);
  const rnd = (n: number) => 1 + Math.floor(Math.random() * n);
  const r = await measure(CLIENTS, SECONDS, async () => {
    const c = await pool.connect();
    try {
      const [aid, tid, bid, delta] = [rnd(CLIENTS * 100000), rnd(CLIENTS * 10), rnd(CLIENTS), rnd(10000) - 5000];
      await c.query('begin');
      await c.query('update pgbench_accounts set abalance = abalance + $1 where aid = $2', [delta, aid]);
      await c.query('select abalance from pgbench_accounts where aid = $1', [aid]);
      await c.query('update pgbench_tellers set tbalance = tbalance + $1 where tid = $2', [delta, tid]);
      await c.query('update pgbench_branches set bbalance = bbalance + $1 where bid = $2', [delta, bid]);
      await c.query('insert into pgbench_history (tid, bid, aid, delta, mtime) values ($1, $2, $3, $4, current_timestamp)', [tid, bid, aid, delta]);
      await c.query('commit');
    } finally {
      c.release();
    }
  });
  await pool.end();
  console.log(`TPC-B-like script over pg (pgbench not on PATH): ${r.perSecond.toFixed(0)} tps`);
  return { tps: r.perSecond, how: 'tpcb-like script over pg' };
}

async function main() {
  const result = await withBenchDatabase('pipewright_bench_tr', async (url) => ({ transitions: await transitions(url), tpcb: await tpcb(url) }));
  const ratio = result.transitions / result.tpcb.tps;
  console.log(`transitions reach ${(ratio * 100).toFixed(1)}% of ${result.tpcb.how} TPC-B throughput on the same database (goal: 50%)`);
  console.log(JSON.stringify({ bench: 'transitions', transitions_per_s: Math.round(result.transitions), tpcb_per_s: Math.round(result.tpcb.tps), ratio: Number(ratio.toFixed(3)) }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
