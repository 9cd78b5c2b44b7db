import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type TestServer } from './harness';
import { QUALIFIED, count, createDeal, expectJson, move, type Problem, type View } from './process/helpers';

const DEAL_WATCH = fileURLToPath(new URL('./fixtures/transition-hooks/deal_watch', import.meta.url));

/**
 * Record hooks run on stage transitions too (ADR 015 addendum 3): beforeChange may fill the body
 * before guards and requirements, validate refuses with pointers, afterChange writes in the
 * move's transaction, and a hook that throws rolls the move back (stage, history, event).
 */
describe.each(backends())('record hooks on transitions on $name', (backend) => {
  let server: TestServer;
  let accountId: string;
  const moves = async (dealId: string) => (await expectJson<{ items: View[] }>(server.api(`/api/records/deal_watch.move?filter[deal_id]=${dealId}`), 200)).items;

  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_PLUGINS: DEAL_WATCH });
    accountId = (await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Hooked Inc', status: 'active' }, owner: null, orgUnit: null } }), 201)).id;
  });
  afterAll(() => server?.close());

  it('beforeChange fills what the stage requires, afterChange logs the move with its transition, in one transaction', async () => {
    const rep = server.as('rep');
    const deal = await createDeal(rep.api, { name: 'Watched' });
    const { next_step: _omitted, ...withoutNextStep } = QUALIFIED;
    const moved = await expectJson<{ record: View & { stage: string } }>(move(rep.api, deal.id, deal.version, { to: 'engaging', data: { ...withoutNextStep, account_id: accountId } }), 200);
    expect(moved.record.stage).toBe('engaging');
    expect(moved.record.data.next_step).toBe('Set by hook');
    expect((await moves(deal.id)).map((m) => m.data)).toEqual([{ deal_id: deal.id, from: 'prospecting', to: 'engaging', transition: 'qualify', operation: 'update' }]);

    // a plain edit is an update without a transition: no move logged
    const edited = await expectJson<View>(rep.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': `"${moved.record.version}"` }, json: { data: { next_step: 'Call again' } } }), 200);
    expect(edited.data.next_step).toBe('Call again');
    expect(await moves(deal.id)).toHaveLength(1);
  });

  it('validate refuses a move with pointers and nothing is written', async () => {
    const rep = server.as('rep');
    const deal = await createDeal(rep.api, { name: 'Refused' });
    const history = await count(server, 'stage_history');
    const p = await expectJson<Problem>(move(rep.api, deal.id, deal.version, { to: 'lost', data: { lost_reason: 'competitor', close_date: '2026-01-01' } }), 422);
    expect(p.code).toBe('record.refused-by-plugin');
    expect(p.errors?.[0]).toMatchObject({ pointer: '/data/lost_reason', message: 'this reason is not allowed' });
    expect((await expectJson<View & { stage: string }>(rep.api(`/api/records/pipeline.deal/${deal.id}`), 200)).stage).toBe('prospecting');
    expect(await count(server, 'stage_history')).toBe(history);
    expect(await moves(deal.id)).toHaveLength(0);
  });

  it('a hook that throws after the move rolls the move back and answers without its text', async () => {
    const rep = server.as('rep');
    const deal = await createDeal(rep.api, { name: 'explode' });
    const history = await count(server, 'stage_history');
    const events = await count(server, 'events');
    const res = await move(rep.api, deal.id, deal.version, { to: 'lost', data: { lost_reason: 'price', close_date: '2026-01-01' } });
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).toContain('plugin.hook-failed');
    expect(body).not.toContain('deal_watch exploded');
    const after = await expectJson<View & { stage: string }>(rep.api(`/api/records/pipeline.deal/${deal.id}`), 200);
    expect([after.stage, after.version]).toEqual(['prospecting', deal.version]);
    expect(await count(server, 'stage_history')).toBe(history);
    expect(await count(server, 'events')).toBe(events);
    expect(await moves(deal.id)).toHaveLength(0);
  });

  it('runs the hooks with an Idempotency-Key too, once, and the replay writes nothing more', async () => {
    const rep = server.as('rep');
    const deal = await createDeal(rep.api, { name: 'Keyed' });
    const body = { to: 'lost', data: { lost_reason: 'price', close_date: '2026-01-01' } };
    await expectJson(move(rep.api, deal.id, deal.version, body, { 'idempotency-key': 'hooked-1' }), 200);
    await expectJson(move(rep.api, deal.id, deal.version, body, { 'idempotency-key': 'hooked-1' }), 200);
    expect((await moves(deal.id)).map((m) => m.data.to)).toEqual(['lost']);
  });
});
