import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordCache } from '../../src/process/record-cache';
import { backends, startServer, type Client, type TestServer } from '../harness';
import { expectJson, legacyDeal, move, publish, type Problem } from './helpers';

/**
 * Transitions decide on a cached copy of a record they moved before (no read), and must give
 * exactly the answers a fresh read gives: a change by another runtime process (simulated by a
 * direct write), or access taken away without a new version, must win over the cached copy.
 */
const PROCESS = {
  id: 'cache_test',
  label: 'Cache test',
  entity: 'pipeline.deal',
  initialStage: 'a',
  stages: [
    { id: 'a', label: 'A', kind: 'open' },
    { id: 'b', label: 'B', kind: 'open' },
    { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 },
  ],
  transitions: [
    { id: 'forward', from: 'a', to: 'b', guard: { '>': [{ var: 'amount.amount' }, 0] } },
    { id: 'back', from: 'b', to: 'a' },
    { id: 'lose', from: '*', to: 'lost' },
  ],
};

describe.each(backends())('transitions on cached records on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  let colleague: Client;
  beforeAll(async () => {
    server = await startServer(backend);
    rep = server.as('rep');
    colleague = server.as('colleague');
    await expectJson(server.api('/api/processes', { method: 'POST', json: PROCESS }), 201);
    await publish(server.api, 'cache_test');
  });
  afterAll(() => server?.close());

  /** What another runtime process would do: change the record's amount and bump its version. */
  const elsewhere = (id: string, amount: number) =>
    sql`update records set data = jsonb_set(data, '{amount}', ${JSON.stringify({ amount, currency: 'USD' })}::jsonb), version = version + 1 where id = ${id}::uuid`.execute(server.platform.database.db);

  it('answers 412 for a version another process moved past, and decides on the fresh record at the new version', async () => {
    const deal = await legacyDeal(server, { name: 'Cached A', amount: { amount: 500, currency: 'USD' } });
    await expectJson(move(rep.api, deal.id, 1, { to: 'a', process: 'cache_test' }), 200);
    // This process now holds the deal at version 2 with amount 500; another one sets it to 0.
    await elsewhere(deal.id, 0);
    const stale = await expectJson<Problem & { currentVersion: number }>(move(rep.api, deal.id, 2, { to: 'b' }), 412);
    expect(stale.currentVersion).toBe(3);
    const blocked = await expectJson<Problem>(move(rep.api, deal.id, 3, { to: 'b' }), 422);
    expect(blocked.code).toBe('process.guard-failed');
  });

  it('answers 412, not the cached copy\'s refusal, when the cached copy is outdated', async () => {
    const deal = await legacyDeal(server, { name: 'Cached B', amount: { amount: 0, currency: 'USD' } });
    await expectJson(move(rep.api, deal.id, 1, { to: 'a', process: 'cache_test' }), 200);
    // Cached at version 2 with amount 0 (the guard would refuse); elsewhere it became 900.
    await elsewhere(deal.id, 900);
    await expectJson(move(rep.api, deal.id, 2, { to: 'b' }), 412);
    const moved = await expectJson<{ record: { version: number; stage: string } }>(move(rep.api, deal.id, 3, { to: 'b' }), 200);
    expect(moved.record).toMatchObject({ version: 4, stage: 'b' });
    // And the next move, decided on the copy this process wrote, is right too.
    expect((await expectJson<{ record: { version: number; stage: string } }>(move(rep.api, deal.id, 4, { to: 'a' }), 200)).record).toMatchObject({ version: 5, stage: 'a' });
    const stays = await server.platform.database.db.selectFrom('stage_history').select(['stage', 'exited_at']).where('record_id', '=', deal.id).orderBy('id').execute();
    expect(stays.map((s) => [s.stage, s.exited_at === null])).toEqual([['a', false], ['b', false], ['a', true]]);
  });

  it('refuses a move on a cached copy once access is taken away, though the version did not change', async () => {
    const deal = await legacyDeal(server, { name: 'Shared', amount: { amount: 10, currency: 'USD' } });
    await expectJson(server.as('rep').api(`/api/records/pipeline.deal/${deal.id}/shares`, { method: 'POST', json: { userId: 'cora-colleague', access: 'edit' } }), 201);
    await expectJson(move(colleague.api, deal.id, 1, { to: 'a', process: 'cache_test' }), 200);
    const unshared = await rep.api(`/api/records/pipeline.deal/${deal.id}/shares/cora-colleague`, { method: 'DELETE' });
    expect(unshared.status).toBe(204);
    await expectJson(move(colleague.api, deal.id, 2, { to: 'b' }), 404);
    const row = await server.platform.database.db.selectFrom('records').select(['version', 'stage']).where('id', '=', deal.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ version: 2, stage: 'a' });
  });

  it('answers 404 for a record deleted since it was cached', async () => {
    const deal = await legacyDeal(server, { name: 'Deleted', amount: { amount: 10, currency: 'USD' } });
    await expectJson(move(rep.api, deal.id, 1, { to: 'a', process: 'cache_test' }), 200);
    await sql`update records set deleted_at = now(), version = version + 1 where id = ${deal.id}::uuid`.execute(server.platform.database.db);
    await expectJson(move(rep.api, deal.id, 2, { to: 'b' }), 404);
  });
});

describe('RecordCache', () => {
  const row = (id: string, version: number) => ({ id, type: 'pipeline.deal', version, deleted_at: null }) as never;

  it('returns a row only at its type and version, and forgets the least recently used beyond its capacity', () => {
    const cache = new RecordCache(2);
    cache.set(row('a', 1));
    cache.set(row('b', 1));
    expect(cache.get('a', 'pipeline.deal', 1)).toBeDefined();
    expect(cache.get('a', 'pipeline.deal', 2)).toBeUndefined();
    expect(cache.get('a', 'crm.account', 1)).toBeUndefined();
    cache.set(row('c', 1));
    // 'b' was the least recently used.
    expect(cache.get('b', 'pipeline.deal', 1)).toBeUndefined();
    expect(cache.get('a', 'pipeline.deal', 1)).toBeDefined();
    expect(cache.get('c', 'pipeline.deal', 1)).toBeDefined();
    expect(cache.size).toBe(2);
    const off = new RecordCache(0);
    off.set(row('a', 1));
    expect(off.get('a', 'pipeline.deal', 1)).toBeUndefined();
  });
});
