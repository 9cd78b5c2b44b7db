import pg from 'pg';
import { withBenchDatabase } from './bench-database';
import { cpuSampler, type CpuSample } from './cpu';
import { leanClient, measure } from './load';
import { startServerProcess, type RunningServer } from './server-process';
import { median, PROCESS, seedBench, tpcb } from './workload';

/**
 * `npm run bench:cluster` (ADR 008): stage transitions and record reads per second over HTTP
 * through 1, 2 and 3 runtime processes on the same PostgreSQL database, in one run, with
 * pgbench's TPC-B on that database as the yardstick. 8 clients in all, spread round-robin over
 * the runtimes in use (client c talks to runtime c mod k: the load balancer's job, done by the
 * client so that nginx's own CPU does not blur the runtimes' figures on this 2-core machine).
 *
 * Method as in bench:transitions (ADR 007): the machine's speed drifts, so the configurations
 * are measured in ROUNDS interleaved rounds (1, 2, 3 runtimes, then TPC-B) and medians are
 * reported. During every measurement the CPU time of the runtimes, of this database's
 * PostgreSQL backends, of the load client and of the whole machine is sampled from /proc,
 * which says where the time goes and whether the machine was saturated (the bottleneck).
 * Last line: one JSON object.
 */
const CLIENTS = 8;
const RUNTIMES = 3;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const POOL = Number(process.env.PIPEWRIGHT_DB_POOL ?? 4);
const DEALS_PER_CLIENT = 25;

interface Row {
  k: number;
  transitions: number;
  reads: number;
  cpuT: CpuSample;
}

