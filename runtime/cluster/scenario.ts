import type pg from 'pg';
import { expect } from 'vitest';
import { call, type Answer } from './client';

/** The cluster test's process: two open stages and a move each way, each with a database action. */
export const PROCESS = {
  id: 'cluster',
  label: 'Cluster',
  entity: 'pipeline.deal',
  initialStage: 'a',
  stages: [
    { id: 'a', label: 'A', kind: 'open' },
    { id: 'b', label: 'B', kind: 'open' },
    { id: 'won', label: 'Won', kind: 'won', probability: 1 },
  ],
  transitions: [
    { id: 'forward', from: 'a', to: 'b', guard: { '==': [{ var: 'amount.currency' }, 'USD'] }, actions: [{ id: 'tell', type: 'core.notify', config: { title: 'Forward {{name}}' } }] },
    { id: 'back', from: 'b', to: 'a', actions: [{ id: 'tell', type: 'core.notify', config: { title: 'Back {{name}}' } }] },
    { id: 'win', from: 'b', to: 'won' },
  ],
};

/** A deal as a client tracks it. */
export interface Deal {
  id: string;
  version: number;
  stage: string;
}

/** Asserts the status of an answer (showing its body on failure) and returns the body. */
export async function expectJob<T = unknown>(answer: Promise<Answer> | Answer, status: number): Promise<T> {
  const a = await answer;
  expect(a.status, JSON.stringify(a.body).slice(0, 1000)).toBe(status);
  return a.body as T;
}

/** Creates `n` deals through the load balancer and moves each into the cluster process (stage a). */
export async function createDeals(base: string, token: string, n: number): Promise<Deal[]> {
  const deals: Deal[] = [];
  for (let i = 0; i < n; i++) {
    const created = await expectJob<{ id: string; version: number }>(call(base, token, 'POST', '/api/records/pipeline.deal', { data: { name: `Cluster deal ${i}`, amount: { amount: 1000, currency: 'USD' } } }), 201);
    const entered = await expectJob<{ record: { version: number } }>(call(base, token, 'POST', `/api/records/pipeline.deal/${created.id}/transitions`, { to: 'a', process: PROCESS.id }, { 'if-match': `"${created.version}"` }), 200);
    deals.push({ id: created.id, version: entered.record.version, stage: 'a' });
  }
  return deals;
}

/**
 * Waits (bounded: about 2 minutes) until the worker has run every action job of these deals,
 * then returns how many jobs were written, completed, and how many action effects exist.
 */
export async function settleJobs(db: pg.Pool, ids: string[]): Promise<{ created: number; completed: number; actionRuns: number }> {
  const jobs = `select count(*) filter (where true) as created, count(*) filter (where state = 'completed') as completed from (
      select state from pgboss.job where name = 'pw_actions' and data->'record'->>'id' = any($1)
      union all select state from pgboss.archive where name = 'pw_actions' and data->'record'->>'id' = any($1)) j`;
  let last = { created: -1, completed: -2 };
  for (let i = 0; i < 600 && last.created !== last.completed; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 200));
    const row = (await db.query<{ created: string; completed: string }>(jobs, [ids])).rows[0];
    last = { created: Number(row?.created), completed: Number(row?.completed) };
  }
  const runs = await db.query<{ n: string }>(`select count(*) as n from action_runs where record_id = any($1)`, [ids]);
  return { ...last, actionRuns: Number(runs.rows[0]?.n) };
}

/**
 * Acknowledged moves that the database does not have: for every version a client saw
 * acknowledged, the deal's audit log must hold the transition that produced it. Also returns
 * how many transitions the database has for these deals beyond those acknowledged (a move
 * done twice, or done but never acknowledged).
 */
export async function acknowledgedLost(db: pg.Pool, acked: Map<string, number[]>): Promise<{ lost: number; unacknowledged: number }> {
  const ids = [...acked.keys()];
  const { rows } = await db.query<{ id: string; version: number }>(`select record_id as id, (after->>'version')::int as version from events where action = 'transition' and record_id = any($1)`, [ids]);
  const stored = new Set(rows.map((r) => `${r.id}:${r.version}`));
  let lost = 0;
  let ackedCount = 0;
  for (const [id, versions] of acked) {
    for (const v of versions) {
      ackedCount++;
      if (!stored.has(`${id}:${v}`)) lost++;
    }
  }
  // Every deal was entered once before the load (one transition event each, not counted as acknowledged by the load).
  return { lost, unacknowledged: rows.length - ids.length - (ackedCount - lost) };
}

/** Waits until `done()` holds, polling every 50 ms, at most `limitMs` (then fails). */
export async function waitFor(done: () => boolean, limitMs = 120_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
