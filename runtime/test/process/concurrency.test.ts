import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type Client, type TestServer } from '../harness';
import { createDeal, expectJson, move } from './helpers';

process.env.PIPEWRIGHT_RATE_LIMIT = '1000000';

describe.each(backends())('concurrent transitions on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_RATE_LIMIT: '1000000' });
    rep = server.as('rep');
  });
  afterAll(() => server?.close());

  const stays = (id: string) => server.platform.database.db.selectFrom('stage_history').selectAll().where('record_id', '=', id).execute();
  const transitionEvents = async (id: string) => (await server.platform.database.db.selectFrom('events').select('id').where('record_id', '=', id).where('action', '=', 'transition').execute()).length;

  it('50 concurrent moves of one deal at one version: exactly one succeeds, the rest get 412', async () => {
    const deal = await createDeal(rep.api, { name: 'Contended' }, { stage: 'prospecting' });
    const responses = await Promise.all(Array.from({ length: 50 }, () => move(rep.api, deal.id, 1, { to: 'lost', data: { close_date: '2025-03-01', lost_reason: 'timing' } })));
    const statuses = responses.map((r) => r.status).sort();
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(49);
    expect((await stays(deal.id)).map((s) => s.stage).sort()).toEqual(['lost', 'prospecting']);
    expect(await transitionEvents(deal.id)).toBe(1);
  });

  it('50 concurrent requests with one Idempotency-Key: one transition, one set of jobs, the same answer for all', async () => {
    const deal = await createDeal(rep.api, { name: 'Retried', close_date: '2025-03-01', lost_reason: 'timing' }, { stage: 'prospecting' });
    const queued = await server.platform.processes.queue.boss.getQueueSize('pw_actions');
    const responses = await Promise.all(Array.from({ length: 50 }, () => move(rep.api, deal.id, 1, { to: 'lost' }, { 'idempotency-key': `same-${deal.id}` })));
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 50 }, () => 200));
    const parsed = bodies.map((b) => JSON.parse(b) as unknown);
    for (const b of parsed) expect(b).toEqual(parsed[0]);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(49);
    expect((await stays(deal.id)).map((s) => s.stage).sort()).toEqual(['lost', 'prospecting']);
    expect(await transitionEvents(deal.id)).toBe(1);
    expect(await server.platform.processes.queue.boss.getQueueSize('pw_actions')).toBe(queued + 1);
    const again = await expectJson<{ record: { version: number } }>(move(rep.api, deal.id, 1, { to: 'lost' }, { 'idempotency-key': `same-${deal.id}` }), 200);
    expect(again.record.version).toBe(2);
  });
});
