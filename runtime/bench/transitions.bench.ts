import { availableParallelism } from 'node:os';
import pg from 'pg';
import { withBenchDatabase } from './bench-database';
import { leanClient, measure } from './load';
import { startServerProcess } from './server-process';
import { median, PROCESS, seedBench, tpcb, type Workload } from './workload';

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
 *
 * A/B in the same run: `BENCH_AB_ROOT=<another checkout, npm ci done>` also starts that
 * checkout's runtime on a database of its own, and each round measures both (this one, then that
 * one, then TPC-B); the median of the per-round ratios this/that is reported as `vs_base`.
 */
const CLIENTS = 8;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP_SECONDS = 5;
const POOL = 2 * availableParallelism();
const DEALS_PER_CLIENT = 25;

async function transitions(url: string, root?: string): Promise<Workload> {
  // A pool of 2 x cores connections (the usual sizing rule; 4 here): the 8 clients' requests
  // share them, and PostgreSQL on 2 cores does more with 4 busy backends than with 8.
  const server = await startServerProcess({ DATABASE_URL: url, PORT: '0', PIPEWRIGHT_DEMO: 'false', PIPEWRIGHT_RATE_LIMIT: '1000000000', PIPEWRIGHT_WORKERS: '0', PIPEWRIGHT_DB_POOL: process.env.PIPEWRIGHT_DB_POOL ?? String(POOL), ...(root ? { BENCH_SERVER_ROOT: root } : {}) });
  const db = new pg.Pool({ connectionString: url, max: 2 });
  db.on('error', () => {});
  try {
    const { tokens, ids } = await seedBench(db, CLIENTS, DEALS_PER_CLIENT);
    const request = leanClient(server.url, CLIENTS + 1);
    const call = async (path: string, body: unknown, extra: Record<string, string> = {}, client = CLIENTS) => {
      const res = await request(client, 'POST', path, { authorization: `Bearer ${tokens[client]}`, 'content-type': 'application/json', ...extra }, JSON.stringify(body));
      if (res.status < 200 || res.status > 299) throw new Error(`POST ${path}: ${res.status} ${res.text.slice(0, 500)}`);
      return JSON.parse(res.text) as { record?: { version: number } };
    };
    await call('/api/processes', PROCESS);
    await call('/api/processes/bench/publish', {});
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

/** Runs `body` with the A/B checkout's workload on a database of its own, or with none. */
async function withBase<T>(body: (base: Workload | undefined) => Promise<T>): Promise<T> {
  const root = process.env.BENCH_AB_ROOT;
  if (!root) return body(undefined);
  return withBenchDatabase('pipewright_bench_tr_base', async (url) => {
    const base = await transitions(url, root);
    try {
      return await body(base);
    } finally {
      await base.close();
    }
  });
}

async function main() {
  await withBase((base) => withBenchDatabase('pipewright_bench_tr', async (url) => {
    const moves = await transitions(url);
    const bank = await tpcb(url, CLIENTS);
    await bank.run(3); // warm-up: tables into the buffer cache
    const rows: { transitions: number; tpcb: number; ratio: number; base?: number }[] = [];
    try {
      console.log(`${ROUNDS} interleaved rounds of ${SECONDS} s each: transitions over HTTP (${CLIENTS} clients, runtime pool of ${process.env.PIPEWRIGHT_DB_POOL ?? POOL} connections), then ${bank.how} TPC-B (scale ${CLIENTS}, ${CLIENTS} clients)`);
      if (base) console.log(`A/B: each round also measures the runtime of ${process.env.BENCH_AB_ROOT} (its own database) right after this one`);
      console.log(`round  transitions/s  TPC-B tps  ratio${base ? '  base/s  vs base' : ''}`);
      for (let r = 0; r < ROUNDS; r++) {
        const t = await moves.run(SECONDS);
        const a = base ? await base.run(SECONDS) : undefined;
        const b = await bank.run(SECONDS);
        rows.push({ transitions: t, tpcb: b, ratio: t / b, ...(a === undefined ? {} : { base: a }) });
        console.log(`${String(r + 1).padStart(5)}  ${t.toFixed(0).padStart(13)}  ${b.toFixed(0).padStart(9)}  ${(t / b).toFixed(3)}${a === undefined ? '' : `  ${a.toFixed(0).padStart(6)}  ${(t / a).toFixed(3).padStart(7)}`}`);
      }
    } finally {
      await moves.close();
      await bank.close();
    }
    const ratios = rows.map((x) => x.ratio);
    const result = { transitions: median(rows.map((x) => x.transitions)), tpcb: median(rows.map((x) => x.tpcb)), ratio: median(ratios) };
    console.log(`median: ${result.transitions.toFixed(0)} transitions/s, ${result.tpcb.toFixed(0)} TPC-B tps; ratio median ${result.ratio.toFixed(3)} (range ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})`);
    console.log(`transitions reach ${(result.ratio * 100).toFixed(1)}% of TPC-B throughput on the same database (goal: 50%)`);
    const vsBase = base ? median(rows.map((x) => x.transitions / (x.base as number))) : undefined;
    if (vsBase !== undefined) console.log(`A/B: this runtime makes ${(vsBase * 100).toFixed(1)}% of the transitions of ${process.env.BENCH_AB_ROOT} (median of per-round ratios; base median ${median(rows.map((x) => x.base as number)).toFixed(0)}/s)`);
    console.log(JSON.stringify({ bench: 'transitions', transitions_per_s: Math.round(result.transitions), tpcb_per_s: Math.round(result.tpcb), ratio: Number(result.ratio.toFixed(3)), ...(vsBase === undefined ? {} : { base_per_s: Math.round(median(rows.map((x) => x.base as number))), vs_base: Number(vsBase.toFixed(3)) }) }));
  }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
