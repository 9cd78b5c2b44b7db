import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, type ApiFetch, type TestServer, type TestUser } from '../../../runtime/test/harness';
import { eventually, expectJson, move, type View } from '../../../runtime/test/process/helpers';
import { LEAD, LEAD_DATA, createRule, prepare } from './handoff.test-support';

/**
 * Who may do what with leads and the handoff plugin's routes: the receiver (the rep routing
 * chose), the sender (marketing), the receiver's manager, a same-team rep who is neither, a rep
 * of another team, presales, admins, a read-only token and anonymous callers; x reading the
 * lead, the inbox, accepting, rejecting, converting, and the routing rules and state. Each
 * refused cell also asserts that nothing was written.
 */
type Who = 'admin' | 'manager' | 'receiver' | 'sender' | 'colleague' | 'other-rep' | 'presales' | 'read-token' | 'anonymous';
const WHO: Who[] = ['admin', 'manager', 'receiver', 'sender', 'colleague', 'other-rep', 'presales', 'read-token', 'anonymous'];
const USER: Record<Exclude<Who, 'anonymous' | 'read-token'>, TestUser> = { admin: 'admin', manager: 'manager', receiver: 'rep', sender: 'marketing', colleague: 'colleague', 'other-rep': 'other-rep', presales: 'presales' };

