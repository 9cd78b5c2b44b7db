import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import { withBenchDatabase } from './bench-database';
import { leanClient, measure } from './load';
import { startServerProcess } from './server-process';

/**
 * `npm run bench:transitions`: stage transitions per second over HTTP with 8 concurrent clients
 * against a runtime in its own process on PostgreSQL (a throwaway database). Each transition is
 * one transaction: version check, guard, entry requirements, record update, stage history closed
 * and opened, audit event and one action job enqueued (pg-boss). Workers are off in the server
 * so only the transition path is measured. In the same run, pgbench's TPC-B on the same database
 * (`pgbench -i -s 8`, then `-c 8 -j 2`), or a TPC-B-like script over `pg` when pgbench is not on
 * PATH.
 *
 * Method: the machine (2 shared cores here) changes speed over minutes, so the two are measured
 * in ROUNDS interleaved rounds of SECONDS each (transitions, then TPC-B), the ratio is taken per
 * round and the median of the per-round ratios is reported, with the medians of both rates.
 * Last line: one JSON object.
 */
const CLIENTS = 8;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP_SECONDS = 5;
const POOL = 2 * availableParallelism();
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

/** A running transition workload: `run(seconds)` measures it for that long. */
interface Workload {
  run(seconds: number): Promise<number>;
  close(): Promise<void>;
}

async function transitions(url: string): Promise<Workload> {
  // A pool of 2 x cores connections (the usual sizing rule; 4 here): the 8 clients' requests
  // share them, and PostgreSQL on 2 cores does more with 4 busy backends than with 8.
  const server = await startServerProcess({ DATABASE_URL: url, PORT: '0', PIPEWRIGHT_DEMO: 'false', PIPEWRIGHT_RATE_LIMIT: '1000000000', PIPEWRIGHT_WORKERS: '0', PIPEWRIGHT_DB_POOL: process.env.PIPEWRIGHT_DB_POOL ?? String(POOL) });
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
    // Warm-up (not measured): JIT, prepared statements on every connection, the record cache.
    await measure(CLIENTS, WARMUP_SECONDS, (c, i) => step(c, deal(c, i)));
    await db.query('analyze');
    let total = 0;
    return {
      async run(seconds) {
        const r = await measure(CLIENTS, seconds, (c, i) => step(c, deal(c, i)));
        total += r.count;
        return r.perSecond;
      },
      async close() {
        const jobs = (await db.query<{ n: string }>(`select count(*) as n from pgboss.job where name = 'pw_actions'`)).rows[0]?.n;
        const stays = (await db.query<{ n: string }>('select count(*) as n from stage_history')).rows[0]?.n;
        console.log(`${total} measured transitions; ${stays} stage stays and ${jobs} action jobs written in all`);
        await db.end();
        await server.stop();
      },
    };
  } catch (err) {
    console.error(`server output (last 3000 chars):\n${server.output().slice(-3000)}`);
    await db.end();
    await server.stop();
    throw err;
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

async function tpcb(url: string): Promise<Workload & { how: string }> {
  if (hasPgbench()) {
    execFileSync('pgbench', ['-i', '-q', '-s', String(CLIENTS), url], { stdio: 'ignore' });
    return {
      how: 'pgbench',
      async run(seconds) {
        const out = execFileSync('pgbench', ['-c', String(CLIENTS), '-j', '2', '-T', String(seconds), url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(out) ?? /tps = ([\d.]+)/.exec(out);
        if (!m?.[1]) throw new Error(`cannot read pgbench output:\n${out}`);
        return Number(m[1]);
      },
      async close() {},
    };
  }
  const pool = new pg.Pool({ connectionString: url, max: CLIENTS });
  await pool.query('create table pgbench_branches (bid int primary key, bbalance int); create table pgbench_tellers (tid int primary key, bid int, tbalance int); create table pgbench_accounts (aid int primary key, bid int, abalance int); create table pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp)');
  await pool.query(`insert into pgbench_branches select g, 0 from generate_series(1, ${CLIENTS}) g; insert into pgbench_tellers select g, (g - 1) / 10 + 1, 0 from generate_series(1, ${CLIENTS * 10}) g; insert into pgbench_accounts select g, (g - 1) / 100000 + 1, 0 from generate_series(1, ${CLIENTS * 100000}) g`);
  const rnd = (n: number) => 1 + Math.floor(Math.random() * n);
  return {
    how: 'a TPC-B-like script over pg (pgbench not on PATH)',
    async run(seconds) {
      const r = await measure(CLIENTS, seconds, async () => {
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
      return r.perSecond;
    },
    close: () => pool.end(),
  };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main() {
  await withBenchDatabase('pipewright_bench_tr', async (url) => {
    const moves = await transitions(url);
    const bank = await tpcb(url);
    await bank.run(3); // warm-up: tables into the buffer cache
    const rows: { transitions: number; tpcb: number; ratio: number }[] = [];
    try {
      console.log(`${ROUNDS} interleaved rounds of ${SECONDS} s each: transitions over HTTP (${CLIENTS} clients, runtime pool of ${process.env.PIPEWRIGHT_DB_POOL ?? POOL} connections), then ${bank.how} TPC-B (scale ${CLIENTS}, ${CLIENTS} clients)`);
      console.log('round  transitions/s  TPC-B tps  ratio');
      for (let r = 0; r < ROUNDS; r++) {
        const t = await moves.run(SECONDS);
        const b = await bank.run(SECONDS);
        rows.push({ transitions: t, tpcb: b, ratio: t / b });
        console.log(`${String(r + 1).padStart(5)}  ${t.toFixed(0).padStart(13)}  ${b.toFixed(0).padStart(9)}  ${(t / b).toFixed(3)}`);
      }
    } finally {
      await moves.close();
      await bank.close();
    }
    const ratios = rows.map((x) => x.ratio);
    const result = { transitions: median(rows.map((x) => x.transitions)), tpcb: median(rows.map((x) => x.tpcb)), ratio: median(ratios) };
    console.log(`median: ${result.transitions.toFixed(0)} transitions/s, ${result.tpcb.toFixed(0)} TPC-B tps; ratio median ${result.ratio.toFixed(3)} (range ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})`);
    console.log(`transitions reach ${(result.ratio * 100).toFixed(1)}% of TPC-B throughput on the same database (goal: 50%)`);
    console.log(JSON.stringify({ bench: 'transitions', transitions_per_s: Math.round(result.transitions), tpcb_per_s: Math.round(result.tpcb), ratio: Number(result.ratio.toFixed(3)) }));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
