import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAINTENANCE_CRON, QUEUES } from '../../src/jobs/queue';
import { loadConfig } from '../../src/config';
import { backends, startServer, type Client, type TestServer } from '../harness';
import { eventually, expectJson, legacyDeal, move, publish, type Problem, type View } from './helpers';

process.env.PIPEWRIGHT_JOB_POLL_SECONDS = '0.5';

const HOUR = 3600_000;

/** A process without actions or SLAs: only the stored responses matter here. */
const EXPIRY_PROCESS = {
  id: 'expiry_test',
  label: 'Idempotency expiry test',
  entity: 'pipeline.deal',
  initialStage: 'a',
  stages: [
    { id: 'a', label: 'A', kind: 'open' },
    { id: 'b', label: 'B', kind: 'open' },
    { id: 'c', label: 'C', kind: 'open' },
    { id: 'won', label: 'Won', kind: 'won', probability: 1 },
    { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 },
  ],
  transitions: [
    { id: 'ab', from: 'a', to: 'b' },
    { id: 'bc', from: 'b', to: 'c' },
    { id: 'win', from: 'c', to: 'won' },
    { id: 'lose', from: '*', to: 'lost' },
  ],
};

interface Moved {
  record: View;
  transition: { historyId: string; at: string };
}

describe('PIPEWRIGHT_IDEMPOTENCY_TTL_HOURS', () => {
  it('defaults to 24 hours and must be a positive whole number', () => {
    expect(loadConfig({}).idempotencyTtlHours).toBe(24);
    expect(loadConfig({ PIPEWRIGHT_IDEMPOTENCY_TTL_HOURS: '2' }).idempotencyTtlHours).toBe(2);
    for (const bad of ['0', '-1', '1.5', 'soon', '']) expect(() => loadConfig({ PIPEWRIGHT_IDEMPOTENCY_TTL_HOURS: bad }), bad).toThrow(/PIPEWRIGHT_IDEMPOTENCY_TTL_HOURS/);
  });
});