describe.each(backends())('handoff authorization on $name', (backend) => {
  let server: TestServer;
  let lead: View;
  const api = (w: Who): ApiFetch => (w === 'anonymous' ? server.anonymous : w === 'read-token' ? server.as('rep', 'token', ['read']).api : server.as(USER[w]).api);
  const cell = async (label: string, expected: number, run: () => Promise<Response>) => {
    // A refused cell must write nothing: count once nothing else is being written.
    if (expected >= 400) await quiet();
    const before = await countRows(server.platform);
    const res = await run();
    expect(res.status, `${label}: ${await res.clone().text()}`).toBe(expected);
    if (expected >= 400) expect(await countRows(server.platform), `${label} wrote nothing`).toEqual(before);
    return res;
  };
  // Work queued after a commit (process actions, hooks' jobs) lands on its own time: a refused
  // cell counts rows only once nothing else is being written.
  // Quiet means no job due or running in the queue (a hook's job, e.g. the lead's owner history,
  // may start after any fixed pause) and the row counts steady.
  const pendingJobs = async () => {
    const { sql } = await import('kysely');
    const job = sql.table(`${server.platform.processes.queue.schema}.job`);
    const r = await sql<{ n: string }>`select count(*) as n from ${job} where state in ('created', 'retry', 'active') and start_after <= now()`.execute(server.platform.database.db);
    return Number(r.rows[0]?.n ?? 0);
  };
  const quiet = async () => {
    let last = JSON.stringify(await countRows(server.platform));
    for (let i = 0; i < 120; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const now = JSON.stringify(await countRows(server.platform));
      if (now === last && (await pendingJobs()) === 0) return;
      last = now;
    }
  };
  const fresh = async () => (await expectJson<View>(server.api(`/api/records/${LEAD}/${lead.id}`), 200));

  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5' });
    await prepare(server);
    await createRule(server, { name: 'Rick', position: 1, strategy: 'round_robin', users: ['rick-rep'] });
    const created = await expectJson<View>(server.as('marketing').api(`/api/records/${LEAD}`, { method: 'POST', json: { data: LEAD_DATA } }), 201);
    await expectJson(move(server.as('marketing').api, created.id, created.version, { to: 'marketing_qualified' }, {}, LEAD), 200);
    lead = await eventually(async () => {
      const v = await expectJson<View>(server.api(`/api/records/${LEAD}/${created.id}`), 200);
      return v.data.to_user === 'rick-rep' ? v : undefined;
    });
  });
  afterAll(() => server?.close());

  const reads: Record<Who, number> = { admin: 200, manager: 200, receiver: 200, sender: 200, colleague: 404, 'other-rep': 404, presales: 404, 'read-token': 200, anonymous: 401 };
  for (const w of WHO) {
    it(`${w} reading the routed lead: ${reads[w]}; inbox lists it only for the receiver`, async () => {
      await cell(`${w} GET lead`, reads[w], () => api(w)(`/api/records/${LEAD}/${lead.id}`));
      const inbox = await cell(`${w} GET inbox`, w === 'anonymous' ? 401 : 200, () => api(w)('/api/plugins/handoff/inbox'));
      if (w !== 'anonymous') {
        const ids = ((await inbox.json()) as { items: { id: string }[] }).items.map((i) => i.id);
        expect(ids.includes(lead.id), w).toBe(w === 'receiver' || w === 'read-token');
      }
    });
  }

  // Before acceptance: nobody converts (404 unseen, 403 not the owner or no write scope, 409 not accepted).
  const convertEarly: Record<Who, number> = { admin: 409, manager: 409, receiver: 409, sender: 403, colleague: 404, 'other-rep': 404, presales: 404, 'read-token': 403, anonymous: 401 };
  // Accepting: only the receiver (or his manager; admins) may; others are refused (roles, edit rights or visibility).
  const accept: Record<Who, number> = { admin: 200, manager: 200, receiver: 200, sender: 403, colleague: 404, 'other-rep': 404, presales: 404, 'read-token': 403, anonymous: 401 };
  for (const w of WHO) {
    it(`${w} converting before acceptance: ${convertEarly[w]}; accepting and rejecting: ${accept[w] === 200 ? 'may move it, but a rejection without a reason is refused (422)' : accept[w]}`, async () => {
      await cell(`${w} convert early`, convertEarly[w], () => api(w)(`/api/plugins/handoff/leads/${lead.id}/convert`, { method: 'POST', json: {} }));
      const v = await fresh();
      if (accept[w] !== 200) {
        await cell(`${w} accept`, accept[w], () => move(api(w), lead.id, v.version, { to: 'sales_accepted' }, {}, LEAD));
        await cell(`${w} reject`, accept[w], () => move(api(w), lead.id, v.version, { to: 'new', data: { reject_reason: 'not mine' } }, {}, LEAD));
      } else {
        await cell(`${w} reject without reason`, 422, () => move(api(w), lead.id, v.version, { to: 'new' }, {}, LEAD));
      }
    });
  }

  it('after the receiver accepts: he converts; the sender, other reps and read tokens cannot', async () => {
    const v = await fresh();
    await cell('receiver accept', 200, () => move(api('receiver'), lead.id, v.version, { to: 'sales_accepted' }, {}, LEAD));
    // (the acceptance action stamps accepted_at after commit: let it land before counting writes)
    await eventually(async () => typeof (await fresh()).data.accepted_at === 'string');
    for (const [w, status] of [['sender', 403], ['colleague', 404], ['other-rep', 404], ['presales', 404], ['read-token', 403], ['anonymous', 401]] as const) {
      await cell(`${w} convert`, status, () => api(w)(`/api/plugins/handoff/leads/${lead.id}/convert`, { method: 'POST', json: {} }));
    }
    await cell('receiver convert', 200, () => api('receiver')(`/api/plugins/handoff/leads/${lead.id}/convert`, { method: 'POST', json: {} }));
    // The sender still reads the lead he handed over (audience), and cannot change it.
    await quiet();
    const after = await fresh();
    await cell('sender edit', 403, () => api('sender')(`/api/records/${LEAD}/${lead.id}`, { method: 'PATCH', headers: { 'if-match': `"${after.version}"` }, json: { data: { notes: 'mine again' } } }));
    await cell('sender read', 200, () => api('sender')(`/api/records/${LEAD}/${lead.id}`));
  });

  // A presales -> sales handoff routed to the receiver (rick): who may answer it.
  const answer: Record<Who, number> = { admin: 202, manager: 202, receiver: 202, sender: 404, colleague: 404, 'other-rep': 404, presales: 403, 'read-token': 403, anonymous: 401 };
  for (const w of WHO) {
    it(`${w} answering a handoff addressed to the receiver: ${answer[w]}`, async () => {
      const deal = await expectJson<View>(server.as('rep').api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: `Answer ${w}` } } }), 201);
      await expectJson(server.as('rep').api(`/api/records/pipeline.deal/${deal.id}/shares`, { method: 'POST', json: { userId: 'pete-presales', access: 'read' } }), 201);
      const rule = await createRule(server, { name: `Answer ${w}`, position: 0, applies_to: 'presales_to_sales', strategy: 'round_robin', users: ['rick-rep'] });
      const h = await expectJson<View>(server.as('presales').api('/api/records/handoff.handoff', { method: 'POST', json: { data: { kind: 'presales_to_sales', status: 'pending', summary: `Ready ${w}`, deal_id: deal.id } } }), 201);
      await eventually(async () => (await expectJson<View>(server.api(`/api/records/handoff.handoff/${h.id}`), 200)).data.to_user === 'rick-rep');
      expect((await server.api(`/api/records/handoff.routing_rule/${rule.id}`, { method: 'DELETE', headers: { 'if-match': `"${rule.version}"` } })).status).toBe(204);
      // the sender here is marketing, who neither sent nor sees this one; presales (its sender) sees it but is not the receiver
      await cell(`${w} reject without reason`, w === 'anonymous' ? 401 : w === 'read-token' ? 403 : 422, () => api(w)(`/api/plugins/handoff/handoffs/${h.id}/reject`, { method: 'POST', json: { reason: '' } }));
      await cell(`${w} accept`, answer[w], () => api(w)(`/api/plugins/handoff/handoffs/${h.id}/accept`, { method: 'POST', json: {} }));
      if (answer[w] === 202) await eventually(async () => (await expectJson<View>(server.api(`/api/records/handoff.handoff/${h.id}`), 200)).data.status === 'accepted');
    });
  }

  // A won deal handed to customer success (rick -> cora): ownership and visibility move at
  // acceptance, not at routing; the sender keeps reading the deal (a read share), not changing it.
  it('sales -> customer success: before acceptance the receiver reads the handoff only; after it he owns the deal, the sender reads it', async () => {
    const account = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Matrix Co', status: 'active' }, owner: null, orgUnit: null } }), 201);
    const deal = await expectJson<View>(server.as('rep').api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Matrix won', account_id: account.id } } }), 201);
    const rule = await createRule(server, { name: 'Success desk', position: 0, applies_to: 'sales_to_success', strategy: 'round_robin', users: ['cora-colleague'] });
    const h = await expectJson<View>(server.as('rep').api('/api/records/handoff.handoff', { method: 'POST', json: { data: { kind: 'sales_to_success', summary: 'Onboard Matrix Co', deal_id: deal.id, account_id: account.id } } }), 201);
    await eventually(async () => (await expectJson<View>(server.api(`/api/records/handoff.handoff/${h.id}`), 200)).data.to_user === 'cora-colleague');
    expect((await server.api(`/api/records/handoff.routing_rule/${rule.id}`, { method: 'DELETE', headers: { 'if-match': `"${rule.version}"` } })).status).toBe(204);
    const as = (u: TestUser) => server.as(u).api;
    await quiet();
    const before: [TestUser, number, number][] = [['rep', 200, 200], ['colleague', 200, 404], ['other-rep', 404, 404], ['presales', 404, 404], ['marketing', 404, 404]];
    for (const [u, handoff, dealRead] of before) {
      await cell(`${u} reads the sent handoff`, handoff, () => as(u)(`/api/records/handoff.handoff/${h.id}`));
      await cell(`${u} reads the deal before acceptance`, dealRead, () => as(u)(`/api/records/pipeline.deal/${deal.id}`));
    }
    await cell('sender accepts his own handoff', 403, () => as('rep')(`/api/plugins/handoff/handoffs/${h.id}/accept`, { method: 'POST', json: {} }));
    await cell('receiver accepts', 202, () => as('colleague')(`/api/plugins/handoff/handoffs/${h.id}/accept`, { method: 'POST', json: {} }));
    await quiet();
    const after: [TestUser, number, number, number][] = [['colleague', 200, 200, 200], ['rep', 200, 200, 403], ['manager', 200, 200, 200], ['other-rep', 404, 404, 404], ['presales', 404, 404, 404], ['marketing', 404, 404, 404]];
    for (const [u, handoff, dealRead, dealEdit] of after) {
      await cell(`${u} reads the accepted handoff`, handoff, () => as(u)(`/api/records/handoff.handoff/${h.id}`));
      await cell(`${u} reads the deal after acceptance`, dealRead, () => as(u)(`/api/records/pipeline.deal/${deal.id}`));
      const v = await expectJson<View>(server.api(`/api/records/pipeline.deal/${deal.id}`), 200);
      await cell(`${u} edits the deal after acceptance`, dealEdit, () => as(u)(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': `"${v.version}"` }, json: { data: { notes: `by ${u}` } } }));
    }
    expect((await expectJson<View>(server.api(`/api/records/crm.account/${account.id}`), 200)).owner).toBe('cora-colleague');
  });

  const rules: Record<Who, number> = { admin: 201, manager: 422, receiver: 422, sender: 422, colleague: 422, 'other-rep': 422, presales: 422, 'read-token': 403, anonymous: 401 };
  for (const w of WHO) {
    it(`${w} creating a routing rule: ${rules[w]}; routing state visible only to admins`, async () => {
      const res = await cell(`${w} POST rule`, rules[w], () => api(w)('/api/records/handoff.routing_rule', { method: 'POST', json: { data: { name: `By ${w}`, position: 99, strategy: 'round_robin', active: false }, owner: null, orgUnit: null } }));
      if (rules[w] === 422) expect(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('handoff.admins-only');
      if (w === 'anonymous') return;
      const states = await expectJson<{ items: unknown[] }>(api(w)('/api/records/handoff.routing_state'), 200);
      expect(states.items.length > 0, w).toBe(w === 'admin');
    });
  }
});
