import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toView } from '../../src/records/view';
import { writeTransition } from '../../src/records/writer';
import { backends, startServer, type TestServer } from '../harness';
import { expectJson, legacyDeal, move, publish } from './helpers';

/**
 * A move that sets no fields must stay an in-place (HOT) update of the record row: no new entry
 * in any of the records table's indexes (ADR 007). It breaks as soon as an index covers a column
 * every move changes (`stage`, `version`, `updated_at`, `updated_by`) or the body is written
 * again. PostgreSQL's per-transaction statistics tell HOT updates from others.
 */
const PROCESS = {
  id: 'hot_test',
  label: 'HOT test',
  entity: 'pipeline.deal',
  initialStage: 'a',
  stages: [
    { id: 'a', label: 'A', kind: 'open' },
    { id: 'b', label: 'B', kind: 'open', sla: { maxDays: 3 } },
  ],
  transitions: [
    { id: 'forward', from: 'a', to: 'b' },
    { id: 'back', from: 'b', to: 'a' },
  ],
};

describe.each(backends())('moves update the record in place on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
    await expectJson(server.api('/api/processes', { method: 'POST', json: PROCESS }), 201);
    await publish(server.api, 'hot_test');
  });
  afterAll(() => server?.close());

  /** Writes the move a -> b of `id` in a transaction that is rolled back; returns that transaction's update counts on `records`. */
  async function countsOfMove(id: string, patch?: Record<string, unknown>): Promise<{ updated: number; hot: number; data: unknown }> {
    const { db, definitions } = server.platform.processes;
    const tx = await db.startTransaction().execute();
    try {
      // The view may hold counts of earlier, not yet reported transactions of this connection
      // (PostgreSQL 15+), so the move's own counts are a difference.
      const counts = async () => (await sql<{ updated: string; hot: string }>`select n_tup_upd as updated, n_tup_hot_upd as hot from pg_stat_xact_user_tables where relid = 'records'::regclass`.execute(tx)).rows[0];
      const start = await counts();
      const row = await tx.selectFrom('records').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const compiled = await definitions.version('hot_test', row.process_version as number, tx);
      const before = toView(row);
      const at = new Date();
      const after = { ...before, stage: 'b', data: patch ? { ...before.data, ...patch } : before.data, version: before.version + 1, updatedBy: 'adam-admin', updatedAt: at.toISOString() };
      const stay = await writeTransition(tx, server.platform.processes.queue, {
        record: { id, type: 'pipeline.deal', createdAt: new Date(row.created_at), createdBy: row.created_by },
        before, after, process: compiled, processId: 'hot_test', version: row.process_version as number, from: 'a', to: 'b', transitionId: 'forward', actor: 'adam-admin', at, meta: {}, actionJob: null,
      });
      expect(stay).not.toBeNull();
      const end = await counts();
      const written = await tx.selectFrom('records').select(['data', 'stage']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(written.stage).toBe('b');
      return { updated: Number(end?.updated) - Number(start?.updated ?? 0), hot: Number(end?.hot) - Number(start?.hot ?? 0), data: written.data };
    } finally {
      await tx.rollback().execute();
    }
  }

  it('writes a move without field changes as a HOT update and keeps the stored body', async () => {
    const deal = await legacyDeal(server, { name: 'Hot deal', amount: { amount: 1000.5, currency: 'USD' } }, 'harness-admin', null);
    await expectJson(move(server.api, deal.id, 1, { to: 'a', process: 'hot_test' }), 200);
    const plain = await countsOfMove(deal.id);
    expect(plain).toEqual({ updated: 1, hot: 1, data: { name: 'Hot deal', amount: { amount: 1000.5, currency: 'USD' } } });
  });

  it('still writes the body when the move sets fields (an update that may not be HOT)', async () => {
    const deal = await legacyDeal(server, { name: 'Patched deal', amount: { amount: 10, currency: 'USD' } }, 'harness-admin', null);
    await expectJson(move(server.api, deal.id, 1, { to: 'a', process: 'hot_test' }), 200);
    const patched = await countsOfMove(deal.id, { next_step: 'Send the quote' });
    expect(patched.updated).toBe(1);
    expect(patched.data).toEqual({ name: 'Patched deal', amount: { amount: 10, currency: 'USD' }, next_step: 'Send the quote' });
  });
});
