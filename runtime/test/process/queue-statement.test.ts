import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/jobs/queue';
import { backends, startServer, type TestServer } from '../harness';

/**
 * Transitions write their jobs into pg-boss's table as one step of the transition's statement
 * (JobQueue.insertFrom) instead of calling pg-boss's `send`. The rows must be the ones `send`
 * writes, or pg-boss would treat them differently (retries, expiry, retention); this compares
 * them column by column, so a pg-boss upgrade that changes its insert fails here.
 */
describe.each(backends())('jobs written inside a statement on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
  });
  afterAll(() => server?.close());

  const COLUMNS = ['name', 'priority', 'state', 'retry_limit', 'retry_count', 'retry_delay', 'retry_backoff', 'start_after', 'singleton_key', 'singleton_on', 'expire_in', 'keep_until', 'dead_letter', 'policy', 'data'];

  it('writes the same row as pg-boss send, one per source row, with the statement-computed payload members', async () => {
    const queue = server.platform.processes.queue;
    const db = server.platform.database.db;
    const job = sql.table(`${queue.schema}.job`);
    // In an hour: no worker picks them up while we compare.
    const startAfter = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3_600_000);
    for (const name of [QUEUES.actions, QUEUES.sla]) {
      const sentId = await queue.send(name, { marker: `sent-${name}`, historyId: '7' }, { startAfter });
      expect(sentId).toBeTruthy();
      await sql`with src as (select 7 as id), jobs as (${queue.insertFrom('src', [{ name, data: { marker: `stmt-${name}` }, startAfter }], sql`jsonb_build_object('historyId', src.id::text)`)}) select 1`.execute(db);
      const rows = await sql<Record<string, unknown>>`select ${sql.join(COLUMNS.map((c) => sql.ref(c)))} from ${job} where data->>'marker' in (${`sent-${name}`}, ${`stmt-${name}`}) order by data->>'marker'`.execute(db);
      expect(rows.rows).toHaveLength(2);
      const [sent, stmt] = rows.rows as [Record<string, unknown>, Record<string, unknown>];
      expect(stmt.data).toEqual({ marker: `stmt-${name}`, historyId: '7' });
      expect({ ...stmt, data: null }).toEqual({ ...sent, data: null });
      expect(new Date(stmt.start_after as string).getTime()).toBe(startAfter.getTime());
    }
  });

  it('writes no job when the source is empty, and one per source row otherwise', async () => {
    const queue = server.platform.processes.queue;
    const db = server.platform.database.db;
    const job = sql.table(`${queue.schema}.job`);
    const startAfter = new Date(Date.now() + 3_600_000);
    await sql`with src as (select 1 as id where false), jobs as (${queue.insertFrom('src', [{ name: QUEUES.sla, data: { marker: 'none' }, startAfter }], sql`'{}'::jsonb`)}) select 1`.execute(db);
    await sql`with src as (select g as id from generate_series(1, 3) g), jobs as (${queue.insertFrom('src', [{ name: QUEUES.sla, data: { marker: 'three' }, startAfter }, { name: QUEUES.actions, data: { marker: 'three' }, startAfter }], sql`jsonb_build_object('n', src.id)`)}) select 1`.execute(db);
    const counts = await sql<{ marker: string; name: string; n: number }>`select data->>'marker' as marker, name, count(*)::int as n from ${job} where data->>'marker' in ('none', 'three') group by 1, 2 order by 2`.execute(db);
    expect(counts.rows).toEqual([{ marker: 'three', name: QUEUES.actions, n: 3 }, { marker: 'three', name: QUEUES.sla, n: 3 }]);
  });
});
