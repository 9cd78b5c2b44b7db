import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { backends, startServer, type TestServer } from '../../../runtime/test/harness';
import { expectJson, type Problem, type View } from '../../../runtime/test/process/helpers';
import { plugin } from '../src/runtime/index';
import { BASE, CONTRACT, type ContractView, wonDeal } from './contracts.test-support';

// The platform clock of these tests: mid-June 2026, so instalments due from March are overdue.
const NOW = new Date('2026-06-15T09:00:00Z');
const zh = { 'accept-language': 'zh-CN' };

/**
 * Contracts and payment collection over HTTP on both backends: the won deal's action makes one
 * contract per deal with its plan; payments partial, over and early with the remainders per
 * instalment and contract; bad input naming the field; who may record, request and approve; the
 * value locked once paid (records API 409/422 in both languages); approved changes applied; the
 * overdue timer reminding once and escalating once; the metrics against the contracts' figures.
 */
describe.each(backends())('contracts and payment collection on $name', (backend) => {
  let server: TestServer;
  const rep = () => server.as('rep', 'token').api;
  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5', PIPEWRIGHT_RATE_LIMIT: '100000' }, { now: () => NOW });
    await server.seedOrg();
    await server.platform.processes.startWorkers(2);
  }, 120_000);
  afterAll(() => server?.close());

  const pay = (api: typeof server.api, id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => api(`${BASE}/${id}/payments`, { method: 'POST', headers, json: body });

  it('makes one contract per won deal, with a plan of three instalments that sum to the close value', async () => {
    const { deal, contract: v } = await wonDeal(server, rep(), { value: 9000, closeDate: '2026-03-01' });
    expect(v.contract).toMatchObject({ number: expect.stringMatching(/^C-/), owner: 'rick-rep', value: 9000, currency: 'USD', collected: 0, outstanding: 9000, overpaid: 0, status: 'open', deal_id: deal.id });
    expect(v.instalments.map((i) => [i.seq, i.due_date, i.amount, i.remaining])).toEqual([
      [1, '2026-03-31', 3000, 3000],
      [2, '2026-04-30', 3000, 3000],
      [3, '2026-05-30', 3000, 3000],
    ]);
    // The action again (a second execution, e.g. the deal won again after a reopen): the same contract.
    const action = plugin.actions?.create_contract;
    if (!action) throw new Error('no action');
    const s = server.platform.plugins.services('pipeline', systemPrincipal('process'));
    const ctx = { ...s, idempotencyKey: `again-${deal.id}`, config: { instalments: 3 }, actor: 'system:test', record: { id: deal.id, type: 'pipeline.deal', data: deal.data, owner: deal.owner, orgUnit: 't-north-a', stage: 'won' }, recipients: async () => [], records: { ...s.records, create: async (type: string, input: Parameters<typeof s.records.create>[1]) => ({ id: (await s.records.create(type, input)).id, created: true }) } };
    const again = (await action(ctx as never)) as { contract: string; created: boolean };
    expect(again).toEqual({ contract: v.contract.id, created: false });
    const all = await expectJson<{ items: View[] }>(server.api(`/api/records/${CONTRACT}?filter[deal_id]=${deal.id}`), 200);
    expect(all.items.length).toBe(1);
    const plan = await expectJson<{ items: View[] }>(server.api(`/api/records/pipeline.instalment?filter[contract_id]=${v.contract.id}`), 200);
    expect(plan.items.length).toBe(3);
  }, 120_000);

  it('records partial, over and early payments: remainders per instalment and contract, the excess carried, then flagged as overpaid', async () => {
    const { contract } = await wonDeal(server, rep(), { value: 9000, closeDate: '2026-03-01' });
    const id = contract.contract.id;
    const [i1, i2, i3] = contract.instalments;
    if (!i1 || !i2 || !i3) throw new Error('plan');
    let v = await expectJson<ContractView>(pay(rep(), id, { amount: 1000, paid_on: '2026-04-02', instalment_id: i1.id, reference: 'TT-1' }), 201);
    expect(v.instalments.map((i) => [i.paid, i.remaining, i.status])).toEqual([[1000, 2000, 'partial'], [0, 3000, 'open'], [0, 3000, 'open']]);
    expect(v.contract).toMatchObject({ collected: 1000, outstanding: 8000, overpaid: 0, status: 'open', next_due_date: '2026-03-31' });
    // Over: 2,500 against the first fills its 2,000 and carries 500 to the second.
    v = await expectJson<ContractView>(pay(rep(), id, { amount: 2500, paid_on: '2026-04-20', instalment_id: i1.id }), 201);
    expect(v.instalments.map((i) => [i.paid, i.remaining, i.status, i.paid_on])).toEqual([[3000, 0, 'paid', '2026-04-20'], [500, 2500, 'partial', null], [0, 3000, 'open', null]]);
    // Early: the third, a month before it is due.
    v = await expectJson<ContractView>(pay(server.as('manager', 'token').api, id, { amount: 3000, paid_on: '2026-04-29', instalment_id: i3.id }), 201);
    expect(v.instalments.map((i) => i.remaining)).toEqual([0, 2500, 0]);
    expect(v.contract).toMatchObject({ collected: 6500, outstanding: 2500, next_due_date: '2026-04-30' });
    // 46 days overdue on the second instalment (due 2026-04-30): the 31-60 bucket.
    expect(v.contract.overdue).toEqual({ amount: 2500, days: 46, bucket: '31_60' });
    // Over the whole contract: 2,500 settles it, 500 is flagged.
    v = await expectJson<ContractView>(pay(server.as('admin', 'token').api, id, { amount: 3000, paid_on: '2026-06-15' }), 201);
    expect(v.contract).toMatchObject({ collected: 9500, outstanding: 0, overpaid: 500, status: 'overpaid', next_due_date: null, overdue: { amount: 0, days: 0, bucket: null } });
    expect(v.payments.map((p) => p.amount)).toEqual([1000, 2500, 3000, 3000]);
    const stored = await expectJson<View>(server.api(`/api/records/${CONTRACT}/${id}`), 200);
    expect(stored.data).toMatchObject({ collected: 9500, outstanding: 0, overpaid: 500, status: 'overpaid' });
  }, 120_000);

  it('keeps the figures right when payments are recorded at once: all land, none is lost', async () => {
    const { contract } = await wonDeal(server, rep(), { value: 3000, closeDate: '2026-04-01' });
    const id = contract.contract.id;
    const answers = await Promise.all([300, 400, 500, 600].map((amount, k) => pay(k % 2 ? server.as('manager', 'token').api : rep(), id, { amount, paid_on: '2026-05-01' })));
    // The route settles again with the payments committed meanwhile: all four land.
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const v = await expectJson<ContractView>(server.api(`${BASE}/${id}`), 200);
    const landed = answers.map((r, k) => (r.status === 201 ? [300, 400, 500, 600][k] ?? 0 : 0)).reduce((a, b) => a + b, 0);
    expect(v.payments.reduce((t, p) => t + p.amount, 0)).toBe(landed);
    expect(v.contract.collected).toBe(landed);
    expect(v.contract.outstanding).toBe(3000 - landed);
    expect(v.instalments.reduce((t, i) => t + i.remaining, 0)).toBe(3000 - landed);
  }, 120_000);

  it('refuses bad payments and plans with problem+json naming the field, in both languages', async () => {
    const { contract } = await wonDeal(server, rep(), { value: 1000, closeDate: '2026-05-01' });
    const { contract: other } = await wonDeal(server, rep(), { value: 1000, closeDate: '2026-05-01' });
    const id = contract.contract.id;
    const bad = async (body: Record<string, unknown>, status: number, pointer: string) => {
      const p = await expectJson<Problem>(pay(rep(), id, body), status);
      expect(p.errors?.map((e) => e.pointer), JSON.stringify(p)).toContain(pointer);
      return p;
    };
    await bad({ amount: 0, paid_on: '2026-05-02' }, 422, '/amount');
    await bad({ amount: 'ten', paid_on: '2026-05-02' }, 422, '/amount');
    await bad({ amount: 10.005, paid_on: '2026-05-02' }, 422, '/amount');
    await bad({ amount: 10, paid_on: 'yesterday' }, 422, '/paid_on');
    await bad({ amount: 10, paid_on: '2026-07-01' }, 422, '/paid_on');
    await bad({ amount: 10, paid_on: '2026-05-02', currency: 'EUR' }, 422, '/currency');
    await bad({ amount: 10, paid_on: '2026-05-02', instalment_id: other.instalments[0]?.id }, 422, '/instalment_id');
    await bad({ amount: 10 }, 422, '/paid_on');
    const future = await expectJson<Problem>(pay(rep(), id, { amount: 10, paid_on: '2026-07-01' }, zh), 422);
    expect(future.detail).toContain('回款');
    expect((await pay(rep(), '00000000-0000-4000-8000-000000000000', { amount: 10, paid_on: '2026-05-02' })).status).toBe(404);
    expect((await pay(rep(), 'not-an-id', { amount: 10, paid_on: '2026-05-02' })).status).toBe(404);
    // Plans: the sum must be the value; after a payment the plan is locked.
    const sum = await expectJson<Problem>(rep()(`${BASE}/${id}/plan`, { method: 'PUT', json: { instalments: [{ due_date: '2026-06-01', amount: 400 }, { due_date: '2026-07-01', amount: 500 }] } }), 422);
    expect(sum).toMatchObject({ code: 'pipeline.plan-sum', errors: [{ pointer: '/instalments' }] });
    const sumZh = await expectJson<Problem>(rep()(`${BASE}/${id}/plan`, { method: 'PUT', headers: zh, json: { instalments: [{ due_date: '2026-06-01', amount: 400 }] } }), 422);
    expect(sumZh.detail).toBe('各期金额合计必须等于合同金额。');
    const replanned = await expectJson<ContractView>(rep()(`${BASE}/${id}/plan`, { method: 'PUT', json: { value: 1200, instalments: [{ due_date: '2026-07-01', amount: 700 }, { due_date: '2026-06-01', amount: 500 }] } }), 200);
    expect(replanned.contract).toMatchObject({ value: 1200, outstanding: 1200, next_due_date: '2026-06-01' });
    expect(replanned.instalments.map((i) => [i.seq, i.due_date, i.amount])).toEqual([[1, '2026-06-01', 500], [2, '2026-07-01', 700]]);
    await expectJson(pay(rep(), id, { amount: 100, paid_on: '2026-06-10' }), 201);
    const locked = await expectJson<Problem>(rep()(`${BASE}/${id}/plan`, { method: 'PUT', json: { instalments: [{ due_date: '2026-06-01', amount: 1200 }] } }), 409);
    expect(locked).toMatchObject({ code: 'pipeline.plan-locked', errors: [{ pointer: '/instalments' }] });
    // A plan the action has not finished writing (an instalment missing) takes no payment yet.
    const last = other.instalments[2];
    if (!last) throw new Error('plan');
    const db = server.platform.database.db;
    await db.updateTable('records').set({ deleted_at: new Date() }).where('id', '=', last.id).execute();
    const early = await expectJson<Problem>(pay(rep(), other.contract.id, { amount: 10, paid_on: '2026-05-02' }), 409);
    expect(early).toMatchObject({ code: 'pipeline.contract-not-ready', errors: [{ pointer: '/instalments' }] });
    await db.updateTable('records').set({ deleted_at: null }).where('id', '=', last.id).execute();
    await expectJson(pay(rep(), other.contract.id, { amount: 10, paid_on: '2026-05-02' }), 201);
  }, 120_000);

  it('locks the value against direct edits (422 before a payment, 409 after, both languages) and keeps the derived records to the routes', async () => {
    const { contract } = await wonDeal(server, rep(), { value: 2000, closeDate: '2026-05-01' });
    const id = contract.contract.id;
    const patch = (version: number, data: Record<string, unknown>, headers: Record<string, string> = {}) => rep()(`/api/records/${CONTRACT}/${id}`, { method: 'PATCH', headers: { 'if-match': `"${version}"`, ...headers }, json: { data } });
    let rec = await expectJson<View>(server.api(`/api/records/${CONTRACT}/${id}`), 200);
    const before = await expectJson<Problem>(patch(rec.version, { value: { amount: 2500, currency: 'USD' } }), 422);
    expect(before).toMatchObject({ code: 'pipeline.contract-value-via-plan', errors: [{ pointer: '/data/value' }] });
    await expectJson(pay(rep(), id, { amount: 500, paid_on: '2026-05-20' }), 201);
    rec = await expectJson<View>(server.api(`/api/records/${CONTRACT}/${id}`), 200);
    const after = await expectJson<Problem>(patch(rec.version, { value: { amount: 2500, currency: 'USD' } }), 409);
    expect(after).toMatchObject({ code: 'pipeline.contract-value-locked', errors: [{ pointer: '/data/value' }] });
    expect(after.detail).toMatch(/cannot be changed once a payment exists/);
    const afterZh = await expectJson<Problem>(patch(rec.version, { value: { amount: 2500, currency: 'USD' } }, zh), 409);
    expect(afterZh.detail).toMatch(/合同已有回款，不能直接修改合同金额/);
    // An admin cannot either: the change needs an approved request.
    expect((await server.api(`/api/records/${CONTRACT}/${id}`, { method: 'PATCH', headers: { 'if-match': `"${rec.version}"` }, json: { data: { value: { amount: 1, currency: 'USD' } } } })).status).toBe(409);
    const derived = await expectJson<Problem>(patch(rec.version, { collected: 2000 }), 422);
    expect(derived.errors?.map((e) => e.pointer)).toEqual(['/data/collected']);
    // Notes are the rep's to edit.
    await expectJson(patch(rec.version, { notes: 'Paid by wire' }), 200);
    const direct = await expectJson<Problem>(rep()('/api/records/pipeline.payment', { method: 'POST', json: { data: { code: 'X-1', contract_id: id, amount: { amount: 5, currency: 'USD' }, paid_on: '2026-05-20' } } }), 422);
    expect(direct.code).toBe('pipeline.contract-records-by-routes');
    const inst = contract.instalments[0];
    if (!inst) throw new Error('plan');
    const instView = await expectJson<View>(server.api(`/api/records/pipeline.instalment/${inst.id}`), 200);
    const tamper = await expectJson<Problem>(rep()(`/api/records/pipeline.instalment/${inst.id}`, { method: 'PATCH', headers: { 'if-match': `"${instView.version}"` }, json: { data: { remaining: 0 } } }), 422);
    expect(tamper.errors?.map((e) => e.pointer)).toEqual(['/data/remaining']);
    expect((await rep()(`/api/records/${CONTRACT}`, { method: 'POST', json: { data: { number: 'C-HAND', deal_id: contract.contract.deal_id, value: { amount: 1, currency: 'USD' } } } })).status).toBe(422);
  }, 120_000);

  it('lets the owner, his manager and an admin work a contract, not another rep; the owner\'s manager or an admin approves a value change, which is then applied', async () => {
    const { contract } = await wonDeal(server, rep(), { value: 6000, closeDate: '2026-04-01' });
    const id = contract.contract.id;
    const first = contract.instalments[0];
    if (!first) throw new Error('plan');
    expect((await pay(server.as('other-rep', 'token').api, id, { amount: 10, paid_on: '2026-05-01' })).status).toBe(404);
    expect((await pay(server.as('colleague', 'token').api, id, { amount: 10, paid_on: '2026-05-01' })).status).toBe(404);
    expect((await pay(server.as('other-manager', 'token').api, id, { amount: 10, paid_on: '2026-05-01' })).status).toBe(404);
    expect((await server.as('other-rep', 'token').api(`${BASE}/${id}`)).status).toBe(404);
    await expectJson(pay(rep(), id, { amount: 1000, paid_on: '2026-05-01', instalment_id: first.id }), 201);
    const seen = await expectJson<ContractView>(rep()(`${BASE}/${id}`), 200);
    expect(seen.can).toEqual({ record: true, request: true, approve: false });
    expect((await expectJson<ContractView>(server.as('manager', 'token').api(`${BASE}/${id}`), 200)).can.approve).toBe(true);

    const plan = [{ due_date: '2026-05-01', amount: 2000 }, { due_date: '2026-08-01', amount: 3000 }];
    const sum = await expectJson<Problem>(rep()(`${BASE}/${id}/changes`, { method: 'POST', json: { value: 5500, instalments: plan, reason: 'Scope cut' } }), 422);
    expect(sum.errors?.[0]?.pointer).toBe('/instalments');
    expect((await rep()(`${BASE}/${id}/changes`, { method: 'POST', json: { value: 5000, instalments: plan } })).status).toBe(422);
    const asked = await expectJson<ContractView>(rep()(`${BASE}/${id}/changes`, { method: 'POST', json: { value: 5000, instalments: plan, reason: 'Scope cut: no training days' } }), 201);
    const change = asked.changes[0];
    if (!change) throw new Error('no change');
    expect(change).toMatchObject({ status: 'pending', previous_value: 6000, value: 5000, requested_by: 'rick-rep' });
    expect(asked.contract.value).toBe(6000);
    expect((await rep()(`${BASE}/${id}/changes`, { method: 'POST', json: { value: 4000, instalments: [{ due_date: '2026-05-01', amount: 4000 }], reason: 'again' } })).status).toBe(409);
    const approve = (api: typeof server.api) => api(`${BASE}/${id}/changes/${change.id}/approve`, { method: 'POST', json: {} });
    expect((await approve(rep())).status).toBe(403);
    expect((await approve(server.as('colleague', 'token').api)).status).toBe(404);
    expect((await approve(server.as('other-manager', 'token').api)).status).toBe(404);
    // The regional manager sees it but is not the owner's (nearest) manager.
    const regional = await expectJson<Problem>(approve(server.as('regional', 'token').api), 403);
    expect(regional.code).toBe('pipeline.change-approver');
    const notes = await server.platform.database.db.selectFrom('notifications').select(['user_id', 'kind']).where('record_id', '=', id).execute();
    expect(notes).toEqual([{ user_id: 'mia-manager', kind: 'pipeline.contract-change-requested' }]);
    const applied = await expectJson<ContractView>(approve(server.as('manager', 'token').api), 200);
    expect(applied.contract).toMatchObject({ value: 5000, collected: 1000, outstanding: 4000 });
    expect(applied.instalments.map((i) => [i.due_date, i.amount, i.paid, i.remaining])).toEqual([['2026-05-01', 2000, 1000, 1000], ['2026-08-01', 3000, 0, 3000]]);
    expect(applied.changes[0]).toMatchObject({ status: 'applied', decided_by: 'mia-manager' });
    // The plan was updated in place: the payment is still against instalment 1.
    expect(applied.payments[0]?.instalment_id).toBe(applied.instalments[0]?.id);
    expect(applied.instalments[0]?.id).toBe(first.id);
    expect((await approve(server.as('admin', 'token').api)).status).toBe(409);
    // A second change, rejected by an admin with a note.
    const again = await expectJson<ContractView>(server.as('manager', 'token').api(`${BASE}/${id}/changes`, { method: 'POST', json: { value: 7000, instalments: [{ due_date: '2026-05-01', amount: 2000 }, { due_date: '2026-08-01', amount: 5000 }], reason: 'Upsell' } }), 201);
    const second = again.changes.find((x) => x.status === 'pending');
    if (!second) throw new Error('no pending change');
    expect((await server.as('manager', 'token').api(`${BASE}/${id}/changes/${second.id}/approve`, { method: 'POST', json: {} })).status).toBe(403);
    expect((await server.api(`${BASE}/${id}/changes/${second.id}/reject`, { method: 'POST', json: { note: ' ' } })).status).toBe(422);
    const rejected = await expectJson<ContractView>(server.api(`${BASE}/${id}/changes/${second.id}/reject`, { method: 'POST', json: { note: 'Not signed yet' } }), 200);
    expect(rejected.contract.value).toBe(5000);
    expect(rejected.changes.find((x) => x.id === second.id)?.status).toBe('rejected');
  }, 120_000);

  it('reminds the owner once per overdue instalment and escalates once to his manager after 15 days', async () => {
    const { contract } = await wonDeal(server, rep(), { value: 3000, closeDate: '2026-04-10' });
    const id = contract.contract.id;
    // Due 05-10 (36 days late), 06-09 (6 days late), 07-09 (not due).
    const [a, b] = contract.instalments;
    if (!a || !b) throw new Error('plan');
    await expectJson(pay(rep(), id, { amount: 400, paid_on: '2026-05-12', instalment_id: a.id }), 201);
    const job = plugin.jobs?.contract_overdue;
    if (!job) throw new Error('no job');
    const s = server.platform.plugins.services('pipeline', systemPrincipal('plugin:pipeline'));
    await job({}, s);
    await job({}, s);
    const rows = await server.platform.database.db.selectFrom('notifications').select(['user_id', 'kind', 'title', 'data']).where('record_id', '=', id).orderBy('kind').orderBy('title').execute();
    expect(rows.map((r) => [r.user_id, r.kind, r.title])).toEqual([
      ['rick-rep', 'pipeline.contract-overdue', `Payment overdue: ${contract.contract.number} instalment 1`],
      ['rick-rep', 'pipeline.contract-overdue', `Payment overdue: ${contract.contract.number} instalment 2`],
      ['mia-manager', 'pipeline.contract-overdue-escalated', `Escalated: payment 36 days overdue on ${contract.contract.number}`],
    ].sort((x, y) => (x[1] as string).localeCompare(y[1] as string) || (x[2] as string).localeCompare(y[2] as string)));
    const data = rows[0]?.data as { i18n?: { 'zh-CN'?: { title?: string } } } | string;
    const parsed = typeof data === 'string' ? (JSON.parse(data) as { i18n?: { 'zh-CN'?: { title?: string } } }) : data;
    expect(JSON.stringify(parsed)).toContain('回款逾期');
    const v = await expectJson<ContractView>(server.api(`${BASE}/${id}`), 200);
    expect(v.instalments.map((i) => [i.overdue_days, i.remaining])).toEqual([[36, 600], [6, 1000], [0, 1000]]);
    const stamped = await expectJson<View>(server.api(`/api/records/pipeline.instalment/${a.id}`), 200);
    expect(stamped.data).toMatchObject({ reminded_at: expect.any(String), escalated_at: expect.any(String) });
    expect((await expectJson<View>(server.api(`/api/records/pipeline.instalment/${b.id}`), 200)).data.escalated_at ?? null).toBeNull();
  }, 120_000);

  it('reverses a payment with a reason (audited): the instalments, the contract and the metrics follow, and equal the payment rows summed by hand', async () => {
    const { contract } = await wonDeal(server, rep(), { value: 6000, closeDate: '2026-03-01' });
    const id = contract.contract.id;
    const [i1] = contract.instalments;
    if (!i1) throw new Error('plan');
    await expectJson<ContractView>(pay(rep(), id, { amount: 1500, paid_on: '2026-04-02', instalment_id: i1.id }), 201);
    let v = await expectJson<ContractView>(pay(rep(), id, { amount: 2000, paid_on: '2026-04-03', instalment_id: i1.id, reference: 'CHEQUE-77' }), 201);
    expect(v.instalments.map((i) => i.remaining)).toEqual([0, 500, 2000]);
    const bounced = v.payments.find((p) => p.amount === 2000);
    if (!bounced) throw new Error('payment');
    const reverse = (api: typeof server.api, payment: string, body: Record<string, unknown>, lang = 'en') => api(`${BASE}/${id}/payments/${payment}/reverse`, { method: 'POST', headers: { 'accept-language': lang }, json: body });
    // Refusals name the field, in both languages; another rep may not.
    expect((await expectJson<Problem>(reverse(rep(), bounced.id, {}), 422)).errors?.[0]?.pointer).toBe('/reason');
    expect((await expectJson<Problem>(reverse(rep(), '00000000-0000-4000-8000-000000000000', { reason: 'x' }), 404)).errors?.[0]?.pointer).toBe('/payment');
    expect([403, 404]).toContain((await reverse(server.as('other-rep', 'token').api, bounced.id, { reason: 'x' })).status);
    v = await expectJson<ContractView>(reverse(rep(), bounced.id, { reason: 'Cheque bounced' }), 200);
    expect(v.instalments.map((i) => [i.paid, i.remaining, i.status])).toEqual([[1500, 500, 'partial'], [0, 2000, 'open'], [0, 2000, 'open']]);
    expect(v.contract).toMatchObject({ collected: 1500, outstanding: 4500, overpaid: 0 });
    const again = await expectJson<Problem>(reverse(rep(), bounced.id, { reason: 'again' }, 'zh-CN'), 409);
    expect([again.code, again.detail]).toEqual(['pipeline.payment-reversed', `回款 ${bounced.code} 已冲销。`]);
    // The audit: the payment stays, marked; its events name the rep.
    const stored = await expectJson<View>(server.api(`/api/records/pipeline.payment/${bounced.id}`), 200);
    expect(stored.data).toMatchObject({ reversal_reason: 'Cheque bounced', reversed_at: NOW.toISOString() });
    expect(String(stored.data.reversed_by)).toMatch(/^(user|token):/);
    const events = await expectJson<{ items: { actor: string }[] }>(server.api(`/api/records/pipeline.payment/${bounced.id}/events`), 200);
    expect(events.items.length).toBe(2);
    // The metrics against the raw rows, summed by hand: payments not reversed, instalments' remainders.
    const rows = async (type: string) => (await expectJson<{ items: View[] }>(server.api(`/api/records/${type}?limit=1000`), 200)).items;
    const cents = (m: unknown) => Math.round(Number((m as { amount?: number })?.amount ?? m) * 100);
    const payments = await rows('pipeline.payment');
    expect(payments.some((p) => p.id === bounced.id)).toBe(true);
    const collected = payments.filter((p) => typeof p.data.reversed_at !== 'string').reduce((t, p) => t + cents(p.data.amount), 0) / 100;
    const outstanding = (await rows('pipeline.instalment')).filter((i) => Number(i.data.remaining) > 0).reduce((t, i) => t + cents(i.data.remaining), 0) / 100;
    const q = await expectJson<{ rows: Record<string, number>[] }>(server.api('/api/metrics/query', { method: 'POST', json: { metrics: ['pipeline.collected_value', 'pipeline.outstanding_value'] } }), 200);
    expect(q.rows[0]?.['pipeline.collected_value']).toBeCloseTo(collected, 2);
    expect(q.rows[0]?.['pipeline.outstanding_value']).toBeCloseTo(outstanding, 2);
    const mine = await expectJson<{ rows: Record<string, number | string>[] }>(server.api('/api/metrics/query', { method: 'POST', json: { metrics: ['pipeline.collected_value'], groupBy: ['contract'] } }), 200);
    expect(Number(mine.rows.find((r) => r.contract_id === id)?.['pipeline.collected_value'])).toBeCloseTo(1500, 2);
  }, 120_000);

  it('answers collected, outstanding and overdue by age in the metric layer, as the contracts add up, for the admin and the rep', async () => {
    const list = await expectJson<{ items: { id: string }[] }>(server.api(BASE), 200);
    const views = await Promise.all(list.items.map((c) => expectJson<ContractView>(server.api(`${BASE}/${c.id}`), 200)));
    const cents = (n: number) => Math.round(n * 100);
    const collected = views.reduce((t, v) => t + v.payments.filter((p) => !p.reversed_at).reduce((u, p) => u + cents(p.amount), 0), 0) / 100;
    const outstanding = views.reduce((t, v) => t + v.instalments.reduce((u, i) => u + cents(i.remaining), 0), 0) / 100;
    const bucket = (lo: number, hi: number) => views.reduce((t, v) => t + v.instalments.filter((i) => i.remaining > 0 && i.overdue_days >= lo && i.overdue_days <= hi).reduce((u, i) => u + cents(i.remaining), 0), 0) / 100;
    const metrics = ['pipeline.collected_value', 'pipeline.outstanding_value', 'pipeline.overdue_value', 'pipeline.overdue_0_30', 'pipeline.overdue_31_60', 'pipeline.overdue_61_90', 'pipeline.overdue_90_plus'];
    const q = await expectJson<{ rows: Record<string, number>[] }>(server.api('/api/metrics/query', { method: 'POST', json: { metrics } }), 200);
    const row = q.rows[0] ?? {};
    expect(collected).toBeGreaterThan(0);
    expect(bucket(1, 30) + bucket(31, 60) + bucket(61, 90)).toBeGreaterThan(0);
    expect(row['pipeline.collected_value']).toBeCloseTo(collected, 2);
    expect(row['pipeline.outstanding_value']).toBeCloseTo(outstanding, 2);
    expect(row['pipeline.overdue_0_30'] ?? 0).toBeCloseTo(bucket(1, 30), 2);
    expect(row['pipeline.overdue_31_60'] ?? 0).toBeCloseTo(bucket(31, 60), 2);
    expect(row['pipeline.overdue_61_90'] ?? 0).toBeCloseTo(bucket(61, 90), 2);
    expect(row['pipeline.overdue_90_plus'] ?? 0).toBeCloseTo(bucket(91, 100_000), 2);
    expect(row['pipeline.overdue_value'] ?? 0).toBeCloseTo(bucket(1, 100_000), 2);
    // By month paid: the June payments.
    const june = views.reduce((t, v) => t + v.payments.filter((p) => p.paid_on.startsWith('2026-06')).reduce((u, p) => u + cents(p.amount), 0), 0) / 100;
    const m = await expectJson<{ rows: Record<string, number | string>[] }>(server.api('/api/metrics/query', { method: 'POST', json: { metrics: ['pipeline.collected_value'], from: '2026-06-01', to: '2026-06-30' } }), 200);
    expect(Number(m.rows[0]?.['pipeline.collected_value'] ?? 0)).toBeCloseTo(june, 2);
    // A collection target (回款目标) for the rep in June reads its attainment from the metric.
    const target = await expectJson<View>(server.api('/api/records/okr.target', { method: 'POST', json: { data: { metric: 'pipeline.collected_value', period: '2026-06', scope_user: 'rick-rep', value: 10000 }, owner: null, orgUnit: null } }), 201);
    const read = await expectJson<View & { computed?: { actual: number; attainment: number } }>(server.as('rep', 'token').api(`/api/records/okr.target/${target.id}`), 200);
    expect(read.computed?.actual).toBeCloseTo(june, 2);
    expect(read.computed?.attainment).toBeCloseTo(june / 10000, 6);
    // Another rep sees none of it.
    const other = await expectJson<{ rows: Record<string, number>[] }>(server.as('other-rep', 'token').api('/api/metrics/query', { method: 'POST', json: { metrics } }), 200);
    expect(Number(other.rows[0]?.['pipeline.collected_value'] ?? 0)).toBe(0);
  }, 120_000);
});
