import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type TestServer } from '../../../runtime/test/harness';
import { QUALIFIED, createDeal, eventually, expectJson, move, type Problem, type View } from '../../../runtime/test/process/helpers';
import { plugin } from '../src/runtime/index';
import { clearRules, createRule, jobServices, prepare } from './handoff.test-support';

const HANDOFF = 'handoff.handoff';
interface Notification { kind: string; title: string; body: string | null; record: { id: string } | null }

/**
 * Handoffs between teams on both backends: each kind's context checklist, routing by the rules
 * for its kind, the receiver's access, accept (a won deal handed to customer success changes
 * owner), reject with a reason back to the sender, status changes only as a handoff may move,
 * the acceptance SLA (escalate once, re-route once), and `handoff.create` from the default
 * process's move to proposal, routed to presales.
 */
describe.each(backends())('handoffs between teams on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5', PIPEWRIGHT_RATE_LIMIT: '100000' });
    await prepare(server);
    await createRule(server, { name: 'Solutions to Rick', position: 1, applies_to: 'presales_to_sales', strategy: 'round_robin', users: ['rick-rep'] });
    await createRule(server, { name: 'Customer success', position: 2, applies_to: 'sales_to_success', strategy: 'round_robin', users: ['cora-colleague'] });
    await createRule(server, { name: 'Presales desk', position: 3, applies_to: 'sales_to_presales', strategy: 'round_robin', role: 'presales' });
  });
  afterAll(() => server?.close());

  const routed = (id: string) =>
    eventually(async () => {
      const v = await expectJson<View>(server.api(`/api/records/${HANDOFF}/${id}`), 200);
      return typeof v.data.to_user === 'string' ? v : undefined;
    });

  it('refuses a handoff without its kind\'s checklist, naming each missing field', async () => {
    const res = await expectJson<Problem>(server.as('presales').api(`/api/records/${HANDOFF}`, { method: 'POST', json: { data: { kind: 'sales_to_success', status: 'pending', summary: 'Onboard them' } } }), 422);
    expect(res.errors?.map((e) => e.pointer).sort()).toEqual(['/data/account_id', '/data/deal_id']);
    const accepted = await expectJson<Problem>(server.as('presales').api(`/api/records/${HANDOFF}`, { method: 'POST', json: { data: { kind: 'presales_to_sales', status: 'accepted', summary: 'x', deal_id: '00000000-0000-4000-8000-000000000000' } } }), 422);
    expect(accepted.errors?.some((e) => e.pointer === '/data/status')).toBe(true);
    // Each kind starts in its own process: naming another kind's process is refused on the kind.
    const deal = await createDeal(server.as('rep').api, { name: 'Kind check' });
    const wrong = await expectJson<Problem>(server.as('rep').api(`/api/records/${HANDOFF}`, { method: 'POST', json: { process: 'handoff_sales_to_success', data: { kind: 'sales_to_presales', summary: 'x', deal_id: deal.id } } }), 422);
    expect([wrong.code, wrong.errors?.[0]?.pointer]).toEqual(['process.not-for-record', '/data/kind']);
  });

  it('routes a presales -> sales handoff to the rule\'s rep, who rejects it with a reason: back to presales, who is told why', async () => {
    const deal = await createDeal(server.as('rep').api, { name: 'Solution deal' });
    // Presales works on the deal: the rep shared it (read) when asking for support.
    await expectJson(server.as('rep').api(`/api/records/pipeline.deal/${deal.id}/shares`, { method: 'POST', json: { userId: 'pete-presales', access: 'read' } }), 201);
    const h = await expectJson<View>(server.as('presales').api(`/api/records/${HANDOFF}`, { method: 'POST', json: { data: { kind: 'presales_to_sales', status: 'pending', summary: 'Solution ready for Solution deal', deal_id: deal.id } } }), 201);
    const v = await routed(h.id);
    // Routed, not yet given: the sender owns it until the receiver accepts; the receiver reads it (to_user).
    expect(v).toMatchObject({ owner: 'pete-presales', stage: 'sent', process: { id: 'handoff_presales_to_sales' }, data: { status: 'pending', to_user: 'rick-rep', from_user: 'pete-presales', routing: { rule: 'Solutions to Rick', strategy: 'round_robin' } } });
    await expectJson(server.as('rep').api(`/api/records/${HANDOFF}/${h.id}`), 200);
    expect((await server.as('other-rep').api(`/api/records/${HANDOFF}/${h.id}`)).status).toBe(404);
    await expectJson(server.as('presales').api(`/api/records/${HANDOFF}/${h.id}`), 200);
    const inbox = await expectJson<{ items: { id: string; kind: string }[] }>(server.as('rep').api('/api/plugins/handoff/inbox'), 200);
    expect(inbox.items.find((i) => i.id === h.id)?.kind).toBe('presales_to_sales');

    // The status follows the stage: an edit cannot answer it; the receiver cannot change it before accepting;
    // the sender cannot answer his own handoff through the transitions API.
    const edit = await expectJson<Problem>(server.as('presales').api(`/api/records/${HANDOFF}/${h.id}`, { method: 'PATCH', headers: { 'if-match': `"${v.version}"` }, json: { data: { status: 'rejected', reason: 'x' } } }), 422);
    expect(edit.errors?.map((e) => e.pointer)).toEqual(['/data/status']);
    expect((await move(server.as('rep').api, h.id, v.version, { to: 'accepted' }, {}, HANDOFF)).status).toBe(403);
    // The answers are not offered to the sender (the kinds' processes leave them to admins; the
    // receiver answers through the plugin's routes): the transitions list says so, and so does the move.
    const offered = await expectJson<{ transitions: { id: string | null }[] }>(server.as('presales').api(`/api/records/${HANDOFF}/${h.id}/transitions`), 200);
    expect(offered.transitions.map((x) => x.id)).toEqual([]);
    expect((await expectJson<Problem>(move(server.as('presales').api, h.id, v.version, { to: 'rejected', data: { reason: 'x' } }, {}, HANDOFF), 403)).detail).toContain('admin');
    const answers = (who: Parameters<TestServer['as']>[0]) => server.as(who).api(`/api/plugins/handoff/handoffs/${h.id}/answers`);
    expect(await expectJson(answers('presales'), 200)).toEqual({ id: h.id, stage: 'sent', accept: false, reject: false });
    expect(await expectJson(answers('rep'), 200)).toEqual({ id: h.id, stage: 'sent', accept: true, reject: true });
    expect(await expectJson(answers('manager'), 200)).toEqual({ id: h.id, stage: 'sent', accept: true, reject: true });
    expect((await answers('other-rep')).status).toBe(404);
    expect((await server.as('rep').api('/api/plugins/handoff/handoffs/not-an-id/answers')).status).toBe(404);
    const emptyReason = await expectJson<Problem>(server.as('rep').api(`/api/plugins/handoff/handoffs/${h.id}/reject`, { method: 'POST', json: { reason: '  ' } }), 422);
    expect(emptyReason.errors?.[0]?.pointer).toBe('/reason');
    expect((await server.as('colleague').api(`/api/plugins/handoff/handoffs/${h.id}/reject`, { method: 'POST', json: { reason: 'x' } })).status).toBe(404);
    expect((await server.as('presales').api(`/api/plugins/handoff/handoffs/${h.id}/reject`, { method: 'POST', json: { reason: 'x' } })).status).toBe(403);
    expect(await expectJson(server.as('rep').api(`/api/plugins/handoff/handoffs/${h.id}/reject`, { method: 'POST', json: { reason: 'Scope is wrong: no SSO' } }), 202)).toEqual({ id: h.id, status: 'rejected', stage: 'rejected', owner: 'pete-presales' });
    const back = await expectJson<View>(server.api(`/api/records/${HANDOFF}/${h.id}`), 200);
    expect(back).toMatchObject({ owner: 'pete-presales', stage: 'rejected', data: { status: 'rejected', reason: 'Scope is wrong: no SSO' } });
    expect(await expectJson(answers('rep'), 200)).toEqual({ id: h.id, stage: 'rejected', accept: false, reject: false });
    expect(typeof back.data.resolved_at).toBe('string');
    // The move is in the stage history, written by the one writer.
    const history = await expectJson<{ items: { stage: string; transition?: string | null; transitionId?: string | null }[] }>(server.api(`/api/records/${HANDOFF}/${h.id}/history`), 200);
    expect(history.items.map((x) => x.stage)).toEqual(expect.arrayContaining(['sent', 'rejected']));
    // Answered: no second answer (the rep still reads it as the one who rejected it).
    expect((await expectJson<Problem>(server.as('rep').api(`/api/plugins/handoff/handoffs/${h.id}/accept`, { method: 'POST', json: {} }), 409)).code).toBe('handoff.not-pending');
    const late = await expectJson<Problem>(server.as('presales').api(`/api/plugins/handoff/handoffs/${h.id}/accept`, { method: 'POST', json: {} }), 403);
    expect(late.code).toBe('handoff.not-receiver');
    const note = await eventually(async () => (await expectJson<{ items: Notification[] }>(server.as('presales').api('/api/notifications'), 200)).items.find((n) => n.kind === 'handoff.handoff-rejected' && n.record?.id === h.id));
    expect(note.body).toBe('Reason: Scope is wrong: no SSO');
  });

  it('hands a won deal to customer success: accepting gives the receiver the deal', async () => {
    const account = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Won Co', status: 'active' }, owner: null, orgUnit: null } }), 201);
    const deal = await createDeal(server.as('rep').api, { name: 'Won deal', account_id: account.id });
    const h = await expectJson<View>(server.as('rep').api(`/api/records/${HANDOFF}`, { method: 'POST', json: { data: { kind: 'sales_to_success', status: 'pending', summary: 'Onboard Won Co', deal_id: deal.id, account_id: account.id } } }), 201);
    const v = await routed(h.id);
    expect(v.data.to_user).toBe('cora-colleague');
    // Routing gives nothing yet: the deal and the handoff stay the rep's, the receiver cannot open the deal.
    expect(v.owner).toBe('rick-rep');
    expect((await server.as('colleague').api(`/api/records/pipeline.deal/${deal.id}`)).status).toBe(404);
    expect((await server.as('rep').api(`/api/plugins/handoff/handoffs/${h.id}/accept`, { method: 'POST', json: {} })).status).toBe(403);
    expect(await expectJson(server.as('colleague').api(`/api/plugins/handoff/handoffs/${h.id}/accept`, { method: 'POST', json: {} }), 202)).toEqual({ id: h.id, status: 'accepted', stage: 'accepted', owner: 'cora-colleague' });
    expect((await expectJson<View>(server.api(`/api/records/pipeline.deal/${deal.id}`), 200)).owner).toBe('cora-colleague');
    expect((await expectJson<View>(server.api(`/api/records/crm.account/${account.id}`), 200)).owner).toBe('cora-colleague');
    const done = await expectJson<View>(server.api(`/api/records/${HANDOFF}/${h.id}`), 200);
    expect(done).toMatchObject({ owner: 'cora-colleague', stage: 'accepted', data: { status: 'accepted', accepted_by: 'cora-colleague' } });
    // The receiver now owns the deal (and may work it); the sender keeps reading it (a read share), not changing it.
    await expectJson(server.as('colleague').api(`/api/records/pipeline.deal/${deal.id}`), 200);
    await expectJson(server.as('rep').api(`/api/records/pipeline.deal/${deal.id}`), 200);
    await expectJson(server.as('rep').api(`/api/records/${HANDOFF}/${h.id}`), 200);
    const shares = await expectJson<{ items: { userId: string; access: string }[] }>(server.api(`/api/records/pipeline.deal/${deal.id}/shares`), 200);
    expect(shares.items).toEqual([expect.objectContaining({ userId: 'rick-rep', access: 'read' })]);
    expect((await server.as('rep').api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { name: 'mine again' } } })).status).toBe(403);
    expect((await expectJson<Problem>(server.as('colleague').api(`/api/plugins/handoff/handoffs/${h.id}/reject`, { method: 'POST', json: { reason: 'changed my mind' } }), 409)).code).toBe('handoff.not-pending');
    expect(typeof done.data.accepted_at).toBe('string');
    await eventually(async () => (await expectJson<{ items: Notification[] }>(server.as('rep').api('/api/notifications'), 200)).items.some((n) => n.kind === 'handoff.handoff-accepted' && n.record?.id === h.id));
  });

  it('escalates a late handoff to the receiver\'s manager once, then re-routes it once, with two deliveries racing', async () => {
    await clearRules(server);
    await createRule(server, { name: 'Pair', position: 1, applies_to: 'presales_to_sales', strategy: 'round_robin', users: ['rick-rep', 'cora-colleague'] });
    const deal = await createDeal(server.as('rep').api, { name: 'Late deal' });
    await expectJson(server.as('rep').api(`/api/records/pipeline.deal/${deal.id}/shares`, { method: 'POST', json: { userId: 'pete-presales', access: 'read' } }), 201);
    const h = await expectJson<View>(server.as('presales').api(`/api/records/${HANDOFF}`, { method: 'POST', json: { data: { kind: 'presales_to_sales', status: 'pending', summary: 'Late solution', deal_id: deal.id } } }), 201);
    const v = await routed(h.id);
    const sla = plugin.jobs?.sla;
    if (!sla) throw new Error('no sla job');
    const s = jobServices(server);
    await Promise.all([1, 2].map(() => sla({ type: HANDOFF, id: h.id, round: 0, step: 'escalate' }, s)));
    const mia = await expectJson<{ items: Notification[] }>(server.as('manager').api('/api/notifications'), 200);
    expect(mia.items.filter((n) => n.kind === 'handoff.handoff-escalated' && n.record?.id === h.id)).toHaveLength(1);
    await Promise.all([1, 2].map(() => sla({ type: HANDOFF, id: h.id, round: 0, step: 'reroute' }, s)));
    const after = await expectJson<View>(server.api(`/api/records/${HANDOFF}/${h.id}`), 200);
    expect(after.data.reassignments).toBe(1);
    expect(after.data.to_user).not.toBe(v.data.to_user);
    expect(after.version).toBe(v.version + 2);
  });

  it('migrates handoffs written before the kinds were processes: each enters its kind\'s process and reaches the stage its status names, once', async () => {
    const deal = await createDeal(server.as('rep').api, { name: 'Old handoffs' });
    const at = new Date('2026-01-05T10:00:00Z');
    const old = [
      { id: randomUUID(), data: { kind: 'presales_to_sales', status: 'pending', summary: 'Old pending', deal_id: deal.id, from_user: 'pete-presales', to_user: 'rick-rep' } },
      { id: randomUUID(), data: { kind: 'presales_to_sales', status: 'accepted', summary: 'Old accepted', deal_id: deal.id, from_user: 'pete-presales', to_user: 'rick-rep', accepted_at: '2026-01-05T12:00:00Z' } },
      { id: randomUUID(), data: { kind: 'sales_to_presales', status: 'rejected', summary: 'Old rejected', deal_id: deal.id, from_user: 'rick-rep', to_user: 'pete-presales', reason: 'No capacity' } },
      // Missing its kind's checklist (no deal): its process refuses it, it keeps its status and no stage.
      { id: randomUUID(), data: { kind: 'sales_to_success', status: 'pending', summary: 'Old incomplete' } },
      { id: randomUUID(), data: { kind: 'marketing_to_sales', status: 'expired', summary: 'Old expired', resolved_at: '2026-01-06T10:00:00Z' } },
    ];
    await server.platform.database.db.insertInto('records').values(old.map((h) => ({ id: h.id, type: HANDOFF, owner_id: 'rick-rep', org_unit_id: 't-north-a', stage: null, version: 1, data: JSON.stringify(h.data), created_by: 'user:rick-rep', updated_by: 'user:rick-rep', created_at: at, updated_at: at, deleted_at: null }))).execute();
    const migrate = plugin.jobs?.migrate_handoffs;
    if (!migrate) throw new Error('no migrate_handoffs job');
    await migrate({}, jobServices(server));
    const view = (id: string) => expectJson<View & { process: { id: string } | null }>(server.api(`/api/records/${HANDOFF}/${id}`), 200);
    const [pending, accepted, rejected, incomplete] = old.map((h) => h.id) as [string, string, string, string];
    expect(await view(pending)).toMatchObject({ stage: 'sent', process: { id: 'handoff_presales_to_sales' }, data: { status: 'pending' } });
    expect(await view(accepted)).toMatchObject({ stage: 'accepted', data: { status: 'accepted', accepted_at: '2026-01-05T12:00:00Z', accepted_by: 'rick-rep' } });
    expect(await view(rejected)).toMatchObject({ stage: 'rejected', process: { id: 'handoff_sales_to_presales' }, data: { status: 'rejected', reason: 'No capacity' } });
    expect(await view(incomplete)).toMatchObject({ stage: null, data: { status: 'pending' } });
    expect(await view(old[4]?.id ?? '')).toMatchObject({ stage: 'expired', process: { id: 'handoff_marketing_to_sales' }, data: { status: 'expired', resolved_at: '2026-01-06T10:00:00Z' } });
    const history = await expectJson<{ items: { stage: string }[] }>(server.api(`/api/records/${HANDOFF}/${accepted}/history`), 200);
    expect(history.items.map((x) => x.stage).sort()).toEqual(['accepted', 'sent']);
    // A second run changes nothing.
    const versions = await Promise.all(old.map(async (h) => (await view(h.id)).version));
    await migrate({}, jobServices(server));
    expect(await Promise.all(old.map(async (h) => (await view(h.id)).version))).toEqual(versions);
  });

  it('handoff.create on the default process\'s move to proposal makes a pending handoff, routed to presales', async () => {
    await createRule(server, { name: 'Presales desk', position: 3, applies_to: 'sales_to_presales', strategy: 'round_robin', role: 'presales' });
    const account = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Proposal Co', status: 'active' }, owner: null, orgUnit: null } }), 201);
    const contact = await expectJson<View>(server.as('rep').api('/api/records/crm.contact', { method: 'POST', json: { data: { first_name: 'Dana', last_name: 'Decider', account_id: account.id } } }), 201);
    const product = await expectJson<View>(server.api('/api/records/pipeline.product', { method: 'POST', json: { data: { name: 'GTX Proposal' }, owner: null, orgUnit: null } }), 201);
    let deal = await createDeal(server.as('rep').api, { name: 'Needs presales', account_id: account.id });
    deal = (await expectJson<{ record: View }>(move(server.as('rep').api, deal.id, deal.version, { to: 'engaging', data: QUALIFIED }), 200)).record;
    deal = (await expectJson<{ record: View }>(move(server.as('rep').api, deal.id, deal.version, { to: 'proposal', data: { product_id: product.id, decision_maker_id: contact.id, expected_close_date: '2026-03-01' } }), 200)).record;
    const h = await eventually(async () => (await expectJson<{ items: View[] }>(server.api(`/api/records/${HANDOFF}?filter[deal_id]=${deal.id}`), 200)).items[0]);
    expect(h).toMatchObject({ stage: 'sent', process: { id: 'handoff_sales_to_presales' } });
    expect(h.data).toMatchObject({ kind: 'sales_to_presales', status: 'pending', summary: 'Proposal support for Needs presales', deal_id: deal.id, account_id: account.id, from_user: 'rick-rep' });
    const v = await routed(h.id);
    expect(v.data.to_user).toBe('pete-presales');
    expect(await expectJson<{ items: unknown[] }>(server.api('/api/incidents'), 200)).toEqual({ items: [] });
  });
});
