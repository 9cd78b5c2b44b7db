import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type TestServer } from './harness';
import { QUALIFIED, count, createDeal, expectJson, move, type Problem, type View } from './process/helpers';

const DEAL_WHEN = fileURLToPath(new URL('./fixtures/transition-hooks/deal_when', import.meta.url));

/**
 * `RecordHooks.when` (ADR 007 addendum 3): a plugin says which changes its hooks want. A stage
 * move none wants runs no hook and takes the fast path (no explicit transaction, the record
 * cache); a wanted move runs its hooks once, in its transaction, also right after a move that
 * filled the record cache; a `when` that throws refuses the write without its text.
 */
describe.each(backends())('record hooks with `when` on $name', (backend) => {
  let server: TestServer;
  let qualified: Record<string, unknown>;
  const logged = async (dealId: string) => (await expectJson<{ items: View[] }>(server.api(`/api/records/deal_when.move?filter[deal_id]=${dealId}&sort=createdAt`), 200)).items.map((m) => `${m.data.operation}:${m.data.to}`);
  const stageOf = async (id: string) => {
    const v = await expectJson<View & { stage: string }>(server.api(`/api/records/pipeline.deal/${id}`), 200);
    return [v.stage, v.version];
  };

  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_PLUGINS: DEAL_WHEN });
    const account = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'When Inc', status: 'active' }, owner: null, orgUnit: null } }), 201);
    qualified = { ...QUALIFIED, account_id: account.id };
  });
  afterAll(() => server?.close());

  it('a move no hook wants runs none of them; a plain edit runs them', async () => {
    const rep = server.as('rep');
    const deal = await createDeal(rep.api, { name: 'Unwanted' });
    expect(await logged(deal.id)).toEqual(['create:']);
    // validate would refuse this next step, but the hooks do not want moves into engaging
    const moved = await expectJson<{ record: View }>(move(rep.api, deal.id, deal.version, { to: 'engaging', data: { ...qualified, next_step: 'forbidden' } }), 200);
    expect(moved.record.data.next_step).toBe('forbidden');
    expect(await logged(deal.id)).toEqual(['create:']);
    // the same value in a plain edit is wanted, and refused
    const p = await expectJson<Problem>(rep.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': `"${moved.record.version}"` }, json: { data: { next_step: 'forbidden', name: 'Renamed' } } }), 422);
    expect(p.code).toBe('record.refused-by-plugin');
    expect(p.errors?.[0]).toMatchObject({ pointer: '/data/next_step' });
  });

  it('a wanted move right after an unwanted one (record cached) runs its hooks once', async () => {
    const rep = server.as('rep');
    const deal = await createDeal(rep.api, { name: 'Then lost' });
    const engaged = await expectJson<{ record: View }>(move(rep.api, deal.id, deal.version, { to: 'engaging', data: qualified }), 200);
    const lost = await expectJson<{ record: View & { stage: string } }>(move(rep.api, deal.id, engaged.record.version, { to: 'lost', data: { lost_reason: 'price', close_date: '2026-01-01' } }), 200);
    expect(lost.record.stage).toBe('lost');
    expect(await logged(deal.id)).toEqual(['create:', 'update:lost']);
    // and a stale version after it is still refused (412), with no hook run
    expect((await move(rep.api, deal.id, engaged.record.version, { to: 'engaging' })).status).toBe(412);
    expect(await logged(deal.id)).toEqual(['create:', 'update:lost']);
  });

  it('a wanted move whose hook throws rolls back, also when the record was cached by an unwanted move', async () => {
    const rep = server.as('rep');
    const deal = await createDeal(rep.api, { name: 'explode' });
    const engaged = await expectJson<{ record: View }>(move(rep.api, deal.id, deal.version, { to: 'engaging', data: qualified }), 200);
    const history = await count(server, 'stage_history');
    const events = await count(server, 'events');
    const res = await move(rep.api, deal.id, engaged.record.version, { to: 'lost', data: { lost_reason: 'price', close_date: '2026-01-01' } });
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).toContain('plugin.hook-failed');
    expect(body).not.toContain('deal_when exploded');
    expect(await stageOf(deal.id)).toEqual(['engaging', engaged.record.version]);
    expect(await count(server, 'stage_history')).toBe(history);
    expect(await count(server, 'events')).toBe(events);
    expect(await logged(deal.id)).toEqual(['create:']);
    // the next, unwanted move is decided on the record as it is (version kept, so no 412)
    const next = await expectJson<Problem & { fields?: string[] }>(move(rep.api, deal.id, engaged.record.version, { to: 'proposal' }), 422);
    expect(next.code).toBe('process.requirements-unmet');
    expect(next.fields).toContain('product_id');
  });

  it('a `when` that throws refuses the write without its text and writes nothing', async () => {
    const rep = server.as('rep');
    const records = await count(server, 'records');
    const res = await rep.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'when-throws' } } });
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).toContain('plugin.hook-failed');
    expect(body).not.toContain('when exploded');
    expect(await count(server, 'records')).toBe(records);
  });
});