describe.each(backends())('Idempotency-Key expiry on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  /** The runtime's clock runs `offset` ms ahead of the real one. */
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const keys = () => server.platform.database.db.selectFrom('idempotency_keys').select(['key', 'request_hash', 'created_at']).orderBy('key').execute();
  const keyRow = async (key: string) => (await keys()).find((k) => k.key === key);

  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_IDEMPOTENCY_TTL_HOURS: '1' }, { now: clock });
    // Bearer tokens: the harness's sessions would end when the clock jumps hours ahead.
    rep = server.as('rep', 'token');
    await expectJson(server.api('/api/processes', { method: 'POST', json: EXPIRY_PROCESS }), 201);
    await publish(server.api, 'expiry_test');
    await server.platform.processes.startWorkers(1);
  });
  afterAll(() => server?.close());

  const enter = async (name: string) => {
    const deal = await legacyDeal(server, { name });
    await expectJson(move(rep.api, deal.id, 1, { to: 'a', process: 'expiry_test' }), 200);
    return deal;
  };

  it('replays the stored response while the key is younger than the TTL', async () => {
    offset = 0;
    const deal = await enter('Within TTL');
    const headers = { 'idempotency-key': `within-${deal.id}` };
    const first = await expectJson<Moved>(move(rep.api, deal.id, 2, { to: 'b' }, headers), 200);
    offset += 59 * 60_000;
    const again = await move(rep.api, deal.id, 2, { to: 'b' }, headers);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await expectJson<Moved>(again, 200)).toEqual(first);
    // Still the same key for another request.
    expect((await expectJson<Problem>(move(rep.api, deal.id, 2, { to: 'lost' }, headers), 422)).code).toBe('idempotency.key-reused');
    // A sweep keeps it.
    await server.platform.processes.workers?.sweep();
    expect(await keyRow(`within-${deal.id}`)).toBeDefined();
    expect((await expectJson<View>(rep.api(`/api/records/pipeline.deal/${deal.id}`), 200)).version).toBe(3);
  });

  it('treats a key older than the TTL as new, even before any sweep removed it', async () => {
    offset = 0;
    const deal = await enter('Past TTL');
    const key = `past-${deal.id}`;
    const headers = { 'idempotency-key': key };
    await expectJson<Moved>(move(rep.api, deal.id, 2, { to: 'b' }, headers), 200);
    const stored = await keyRow(key);
    offset += HOUR + 60_000;
    // The same request again is executed, not replayed: the deal is at version 3 now, so 412.
    const repeated = await move(rep.api, deal.id, 2, { to: 'b' }, headers);
    expect(repeated.headers.get('idempotent-replayed')).toBeNull();
    expect((await expectJson<Problem>(repeated, 412)).status).toBe(412);
    // The refused request rolled back: the expired row is untouched, not a held key. (pg-boss's
    // real-time cron may sweep the row meanwhile, the runtime's clock being hours ahead: then it
    // is gone, but it is never replaced by a claim of the refused request.)
    const after = await keyRow(key);
    if (after !== undefined) expect(after).toEqual(stored);
    // A different request under the expired key is a new request, not 422 key-reused.
    const fresh = await move(rep.api, deal.id, 3, { to: 'c' }, headers);
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
    const moved = await expectJson<Moved>(fresh, 200);
    expect(moved.record).toMatchObject({ stage: 'c', version: 4 });
    const reclaimed = await keyRow(key);
    expect(reclaimed?.request_hash).not.toBe(stored?.request_hash);
    expect(new Date(reclaimed?.created_at as Date).getTime()).toBeGreaterThan(new Date(stored?.created_at as Date).getTime() + HOUR);
    // ...which is now the one replayed for this key.
    const replay = await move(rep.api, deal.id, 3, { to: 'c' }, headers);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await expectJson<Moved>(replay, 200)).toEqual(moved);
  });

  it('answers two concurrent requests with one expired key once: one runs, the other replays', async () => {
    offset = 0;
    const deal = await enter('Race for an expired key');
    const headers = { 'idempotency-key': `race-${deal.id}` };
    await expectJson(move(rep.api, deal.id, 2, { to: 'b' }, headers), 200);
    offset += 2 * HOUR;
    const both = await Promise.all([move(rep.api, deal.id, 3, { to: 'c' }, headers), move(rep.api, deal.id, 3, { to: 'c' }, headers)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both.map((r) => r.headers.get('idempotent-replayed')).sort()).toEqual(['true', null].sort());
    const [a, b] = await Promise.all(both.map((r) => r.json()));
    expect(a).toEqual(b);
    expect((await expectJson<View>(rep.api(`/api/records/pipeline.deal/${deal.id}`), 200)).version).toBe(4);
  });

  it('sweeps keys older than the TTL with the maintenance job pg-boss schedules, and keeps younger ones', async () => {
    const schedules = await server.platform.processes.queue.boss.getSchedules();
    expect(schedules.filter((s) => s.name === QUEUES.maintenance)).toEqual([expect.objectContaining({ cron: MAINTENANCE_CRON, data: { task: 'sweep' } })]);
    const policy = await sql<{ policy: string }>`select policy from ${sql.table(`${server.platform.processes.queue.schema}.queue`)} where name = ${QUEUES.maintenance}`.execute(server.platform.database.db);
    expect(policy.rows).toEqual([{ policy: 'stately' }]);

    offset = 10 * HOUR;
    const old = await enter('Old key');
    await expectJson(move(rep.api, old.id, 2, { to: 'b' }, { 'idempotency-key': `old-${old.id}` }), 200);
    offset += HOUR + 60_000;
    const young = await enter('Young key');
    await expectJson(move(rep.api, young.id, 2, { to: 'b' }, { 'idempotency-key': `young-${young.id}` }), 200);
    const workers = server.platform.processes.workers;
    const swept = workers?.stats.keysSwept ?? 0;
    await server.platform.processes.queue.send(QUEUES.maintenance, { task: 'sweep' });
    await eventually(async () => (await keyRow(`old-${old.id}`)) === undefined);
    expect(workers?.stats.keysSwept).toBeGreaterThan(swept);
    expect(await keyRow(`young-${young.id}`)).toBeDefined();
    const cutoff = clock().getTime() - HOUR;
    expect((await keys()).every((k) => new Date(k.created_at).getTime() >= cutoff)).toBe(true);
    // The swept key is simply new: a different request under it runs.
    const again = await move(rep.api, old.id, 3, { to: 'c' }, { 'idempotency-key': `old-${old.id}` });
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect((await expectJson<Moved>(again, 200)).record.stage).toBe('c');
  });
});
