import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, runLoad, summary, type LoadCounts } from './client';
import { startCluster, waitReady, type Cluster } from './cluster';
import { acknowledgedLost, createDeals, expectJob, PROCESS, settleJobs, waitFor, type Deal } from './scenario';
import type { RuntimeProcess } from './topology';
import { migrations } from '../src/db/migrate';

/**
 * `npm run test:cluster` (ADR 008): three runtime processes (`PIPEWRIGHT_WORKERS=0`) and one
 * worker process on one throwaway PostgreSQL 15, behind nginx, all real processes on loopback
 * ports. Every loop is bounded in count and time; no assertion depends on the machine's speed.
 * Fault scenarios print their counts (`[cluster] ...` lines).
 */
const AUTH_CACHE_MS = 2000;
const RATE_LIMIT = 600;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('three runtimes and a worker behind nginx on one PostgreSQL', () => {
  let cluster: Cluster;
  let base: string;
  let admin: string;
  const direct = (i: number) => (cluster.runtimes[i] as { url: string }).url;

  beforeAll(async () => {
    cluster = await startCluster({ runtimes: 3, env: { PIPEWRIGHT_RATE_LIMIT: String(RATE_LIMIT), PIPEWRIGHT_AUTH_CACHE_MS: String(AUTH_CACHE_MS), PIPEWRIGHT_JOB_POLL_SECONDS: '0.5', PIPEWRIGHT_JOB_EXPIRE_SECONDS: '20', PIPEWRIGHT_JOB_MAINTENANCE_SECONDS: '5', PIPEWRIGHT_JOB_RETRY_DELAY_SECONDS: '1' } });
    base = cluster.nginx.url;
    admin = cluster.adminToken;
    await expectJob(call(base, admin, 'POST', '/api/processes', PROCESS), 201);
    await expectJob(call(base, admin, 'POST', `/api/processes/${PROCESS.id}/publish`, {}), 201);
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('migrates once: of four processes started together on an empty database, one applied the migrations', async () => {
    const applied = [...cluster.runtimes, cluster.worker].filter((r) => /applied migrations/.test(r.output()));
    expect(applied.map((r) => r.name)).toHaveLength(1);
    const { rows } = await cluster.db.query<{ name: string; n: string }>('select name, count(*) over () as n from kysely_migration order by name');
    expect(rows.map((r) => r.name)).toEqual(Object.keys(migrations({ concurrent: true })));
    for (let i = 0; i < 3; i++) expect((await call(direct(i), '', 'GET', '/ready')).status).toBe(200);
  });

  it('concurrent moves of the same deals through three runtimes: one winner per version, history, audit and jobs exactly once', async () => {
    const deals = await createDeals(base, admin, 12);
    const rounds = 6;
    let winners = 0;
    let losers = 0;
    for (let round = 0; round < rounds; round++) {
      await Promise.all(
        deals.map(async (d) => {
          const to = d.stage === 'a' ? 'b' : 'a';
          const answers = await Promise.all([0, 1, 2].map((i) => call(direct(i), admin, 'POST', `/api/records/pipeline.deal/${d.id}/transitions`, { to }, { 'if-match': `"${d.version}"` })));
          const won = answers.filter((a) => a.status === 200);
          expect(won, JSON.stringify(answers.map((a) => [a.status, a.body]))).toHaveLength(1);
          expect(answers.filter((a) => a.status !== 200).map((a) => a.status)).toEqual([412, 412]);
          winners++;
          losers += 2;
          d.version = (won[0]?.body as { record: { version: number } }).record.version;
          d.stage = to;
        }),
      );
    }
    const ids = deals.map((d) => d.id);
    const perDeal = async (sqlText: string) => (await cluster.db.query<{ id: string; n: string }>(sqlText, [ids])).rows.map((r) => Number(r.n));
    // Each deal: its first stay from creation, then one stay, one audit event and one job per move.
    expect(await perDeal(`select record_id as id, count(*) as n from stage_history where record_id = any($1) group by record_id`)).toEqual(ids.map(() => rounds + 1));
    expect(await perDeal(`select record_id as id, count(*) as n from events where action = 'transition' and record_id = any($1) group by record_id`)).toEqual(ids.map(() => rounds));
    const jobs = await settleJobs(cluster.db, ids);
    expect(jobs).toEqual({ created: deals.length * rounds, completed: deals.length * rounds, actionRuns: deals.length * rounds });
    const open = await cluster.db.query(`select record_id from stage_history where record_id = any($1) and exited_at is null group by record_id having count(*) <> 1`, [ids]);
    expect(open.rowCount).toBe(0);
    console.log(`[cluster] concurrent moves: ${winners + losers} requests on ${deals.length} deals x ${rounds} rounds through 3 runtimes: ${winners} won, ${losers} refused with 412, 0 doubled`);
  });

  it('record cache: a runtime that cached a deal never decides on it after another runtime changed it', async () => {
    const [deal] = await createDeals(base, admin, 1);
    const d = deal as Deal;
    // Runtime 1 moves the deal a -> b and caches it at the new version.
    const moved = await expectJob<{ record: { version: number } }>(call(direct(0), admin, 'POST', `/api/records/pipeline.deal/${d.id}/transitions`, { to: 'b' }, { 'if-match': `"${d.version}"` }), 200);
    const cachedVersion = moved.record.version;
    // Runtime 2 moves it back and runtime 3 changes the currency so that b -> a is still allowed but a -> b's guard fails.
    const back = await expectJob<{ record: { version: number } }>(call(direct(1), admin, 'POST', `/api/records/pipeline.deal/${d.id}/transitions`, { to: 'a' }, { 'if-match': `"${cachedVersion}"` }), 200);
    const patched = await expectJob<{ version: number }>(call(direct(2), admin, 'PATCH', `/api/records/pipeline.deal/${d.id}`, { data: { amount: { amount: 1000, currency: 'EUR' } } }, { 'if-match': `"${back.record.version}"` }), 200);
    // Runtime 1, asked with the version it cached, must refuse as stale (it may not trust its copy).
    const stale = await call(direct(0), admin, 'POST', `/api/records/pipeline.deal/${d.id}/transitions`, { to: 'b' }, { 'if-match': `"${cachedVersion}"` });
    expect(stale.status).toBe(412);
    // Asked with the current version, it decides on the current data: the guard now fails.
    const refused = await call(direct(0), admin, 'POST', `/api/records/pipeline.deal/${d.id}/transitions`, { to: 'b' }, { 'if-match': `"${patched.version}"` });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'process.guard-failed' });
    // Runtime 1 now caches the EUR copy; runtime 2 fixes the currency; runtime 1 must see the fix.
    const fixed = await expectJob<{ version: number }>(call(direct(1), admin, 'PATCH', `/api/records/pipeline.deal/${d.id}`, { data: { amount: { amount: 1000, currency: 'USD' } } }, { 'if-match': `"${patched.version}"` }), 200);
    await expectJob(call(direct(0), admin, 'POST', `/api/records/pipeline.deal/${d.id}/transitions`, { to: 'b' }, { 'if-match': `"${fixed.version}"` }), 200);
    const { rows } = await cluster.db.query<{ stage: string; currency: string }>(`select stage, data->'amount'->>'currency' as currency from records where id = $1`, [d.id]);
    expect(rows[0]).toEqual({ stage: 'b', currency: 'USD' });
  });

  it('principal cache: a revoked token and a deactivated user are refused by every runtime within PIPEWRIGHT_AUTH_CACHE_MS', async () => {
    for (const change of ['revoke token', 'deactivate user'] as const) {
      const user = await cluster.newUser(['admin']);
      // Every runtime has the principal cached.
      for (let i = 0; i < 3; i++) expect((await call(direct(i), user.token, 'GET', '/api/records/pipeline.deal?limit=1')).status).toBe(200);
      const changedAt = Date.now();
      if (change === 'revoke token') await expectJob(call(direct(0), admin, 'DELETE', `/api/tokens/${user.tokenId}`), 200);
      else await expectJob(call(direct(0), admin, 'POST', `/api/users/${user.userId}/deactivate`, {}), 200);
      // The runtime that made the change refuses at once.
      expect((await call(direct(0), user.token, 'GET', '/api/records/pipeline.deal?limit=1')).status).toBe(401);
      // The others may answer from their cache until it expires; observe when they stop (bounded).
      const refusedAfter: number[] = [];
      for (const i of [1, 2]) {
        for (let tries = 0; tries < 100; tries++) {
          const r = await call(direct(i), user.token, 'GET', '/api/records/pipeline.deal?limit=1');
          if (r.status === 401) break;
          expect(r.status).toBe(200);
          await sleep(50);
        }
        refusedAfter.push(Date.now() - changedAt);
      }
      // The documented bound: once the cache lifetime has passed, every runtime refuses.
      await sleep(Math.max(0, changedAt + AUTH_CACHE_MS + 100 - Date.now()));
      for (let i = 0; i < 3; i++) expect((await call(direct(i), user.token, 'GET', '/api/records/pipeline.deal?limit=1')).status).toBe(401);
      console.log(`[cluster] ${change}: refused at once by the runtime that made the change, by the other two after ${refusedAfter.join(' and ')} ms (bound ${AUTH_CACHE_MS} ms)`);
    }
  });

  it('rate limits hold across runtimes: one token cannot get three limits from three processes', async () => {
    const user = await cluster.newUser(['admin']);
    // Fixed windows of a minute: start early in one so the test does not straddle two.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 40_000) await sleep(60_500 - intoMinute);
    let allowed = 0;
    let refused = 0;
    await Promise.all(
      [0, 1, 2].map(async (i) => {
        for (let n = 0; n < RATE_LIMIT * 2; n++) {
          const r = await call(direct(i), user.token, 'GET', '/api/entities');
          if (r.status === 200) allowed++;
          else if (r.status === 429) {
            refused++;
            break;
          } else throw new Error(`unexpected ${r.status}`);
        }
      }),
    );
    // Each process writes its count at least once a second, so the overshoot is at most what the
    // others served in their last second; three separate limits would allow 3 x the limit.
    expect(allowed).toBeGreaterThanOrEqual(RATE_LIMIT);
    expect(allowed).toBeLessThan(2 * RATE_LIMIT);
    expect(refused).toBe(3);
    await sleep(1500);
    for (let i = 0; i < 3; i++) expect((await call(direct(i), user.token, 'GET', '/api/entities')).status).toBe(429);
    console.log(`[cluster] rate limit ${RATE_LIMIT}/min for one token, three runtimes in parallel: ${allowed} allowed (overshoot ${allowed - RATE_LIMIT}), then every runtime refuses`);
  });

  it('idempotency keys replay across runtimes, also when the same key arrives at three runtimes at once', async () => {
    const deals = await createDeals(base, admin, 2);
    const [one, two] = deals as [Deal, Deal];
    const key = randomUUID();
    const first = await call(direct(0), admin, 'POST', `/api/records/pipeline.deal/${one.id}/transitions`, { to: 'b' }, { 'if-match': `"${one.version}"`, 'idempotency-key': key });
    expect(first.status).toBe(200);
    for (const i of [1, 2]) {
      const again = await call(direct(i), admin, 'POST', `/api/records/pipeline.deal/${one.id}/transitions`, { to: 'b' }, { 'if-match': `"${one.version}"`, 'idempotency-key': key });
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
    }
    const misuse = await call(direct(2), admin, 'POST', `/api/records/pipeline.deal/${one.id}/transitions`, { to: 'won' }, { 'if-match': `"${one.version}"`, 'idempotency-key': key });
    expect(misuse.status).toBe(422);
    const key2 = randomUUID();
    const together = await Promise.all([0, 1, 2].map((i) => call(direct(i), admin, 'POST', `/api/records/pipeline.deal/${two.id}/transitions`, { to: 'b' }, { 'if-match': `"${two.version}"`, 'idempotency-key': key2 })));
    expect(together.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(together.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(2);
    const { rows } = await cluster.db.query<{ id: string; n: string }>(`select record_id as id, count(*) as n from stage_history where record_id = any($1) group by record_id order by record_id`, [[one.id, two.id]]);
    expect(rows.map((r) => Number(r.n))).toEqual([2, 2]); // the stay from creation and the one move
  });

  it('a version published through one runtime is used by the others at their next request; deals keep the version they started on', async () => {
    const [old] = (await createDeals(base, admin, 1)) as [Deal];
    const v2 = { ...PROCESS, transitions: PROCESS.transitions.map((t) => (t.id === 'forward' ? { ...t, guard: { '>': [{ var: 'amount.amount' }, 1_000_000] } } : t)) };
    await expectJob(call(direct(0), admin, 'PUT', `/api/processes/${PROCESS.id}`, v2, { 'if-match': '"1"' }), 200);
    const published = await expectJob<{ version: number }>(call(direct(0), admin, 'POST', `/api/processes/${PROCESS.id}/publish`, {}), 201);
    expect(published.version).toBe(2);
    for (const i of [1, 2]) {
      const [created] = (await createDeals(direct(i), admin, 1)) as [Deal];
      const { rows } = await cluster.db.query<{ v: number }>('select process_version as v from records where id = $1', [created.id]);
      expect(rows[0]?.v).toBe(2);
      // Version 2's guard (amount over a million) refuses the move on this runtime at once.
      const refused = await call(direct(i), admin, 'POST', `/api/records/pipeline.deal/${created.id}/transitions`, { to: 'b' }, { 'if-match': `"${created.version}"` });
      expect(refused.status).toBe(422);
    }
    // A deal on version 1 keeps version 1's rules on every runtime.
    await expectJob(call(direct(2), admin, 'POST', `/api/records/pipeline.deal/${old.id}/transitions`, { to: 'b' }, { 'if-match': `"${old.version}"` }), 200);
    const { rows } = await cluster.db.query<{ v: number }>('select process_version as v from records where id = $1', [old.id]);
    expect(rows[0]?.v).toBe(1);
    // Version 3 puts version 1's rules back (for the scenarios below), again through another runtime.
    await expectJob(call(direct(1), admin, 'PUT', `/api/processes/${PROCESS.id}`, PROCESS, { 'if-match': '"2"' }), 200);
    expect((await expectJob<{ version: number }>(call(direct(1), admin, 'POST', `/api/processes/${PROCESS.id}/publish`, {}), 201)).version).toBe(3);
  });

  /**
   * Clients for a fault scenario: each its own token and deals (no races between them), paced
   * to 80% of the per-token rate limit. Unpaced, a fast machine sent more than RATE_LIMIT
   * requests per token within one minute's window and the 429s counted as failed reads.
   */
  const PACE = { perClientPerMinute: Math.floor(RATE_LIMIT * 0.8) };
  async function loadClients(n: number, dealsEach: number) {
    const clients = [];
    for (let c = 0; c < n; c++) {
      const user = await cluster.newUser(['admin']);
      clients.push({ token: user.token, deals: await createDeals(base, user.token, dealsEach) });
    }
    return clients;
  }

  async function check(name: string, counts: LoadCounts) {
    const { lost, unacknowledged } = await acknowledgedLost(cluster.db, counts.acked);
    console.log(summary(name, counts, lost));
    expect(counts.errors.slice(0, 5)).toEqual([]);
    expect(counts.failedWrites).toBe(0);
    expect(lost).toBe(0);
    expect(unacknowledged).toBe(0);
    expect(counts.writes).toBeGreaterThan(0);
  }

  it('kill -9 of a runtime under load: nginx retries only reads, clients retry writes with their key, nothing acknowledged is lost', async () => {
    const load = runLoad({ base, clients: await loadClients(12, 3), stages: ['a', 'b'], ...PACE });
    await waitFor(() => load.progress() >= 60);
    await (cluster.runtimes[1] as RuntimeProcess).kill();
    const at = load.progress();
    await waitFor(() => load.progress() >= at + 120);
    await (cluster.runtimes[1] as RuntimeProcess).start();
    await waitReady(direct(1));
    const back = load.progress();
    await waitFor(() => load.progress() >= back + 60);
    const counts = await load.stop();
    expect(counts.failedReads, counts.errors.slice(0, 5).join("\n")).toBe(0);
    await check('kill -9 of runtime 2 under load', counts);
  });

  it('rolling restart of all runtimes under load: zero failed requests with Idempotency-Key', async () => {
    const load = runLoad({ base, clients: await loadClients(12, 3), stages: ['a', 'b'], ...PACE });
    await waitFor(() => load.progress() >= 60);
    for (const r of cluster.runtimes) {
      await r.stop();
      const at = load.progress();
      await waitFor(() => load.progress() >= at + 30);
      await r.start();
      await waitReady(r.url);
    }
    const done = load.progress();
    await waitFor(() => load.progress() >= done + 60);
    const counts = await load.stop();
    expect(counts.failedReads, counts.errors.slice(0, 5).join("\n")).toBe(0);
    await check('rolling restart of 3 runtimes under load', counts);
  });

  it('PostgreSQL restarted under load: /health says degraded, /ready 503, then every runtime reconnects and is ready; nothing acknowledged is lost', async () => {
    const load = runLoad({ base, clients: await loadClients(12, 3), stages: ['a', 'b'], retryBudgetMs: 120_000, ...PACE });
    await waitFor(() => load.progress() >= 60);
    cluster.pg.stop();
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const health = await call(direct(i), '', 'GET', '/health');
      const ready = await call(direct(i), '', 'GET', '/ready');
      expect(health.status, (cluster.runtimes[i] as RuntimeProcess).output().slice(-3000)).toBe(200);
      expect(health.body).toMatchObject({ status: 'degraded', storage: { reachable: false } });
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ code: 'storage-unavailable' });
      seen.push(`${(health.body as { status: string }).status}/${ready.status}`);
    }
    cluster.pg.start();
    for (let i = 0; i < 3; i++) await waitReady(direct(i));
    for (let i = 0; i < 3; i++) expect((await call(direct(i), '', 'GET', '/health')).body).toMatchObject({ status: 'ok' });
    const at = load.progress();
    await waitFor(() => load.progress() >= at + 90);
    const counts = await load.stop();
    // Reads are not retried by the clients: those sent while the database was down answered 503.
    counts.errors = counts.errors.filter((e) => !/^GET .*: 50[23] /.test(e));
    console.log(`[cluster] while PostgreSQL was down, /health and /ready of the 3 runtimes answered ${seen.join(', ')}; after the restart all ready`);
    await check('PostgreSQL restart under load', counts);
    // The separate worker reconnected too: every action job of every deal runs.
    const ids = [...counts.acked.keys()];
    const jobs = await settleJobs(cluster.db, ids);
    expect(jobs.completed, cluster.worker.output().slice(-4000)).toBe(jobs.created);
  });
});
