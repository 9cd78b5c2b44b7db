import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { measure } from './load';

/**
 * What the transition benchmarks share (`bench:transitions`, `bench:cluster`): the process they
 * move deals through, the seed (an admin, one API token per client, deals), and TPC-B on the
 * same database as the yardstick.
 */
export const PROCESS = {
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


/** What {@link seedBench} wrote: one token per client (plus one for setup) and the deal ids. */
export interface BenchSeed {
  tokens: string[];
  ids: string[];
}

/**
 * Seeds an empty platform database for a benchmark: an org unit, an admin, `clients + 1` API
 * tokens (each client its own rate-limit row, as integrations would have) and
 * `clients * dealsPerClient` deals outside any process.
 *
 * @example
 * ```ts
 * const { tokens, ids } = await seedBench(pool, 8, 25);
 * ```
 */
export async function seedBench(db: pg.Pool, clients: number, dealsPerClient: number): Promise<BenchSeed> {
  await db.query(`insert into org_units (id, name, kind) values ('bench', 'Bench', 'team')`);
  await db.query(`insert into users (id, name, email, org_unit_id, roles) values ('bench-admin', 'Bench', 'bench@bench.dev', 'bench', '["admin"]')`);
  const tokens: string[] = [];
  for (let i = 0; i <= clients; i++) {
    const token = `pwt_${randomBytes(24).toString('hex')}`;
    await db.query(`insert into api_tokens (id, user_id, name, scopes, token_hash, created_by, created_at) values ($1, 'bench-admin', $2, '["read","write","import","admin"]', $3, 'system:bench', now())`, [randomUUID(), `bench ${i}`, createHash('sha256').update(token).digest('hex')]);
    tokens.push(token);
  }
  const data = { name: 'Bench deal', amount: { amount: 1000, currency: 'USD' }, next_step: 'Benchmark' };
  await db.query(`insert into records (id, type, owner_id, org_unit_id, stage, version, data, created_by, updated_by, created_at, updated_at)
    select gen_random_uuid(), 'pipeline.deal', 'bench-admin', 'bench', null, 1, $1::jsonb, 'system:bench', 'system:bench', now(), now() from generate_series(1, $2::int)`, [JSON.stringify(data), clients * dealsPerClient]);
  const ids = (await db.query<{ id: string }>(`select id from records where type = 'pipeline.deal' order by id`)).rows.map((r) => r.id);
  return { tokens, ids };
}

/** A workload measured in rounds: `run(seconds)` returns operations per second. */
export interface Workload {
  run(seconds: number): Promise<number>;
  close(): Promise<void>;
}

export function hasPgbench(): boolean {
  try {
    execFileSync('pgbench', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * TPC-B on `url`'s database: pgbench (`-i -s <clients>`, then `-c <clients> -j 2`), or a
 * TPC-B-like script over `pg` when pgbench is not on PATH.
 */
export async function tpcb(url: string, clients: number): Promise<Workload & { how: string }> {
  if (hasPgbench()) {
    execFileSync('pgbench', ['-i', '-q', '-s', String(clients), url], { stdio: 'ignore' });
    return {
      how: 'pgbench',
      async run(seconds) {
        const out = execFileSync('pgbench', ['-c', String(clients), '-j', '2', '-T', String(seconds), url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(out) ?? /tps = ([\d.]+)/.exec(out);
        if (!m?.[1]) throw new Error(`cannot read pgbench output:\n${out}`);
        return Number(m[1]);
      },
      async close() {},
    };
  }
  const pool = new pg.Pool({ connectionString: url, max: clients });
  await pool.query('create table pgbench_branches (bid int primary key, bbalance int); create table pgbench_tellers (tid int primary key, bid int, tbalance int); create table pgbench_accounts (aid int primary key, bid int, abalance int); create table pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp)');
  await pool.query(`insert into pgbench_branches select g, 0 from generate_series(1, ${clients}) g; insert into pgbench_tellers select g, (g - 1) / 10 + 1, 0 from generate_series(1, ${clients * 10}) g; insert into pgbench_accounts select g, (g - 1) / 100000 + 1, 0 from generate_series(1, ${clients * 100000}) g`);
  const rnd = (n: number) => 1 + Math.floor(Math.random() * n);
  return {
    how: 'a TPC-B-like script over pg (pgbench not on PATH)',
    async run(seconds) {
      const r = await measure(clients, seconds, async () => {
        const c = await pool.connect();
        try {
          const [aid, tid, bid, delta] = [rnd(clients * 100000), rnd(clients * 10), rnd(clients), rnd(10000) - 5000];
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

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