async function main() {
  await withBenchDatabase('pipewright_bench_cluster', async (url) => {
    const servers: RunningServer[] = [];
    const db = new pg.Pool({ connectionString: url, max: 2 });
    db.on('error', () => {});
    try {
      // One after the other: the first migrates, the others find the schema ready.
      for (let i = 0; i < RUNTIMES; i++) servers.push(await startServerProcess({ DATABASE_URL: url, PORT: '0', PIPEWRIGHT_DEMO: 'false', PIPEWRIGHT_RATE_LIMIT: '1000000000', PIPEWRIGHT_WORKERS: '0', PIPEWRIGHT_DB_POOL: String(POOL) }));
      const { tokens, ids } = await seedBench(db, CLIENTS, DEALS_PER_CLIENT);
      const clients = servers.map((s) => leanClient(s.url, CLIENTS + 1));
      const request = async (runtime: number, client: number, method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
        const send = clients[runtime] as ReturnType<typeof leanClient>;
        const res = await send(client, method, path, { authorization: `Bearer ${tokens[client]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extra }, body === undefined ? undefined : JSON.stringify(body));
        if (res.status < 200 || res.status > 299) throw new Error(`${method} ${path} on runtime ${runtime + 1}: ${res.status} ${res.text.slice(0, 500)}`);
        return JSON.parse(res.text) as { record?: { version: number } };
      };
      await request(0, CLIENTS, 'POST', '/api/processes', PROCESS);
      await request(0, CLIENTS, 'POST', '/api/processes/bench/publish', {});
      const state = new Map(ids.map((id) => [id, { version: 1, stage: null as string | null }]));
      const deal = (client: number, i: number) => ids[client * DEALS_PER_CLIENT + (i % DEALS_PER_CLIENT)] as string;
      const move = (k: number) => async (client: number, i: number) => {
        const id = deal(client, i);
        const s = state.get(id) as { version: number; stage: string | null };
        const to = s.stage === null ? 'a' : s.stage === 'a' ? 'b' : 'a';
        const res = await request(client % k, client, 'POST', `/api/deals/${id}/transitions`, { to, ...(s.stage === null ? { process: 'bench' } : {}) }, { 'if-match': `"${s.version}"` });
        s.version = res.record?.version ?? s.version + 1;
        s.stage = to;
      };
      const read = (k: number) => async (client: number, i: number) => {
        await request(client % k, client, 'GET', `/api/records/pipeline.deal/${deal(client, i)}`);
      };
      const backends = async () => (await db.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')).rows.map((r) => r.pid);
      const sample = cpuSampler({ runtimes: () => servers.map((s) => s.child.pid as number), postgres: backends, client: () => [process.pid] });

      // Warm-up: every runtime JITs, prepares its statements and caches its clients' deals.
      await measure(CLIENTS, 5, move(RUNTIMES));
      await measure(CLIENTS, 2, read(RUNTIMES));
      await db.query('analyze');
      const bank = await tpcb(url, CLIENTS);
      await bank.run(3);

      const rows: Row[] = [];
      const tpcbs: number[] = [];
      console.log(`${ROUNDS} interleaved rounds of ${SECONDS} s per measurement; ${CLIENTS} clients; each runtime a pool of ${POOL} connections; then ${bank.how} TPC-B (scale ${CLIENTS}, ${CLIENTS} clients)`);
      console.log('round  runtimes  transitions/s  reads/s  | CPU ms per transition: runtimes  postgres  client | machine busy');
      for (let r = 0; r < ROUNDS; r++) {
        for (let k = 1; k <= RUNTIMES; k++) {
          const t = await sample(() => measure(CLIENTS, SECONDS, move(k)));
          const rd = await measure(CLIENTS, SECONDS, read(k));
          rows.push({ k, transitions: t.result.perSecond, reads: rd.perSecond, cpuT: t.cpu });
          const per = (ms: number) => (ms / t.result.count).toFixed(2).padStart(8);
          console.log(`${String(r + 1).padStart(5)}  ${String(k).padStart(8)}  ${t.result.perSecond.toFixed(0).padStart(13)}  ${rd.perSecond.toFixed(0).padStart(7)}  |  ${per(t.cpu.groups.runtimes ?? 0)}  ${per(t.cpu.groups.postgres ?? 0)}  ${per(t.cpu.groups.client ?? 0)} | ${((100 * t.cpu.machineBusyMs) / t.cpu.machineTotalMs).toFixed(0)}%`);
        }
        const b = await bank.run(SECONDS);
        tpcbs.push(b);
        console.log(`${String(r + 1).padStart(5)}  TPC-B ${b.toFixed(0)} tps`);
      }
      await bank.close();
      report(rows, tpcbs);
    } finally {
      await db.end();
      await Promise.all(servers.map((s) => s.stop()));
    }
  });
}

function report(rows: Row[], tpcbs: number[]): void {
  const ks = [1, 2, 3];
  const of = (k: number) => rows.filter((r) => r.k === k);
  const t = ks.map((k) => median(of(k).map((r) => r.transitions)));
  const rd = ks.map((k) => median(of(k).map((r) => r.reads)));
  const tpcb = median(tpcbs);
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
  console.log('\nmedians (range over rounds):');
  for (const [i, k] of ks.entries()) console.log(`  ${k} runtime(s): ${(t[i] as number).toFixed(0)} transitions/s (${range(of(k).map((r) => r.transitions))}), ${(rd[i] as number).toFixed(0)} reads/s (${range(of(k).map((r) => r.reads))}), transitions / TPC-B ${((t[i] as number) / tpcb).toFixed(2)}`);
  console.log(`  TPC-B: ${tpcb.toFixed(0)} tps (${range(tpcbs)})`);
  const t1 = t[0] as number;
  const r1 = rd[0] as number;
  console.log(`efficiency (throughput with k runtimes / (k x with one)): transitions ${ks.map((k, i) => ((t[i] as number) / (k * t1)).toFixed(2)).join(', ')}; reads ${ks.map((k, i) => ((rd[i] as number) / (k * r1)).toFixed(2)).join(', ')}`);
  console.log(`gain per added runtime: transitions ${((t[1] as number) - t1).toFixed(0)}/s then ${((t[2] as number) - (t[1] as number)).toFixed(0)}/s; reads ${((rd[1] as number) - r1).toFixed(0)}/s then ${((rd[2] as number) - (rd[1] as number)).toFixed(0)}/s`);
  // Where the time goes with 3 runtimes: CPU per transition and how busy the machine was.
  const three = of(3);
  const share = (g: string) => median(three.map((r) => r.cpuT.groups[g] ?? 0)) / median(three.map((r) => r.cpuT.machineBusyMs));
  const busy = median(three.map((r) => r.cpuT.machineBusyMs / r.cpuT.machineTotalMs));
  console.log(`bottleneck: with 3 runtimes the machine's CPUs were ${(busy * 100).toFixed(0)}% busy; of the busy time the runtimes used ${(share('runtimes') * 100).toFixed(0)}%, this database's PostgreSQL backends ${(share('postgres') * 100).toFixed(0)}%, the load client ${(share('client') * 100).toFixed(0)}% (the rest: other processes on this shared machine). ${busy > 0.9 ? 'The CPU is saturated: more runtimes on the same cores only share it; the cluster is bounded by the cores, and PostgreSQL needs its share of them.' : 'The CPU is not saturated: the limit is waiting (locks, round trips, the database), not computing.'}`);
  console.log(JSON.stringify({ bench: 'cluster', runtimes: ks, transitions_per_s: t.map(Math.round), tpcb_per_s: Math.round(tpcb), reads_per_s: rd.map(Math.round) }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
