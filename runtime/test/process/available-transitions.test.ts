import type { AvailableTransitions } from '@pipewright/core/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type Client, type TestServer } from '../harness';
import { QUALIFIED, createDeal, expectJson, move, publish, type View } from './helpers';

type Deal = View & { process: { id: string; version: number } };
const usd = (amount: number) => ({ amount, currency: 'USD' });

/** Issue 11, item 6: the moves a record is offered are the moves it is allowed. */
describe.each(backends())('GET transitions on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  let account: View;
  const open = (c: Client, id: string) => expectJson<AvailableTransitions>(c.api(`/api/records/pipeline.deal/${id}/transitions`), 200);
  const summary = (a: AvailableTransitions) => a.transitions.map((t) => `${t.id ?? t.move}>${t.to}:${t.ready ? 'ready' : [t.guard.passed ? '' : 'guard', t.missing ? `needs ${t.missing.fields.join('+')}` : ''].filter(Boolean).join(' ')}`);

  beforeAll(async () => {
    server = await startServer(backend);
    rep = server.as('rep');
    account = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Acme', status: 'active' }, owner: null, orgUnit: null } }), 201);
  });
  afterAll(() => server?.close());

  it('lists the moves from the stage with guards evaluated and missing requirements, and each ready one is accepted', async () => {
    const deal = await createDeal(rep.api, { name: 'Offer me' });
    const first = await open(rep, deal.id);
    expect(first).toMatchObject({ record: { id: deal.id, stage: 'prospecting', version: 1 }, process: { id: 'new_business', version: 1, label: 'New business' }, stage: { id: 'prospecting', kind: 'open' }, editable: true });
    expect(summary(first)).toEqual(['qualify>engaging:needs account_id+amount+engage_date+next_step', 'lose>lost:needs close_date+lost_reason']);
    const qualify = first.transitions[0];
    expect(qualify?.missing?.schema).toMatchObject({ type: 'object', required: ['account_id', 'amount', 'engage_date', 'next_step'] });
    // Fill the fields: the move becomes ready, and the server accepts exactly it.
    await expectJson(rep.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { ...QUALIFIED, account_id: account.id, expected_close_date: '2024-12-01' } } }), 200);
    // (Losing it now fails the guard too: with an engage date, the close date must follow it.)
    expect(summary(await open(rep, deal.id))).toEqual(['qualify>engaging:ready', 'lose>lost:guard needs close_date+lost_reason']);
    await expectJson(move(rep.api, deal.id, 2, { to: 'engaging' }), 200);
    // From engaging: back to prospecting (implied), propose (its guard fails: close before engage), lose.
    const engaging = await open(rep, deal.id);
    expect(summary(engaging)).toEqual(['backward>prospecting:ready', 'propose>proposal:guard needs product_id+decision_maker_id', 'lose>lost:guard needs close_date+lost_reason']);
    const propose = engaging.transitions.find((t) => t.to === 'proposal');
    expect(propose?.guard).toMatchObject({ passed: false, message: 'The expected close date cannot be before the engage date.', explanation: { op: 'or', passed: false } });
    expect(propose?.missing?.fields).toEqual(['product_id', 'decision_maker_id']);
    // Offered and refused agree: the guard-failed move is refused; stages not offered are refused.
    expect((await move(rep.api, deal.id, 3, { to: 'proposal' })).status).toBe(422);
    for (const to of ['won', 'negotiation']) expect((await move(rep.api, deal.id, 3, { to })).status).toBe(422);
    expect((await move(rep.api, deal.id, 3, { to: 'prospecting' })).status).toBe(200);
  });

  it('leaves out moves needing a role the caller lacks, and offers nothing to a reader who may not move', async () => {
    const deal = await createDeal(rep.api, { name: 'Lost one' });
    const lost = await expectJson<{ record: Deal }>(move(rep.api, deal.id, 1, { to: 'lost', data: { close_date: '2025-01-02', lost_reason: 'price', amount: usd(50) } }), 200);
    expect(lost.record.stage).toBe('lost');
    expect((await open(rep, deal.id)).transitions).toEqual([]);
    expect(summary(await open(server.as('manager'), deal.id))).toEqual(['reopen>engaging:needs account_id+engage_date+next_step']);
    expect((await server.as('other-rep').api(`/api/records/pipeline.deal/${deal.id}/transitions`)).status).toBe(404);
    expect((await server.as('other-rep').api(`/api/deals/${deal.id}/transitions`)).status).toBe(404);
    expect((await rep.api('/api/records/crm.account/' + account.id + '/transitions')).status).toBe(422);
    expect((await rep.api('/api/records/pipeline.deal/not-a-uuid/transitions')).status).toBe(404);
    const shared = await createDeal(rep.api, { name: 'Read only' });
    await expectJson(rep.api(`/api/records/pipeline.deal/${shared.id}/shares`, { method: 'POST', json: { userId: 'cora-colleague', access: 'read' } }), 201);
    expect(await open(server.as('colleague'), shared.id)).toMatchObject({ editable: false, transitions: [] });
  });

  it('offers a deal the stages of its own pinned version, not a newer one', async () => {
    const v1 = await createDeal(rep.api, { name: 'On version 1', ...QUALIFIED, account_id: account.id });
    const detail = await expectJson<{ draft: { stages: { id: string }[]; transitions: { from: unknown; to: string }[] }; draftRevision: number }>(server.api('/api/processes/new_business'), 200);
    const draft = { ...detail.draft, stages: [...detail.draft.stages.slice(0, 1), { id: 'stage_7', label: 'Discovery', kind: 'open' }, ...detail.draft.stages.slice(1)], transitions: [...detail.draft.transitions, { id: 'discover', from: 'prospecting', to: 'stage_7' }, { id: 'discovered', from: 'stage_7', to: 'engaging' }] };
    await expectJson(server.api('/api/processes/new_business', { method: 'PUT', headers: { 'if-match': `"${detail.draftRevision}"` }, json: draft }), 200);
    expect(await publish(server.api, 'new_business')).toBe(2);
    const offered = await open(rep, v1.id);
    expect(offered.process?.version).toBe(1);
    expect(offered.transitions.map((t) => t.to)).not.toContain('stage_7');
    expect((await move(rep.api, v1.id, 1, { to: 'stage_7' })).status).toBe(422);
    const v2 = await createDeal(rep.api, { name: 'On version 2' });
    expect(v2).toMatchObject({ process: { id: 'new_business', version: 2 } });
    expect((await open(rep, v2.id)).transitions.map((t) => t.to)).toContain('stage_7');
  });

  it('is documented in OpenAPI', async () => {
    const doc = await expectJson<{ paths: Record<string, Record<string, { operationId: string }>> }>(server.api('/openapi.json'), 200);
    expect(doc.paths['/api/records/{type}/{id}/transitions']?.get?.operationId).toBe('listRecordTransitions');
    expect(doc.paths['/api/deals/{id}/transitions']?.get?.operationId).toBe('listDealTransitions');
  });
});
