import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type TestServer } from '../../../runtime/test/harness';
import { eventually, expectJson, move, type Problem, type View } from '../../../runtime/test/process/helpers';
import { plugin } from '../src/runtime/index';
import { LEAD, LEAD_DATA, clearRules, createRule, jobServices, prepare } from './handoff.test-support';

interface Notification { kind: string; title: string; body: string | null; record: { id: string } | null }
interface Inbox { now: string; items: { type: string; id: string; title: string; kind: string; from: { id: string; name: string } | null; dueAt: string | null; secondsLeft: number | null; reason: string | null; rule: string | null }[] }

/**
 * Leads handed from marketing to sales through the lead process on both backends: routing by
 * the ordered rules with its explanation, the receiver's access, accept, reject with a reason,
 * conversion into account, contact and deal in one transaction, the inbox, notifications, and
 * the acceptance SLA (escalation to the receiver's manager, then re-routing, each once).
 */
describe.each(backends())('leads and routing on $name', (backend) => {
  let server: TestServer;
  const marketing = () => server.as('marketing');
  const rick = () => server.as('rep');

  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5', PIPEWRIGHT_RATE_LIMIT: '100000' });
    await prepare(server);
  });
  afterAll(async () => {
    if (process.env.HANDOFF_DEBUG) console.log(server.logs.filter((l) => !l.includes(' 200 ')).join('\n'));
    await server?.close();
  });

  async function handOver(data: Record<string, unknown> = LEAD_DATA): Promise<View> {
    const lead = await expectJson<View>(marketing().api(`/api/records/${LEAD}`, { method: 'POST', json: { data } }), 201);
    expect(lead.stage).toBe('new');
    const moved = await expectJson<{ record: View }>(move(marketing().api, lead.id, lead.version, { to: 'marketing_qualified' }, {}, LEAD), 200);
    expect(moved.record.stage).toBe('marketing_qualified');
    return eventually(async () => {
      const v = await expectJson<View>(server.api(`/api/records/${LEAD}/${lead.id}`), 200);
      return v.data.routing ? v : undefined;
    });
  }

  it('hands a qualified lead to the rep the first matching rule picks, with the explanation, and gives him the lead', async () => {
    await clearRules(server);
    await createRule(server, { name: 'APAC by territory', position: 10, strategy: 'territory', territory_field: 'territory', territories: { apac: 'otto-rep' } });
    await createRule(server, { name: 'North A round robin', position: 20, strategy: 'round_robin', users: ['rick-rep'] });

    // The context checklist: the hand-over needs email and source.
    const bare = await expectJson<View>(marketing().api(`/api/records/${LEAD}`, { method: 'POST', json: { data: { company_name: 'Bare Co', contact_name: 'Bo Bare' } } }), 201);
    const missing = await expectJson<Problem & { missing?: unknown }>(move(marketing().api, bare.id, bare.version, { to: 'marketing_qualified' }, {}, LEAD), 422);
    expect(JSON.stringify(missing)).toContain('email');
    expect(JSON.stringify(missing)).toContain('source');
    // A rep may not hand leads over (the transition names marketing and manager).
    const forbidden = await rick().api(`/api/records/${LEAD}/${bare.id}/transitions`, { method: 'POST', headers: { 'if-match': `"${bare.version}"` }, json: { to: 'marketing_qualified', data: { email: 'b@b.example', source: 'event' } } });
    expect([403, 404]).toContain(forbidden.status);

    const lead = await handOver();
    expect(lead.owner).toBe('rick-rep');
    expect(lead.data.to_user).toBe('rick-rep');
    expect(lead.data.from_user).toBe('mona-marketing');
    expect(lead.data.routing).toMatchObject({ rule: 'North A round robin', strategy: 'round_robin' });
    expect(String((lead.data.routing as { reason: string }).reason)).toContain('Round robin over 1 people');
    // 4 hours by default, from the routing time.
    const routedAt = Date.parse(String((lead.data.routing as { at: string }).at));
    expect(Date.parse(String(lead.data.due_at)) - routedAt).toBe(4 * 3_600_000);

    // Receiver reads and owns it; sender still reads it; another rep does not see it.
    await expectJson<View>(rick().api(`/api/records/${LEAD}/${lead.id}`), 200);
    await expectJson<View>(marketing().api(`/api/records/${LEAD}/${lead.id}`), 200);
    expect((await server.as('other-rep').api(`/api/records/${LEAD}/${lead.id}`)).status).toBe(404);

    // The territory rule comes first when its field matches.
    const apac = await handOver({ ...LEAD_DATA, company_name: 'Sakura Ltd', email: 'k@sakura.example', territory: 'apac' });
    expect(apac.data.to_user).toBe('otto-rep');
    expect(apac.data.routing).toMatchObject({ rule: 'APAC by territory', strategy: 'territory', reason: 'Territory: territory is "apac", which other-rep covers.' });

    // Inbox and notification of the receiver.
    const inbox = await expectJson<Inbox>(rick().api('/api/plugins/handoff/inbox'), 200);
    const item = inbox.items.find((i) => i.id === lead.id);
    expect(item).toMatchObject({ type: LEAD, kind: 'marketing_to_sales', title: 'Acme Robotics — Ada Lovelace', from: { id: 'mona-marketing', name: 'marketing' }, rule: 'North A round robin' });
    expect(item?.secondsLeft).toBe(Math.round((Date.parse(String(lead.data.due_at)) - Date.parse(inbox.now)) / 1000));
    expect(inbox.items.some((i) => i.id === apac.id)).toBe(false);
    const notes = await expectJson<{ items: Notification[] }>(rick().api('/api/notifications'), 200);
    expect(notes.items.filter((n) => n.kind === 'handoff.lead-assigned' && n.record?.id === lead.id)).toHaveLength(1);
    const zh = await expectJson<{ items: Notification[] }>(rick().api('/api/notifications', { headers: { 'accept-language': 'zh-CN' } }), 200);
    expect(zh.items.find((n) => n.record?.id === lead.id)?.title).toBe('待接受的新线索：Acme Robotics');
  });

  it('accepts, then converts into account, contact and deal in one transaction, keeping source and campaign', async () => {
    await clearRules(server);
    await createRule(server, { name: 'Rick only', position: 1, strategy: 'round_robin', users: ['rick-rep'] });
    const lead = await handOver({ ...LEAD_DATA, company_name: 'Convert Me GmbH', email: 'c@convert.example' });
    // Not accepted yet: conversion is refused and nothing is written.
    const early = await expectJson<Problem>(rick().api(`/api/plugins/handoff/leads/${lead.id}/convert`, { method: 'POST', json: {} }), 409);
    expect(early.code).toBe('handoff.lead-not-accepted');
    expect(early.errors?.[0]?.pointer).toBe('/stage');

    const accepted = await expectJson<{ record: View }>(move(rick().api, lead.id, lead.version, { to: 'sales_accepted' }, {}, LEAD), 200);
    expect(accepted.record.stage).toBe('sales_accepted');
    await eventually(async () => typeof (await expectJson<View>(rick().api(`/api/records/${LEAD}/${lead.id}`), 200)).data.accepted_at === 'string');
    await eventually(async () => (await expectJson<{ items: Notification[] }>(marketing().api('/api/notifications'), 200)).items.some((n) => n.kind === 'handoff.lead-accepted' && n.record?.id === lead.id));

    // Someone else cannot convert it (404: he does not see it).
    expect((await server.as('other-rep').api(`/api/plugins/handoff/leads/${lead.id}/convert`, { method: 'POST', json: {} })).status).toBe(404);
    // A bad body names the member.
    const bad = await expectJson<Problem>(rick().api(`/api/plugins/handoff/leads/${lead.id}/convert`, { method: 'POST', json: { amount: { amount: -1, currency: 'USD' } } }), 422);
    expect(bad.errors?.some((e) => e.pointer.startsWith('/amount'))).toBe(true);

    const out = await expectJson<{ account: { id: string; created: boolean }; contact: { id: string; created: boolean }; deal: { id: string; created: boolean } }>(
      rick().api(`/api/plugins/handoff/leads/${lead.id}/convert`, { method: 'POST', json: { amount: { amount: 12000, currency: 'USD' } } }),
      200,
    );
    expect(out.account.created && out.contact.created && out.deal.created).toBe(true);
    const account = await expectJson<View>(rick().api(`/api/records/crm.account/${out.account.id}`), 200);
    expect(account.data).toMatchObject({ name: 'Convert Me GmbH', status: 'prospect' });
    const contact = await expectJson<View>(rick().api(`/api/records/crm.contact/${out.contact.id}`), 200);
    expect(contact.data).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', email: 'c@convert.example', account_id: out.account.id });
    const deal = await expectJson<View>(rick().api(`/api/records/pipeline.deal/${out.deal.id}`), 200);
    expect(deal.owner).toBe('rick-rep');
    expect(deal.stage).toBe('prospecting');
    expect(deal.data).toMatchObject({ name: 'Convert Me GmbH (Spring webinar)', account_id: out.account.id, source: 'marketing_campaign', amount: { amount: 12000, currency: 'USD' } });
    expect(String(deal.data.notes)).toContain('campaign: Spring webinar');

    const linked = await expectJson<View>(rick().api(`/api/records/${LEAD}/${lead.id}`), 200);
    expect(linked.data).toMatchObject({ account_id: out.account.id, contact_id: out.contact.id, deal_id: out.deal.id, source: 'marketing_campaign', campaign: 'Spring webinar' });
    const converted = await expectJson<{ record: View }>(move(rick().api, lead.id, linked.version, { to: 'converted' }, {}, LEAD), 200);
    expect(converted.record.stage).toBe('converted');
    // Again: the same links, nothing new.
    const again = await expectJson<typeof out>(rick().api(`/api/plugins/handoff/leads/${lead.id}/convert`, { method: 'POST', json: {} }), 200);
    expect(again).toMatchObject({ account: { id: out.account.id, created: false }, deal: { id: out.deal.id, created: false } });

    // A second lead of the same company links the existing account (by name) instead of a duplicate.
    const second = await handOver({ ...LEAD_DATA, company_name: 'Convert Me GmbH', contact_name: 'Grace Hopper', email: 'g@convert.example' });
    const acc2 = await expectJson<{ record: View }>(move(rick().api, second.id, second.version, { to: 'sales_accepted' }, {}, LEAD), 200);
    const out2 = await expectJson<typeof out>(rick().api(`/api/plugins/handoff/leads/${acc2.record.id}/convert`, { method: 'POST', json: {} }), 200);
    expect(out2.account).toEqual({ id: out.account.id, created: false });
    expect(out2.contact.created).toBe(true);
  });

  it('conversion is all or nothing: a refused deal leaves no account or contact behind', async () => {
    await clearRules(server);
    await createRule(server, { name: 'Rick only', position: 1, strategy: 'round_robin', users: ['rick-rep'] });
    const lead = await handOver({ ...LEAD_DATA, company_name: 'Half Done AG', email: 'h@half.example' });
    const accepted = await expectJson<{ record: View }>(move(rick().api, lead.id, lead.version, { to: 'sales_accepted' }, {}, LEAD), 200);
    // A currency the platform does not know: the deal is refused after account and contact were written.
    const res = await rick().api(`/api/plugins/handoff/leads/${accepted.record.id}/convert`, { method: 'POST', json: { amount: { amount: 10, currency: 'ZZZ' } } });
    expect(res.status).toBe(422);
    const accounts = await expectJson<{ items: View[] }>(server.api('/api/records/crm.account?filter[name]=Half%20Done%20AG'), 200);
    expect(accounts.items).toEqual([]);
    const after = await expectJson<View>(rick().api(`/api/records/${LEAD}/${lead.id}`), 200);
    expect(after.data.account_id).toBeUndefined();
  });

  it('rejecting needs a reason and returns the lead to its sender, who is told why', async () => {
    await clearRules(server);
    await createRule(server, { name: 'Rick only', position: 1, strategy: 'round_robin', users: ['rick-rep'] });
    const lead = await handOver({ ...LEAD_DATA, company_name: 'Nope Inc', email: 'n@nope.example' });
    const noReason = await expectJson<Problem>(move(rick().api, lead.id, lead.version, { to: 'new' }, {}, LEAD), 422);
    expect(JSON.stringify(noReason)).toContain('Say why you reject the lead');
    const rejected = await expectJson<{ record: View }>(move(rick().api, lead.id, lead.version, { to: 'new', data: { reject_reason: 'Student project, no budget' } }, {}, LEAD), 200);
    expect(rejected.record.stage).toBe('new');
    const back = await eventually(async () => {
      const v = await expectJson<View>(server.api(`/api/records/${LEAD}/${lead.id}`), 200);
      return v.owner === 'mona-marketing' ? v : undefined;
    });
    expect(back.data.to_user).toBeUndefined();
    expect(back.data.reject_reason).toBe('Student project, no budget');
    const note = await eventually(async () => (await expectJson<{ items: Notification[] }>(marketing().api('/api/notifications'), 200)).items.find((n) => n.kind === 'handoff.lead-rejected' && n.record?.id === lead.id));
    expect(note.body).toBe('Reason: Student project, no budget');
    // Rick no longer sees it.
    expect((await rick().api(`/api/records/${LEAD}/${lead.id}`)).status).toBe(404);
  });

  it('skips people out of office and deactivated people; without any match the lead stays with marketing and says why', async () => {
    await clearRules(server);
    await createRule(server, { name: 'Team North A', position: 1, strategy: 'round_robin', team: 't-north-a' });
    // Rick is away now; Cora is deactivated; the team's other reps: none. So nobody fits.
    const now = Date.now();
    const away = await expectJson<View>(rick().api('/api/records/handoff.absence', { method: 'POST', json: { data: { starts_at: new Date(now - 3_600_000).toISOString(), ends_at: new Date(now + 86_400_000).toISOString(), note: 'Holiday' } } }), 201);
    await server.platform.database.db.updateTable('users').set({ active: false }).where('id', '=', 'cora-colleague').execute();
    try {
      const lead = await handOver({ ...LEAD_DATA, company_name: 'Nobody Home', email: 'x@nobody.example' });
      expect(lead.owner).toBe('mona-marketing');
      expect(lead.data.to_user).toBeUndefined();
      expect(String((lead.data.routing as { reason: string }).reason)).toContain('No active routing rule matched');
      // With Cora back, she gets the next one.
      await server.platform.database.db.updateTable('users').set({ active: true }).where('id', '=', 'cora-colleague').execute();
      const next = await handOver({ ...LEAD_DATA, company_name: 'Somebody Home', email: 'y@somebody.example' });
      expect(next.data.to_user).toBe('cora-colleague');
    } finally {
      await server.platform.database.db.updateTable('users').set({ active: true }).where('id', '=', 'cora-colleague').execute();
      expect((await rick().api(`/api/records/handoff.absence/${away.id}`, { method: 'DELETE', headers: { 'if-match': `"${away.version}"` } })).status).toBe(204);
    }
  });

  it('refuses routing rules with unknown operators or prototype paths, naming the member, and non-admins', async () => {
    const bad = await expectJson<Problem>(server.api('/api/records/handoff.routing_rule', { method: 'POST', json: { data: { name: 'Bad', position: 1, strategy: 'round_robin', condition: { and: [{ eval: ['x'] }, { '==': [{ var: 'constructor.name' }, 'x'] }] } }, owner: null, orgUnit: null } }), 422);
    expect(bad.errors?.map((e) => e.pointer).sort()).toEqual(['/data/condition/and/0/eval', '/data/condition/and/1/==/0/var']);
    const byRep = await rick().api('/api/records/handoff.routing_rule', { method: 'POST', json: { data: { name: 'Mine', position: 1, strategy: 'round_robin' } } });
    expect(byRep.status).toBe(422);
    expect(((await byRep.json()) as Problem).errors?.[0]?.code).toBe('handoff.admins-only');
    // Routing state is not for reps.
    expect((await expectJson<{ items: unknown[] }>(rick().api('/api/records/handoff.routing_state'), 200)).items).toEqual([]);
  });

  it('escalates a late lead to the receiver\'s manager once, then re-routes it once, even when the SLA job runs twice at the same time', async () => {
    await clearRules(server);
    await createRule(server, { name: 'North A pair', position: 1, strategy: 'round_robin', users: ['rick-rep', 'cora-colleague'] });
    const lead = await handOver({ ...LEAD_DATA, company_name: 'Slow Ltd', email: 's@slow.example' });
    const first = String(lead.data.to_user);
    const sla = plugin.jobs?.sla;
    if (!sla) throw new Error('no sla job');
    const s = jobServices(server);
    // Two deliveries at once (two runtimes' workers), for each step.
    await Promise.all([sla({ type: LEAD, id: lead.id, round: 0, step: 'escalate' }, s), sla({ type: LEAD, id: lead.id, round: 0, step: 'escalate' }, s)]);
    const escalated = await expectJson<View>(server.api(`/api/records/${LEAD}/${lead.id}`), 200);
    expect(typeof escalated.data.escalated_at).toBe('string');
    const mia = await expectJson<{ items: Notification[] }>(server.as('manager').api('/api/notifications'), 200);
    expect(mia.items.filter((n) => n.kind === 'handoff.lead-escalated' && n.record?.id === lead.id)).toHaveLength(1);
    // An escalation event once: the lead's version moved by one write.
    expect(escalated.version).toBe(lead.version + 1);

    await Promise.all([sla({ type: LEAD, id: lead.id, round: 0, step: 'reroute' }, s), sla({ type: LEAD, id: lead.id, round: 0, step: 'reroute' }, s)]);
    const rerouted = await expectJson<View>(server.api(`/api/records/${LEAD}/${lead.id}`), 200);
    expect(rerouted.data.reassignments).toBe(1);
    expect(rerouted.data.to_user).not.toBe(first);
    expect(rerouted.owner).toBe(rerouted.data.to_user);
    expect(rerouted.version).toBe(escalated.version + 1);
    expect(rerouted.data.escalated_at).toBeUndefined();
    // A late delivery of the old round changes nothing.
    await sla({ type: LEAD, id: lead.id, round: 0, step: 'reroute' }, s);
    await sla({ type: LEAD, id: lead.id, round: 0, step: 'escalate' }, s);
    expect((await expectJson<View>(server.api(`/api/records/${LEAD}/${lead.id}`), 200)).version).toBe(rerouted.version);
    // Accepted leads are not escalated.
    const acc = await expectJson<{ record: View }>(move(server.as(rerouted.data.to_user === 'rick-rep' ? 'rep' : 'colleague').api, lead.id, rerouted.version, { to: 'sales_accepted' }, {}, LEAD), 200);
    await sla({ type: LEAD, id: lead.id, round: 1, step: 'escalate' }, s);
    expect((await expectJson<View>(server.api(`/api/records/${LEAD}/${lead.id}`), 200)).data.escalated_at).toBeUndefined();
    expect(acc.record.stage).toBe('sales_accepted');
  });

  it('shares 50 leads handed over at once fairly among 5 reps (10 each), the routing state compare-and-set under concurrency', async () => {
    await clearRules(server);
    const reps = ['rick-rep', 'cora-colleague', 'otto-rep', 'rita-rep', 'rob-rep'];
    await createRule(server, { name: 'Five reps', position: 1, strategy: 'round_robin', users: reps });
    const leads = await Promise.all(Array.from({ length: 50 }, (_, i) => expectJson<View>(marketing().api(`/api/records/${LEAD}`, { method: 'POST', json: { data: { ...LEAD_DATA, company_name: `Fair ${i}`, email: `f${i}@fair.example` } } }), 201)));
    await Promise.all(leads.map((l) => expectJson(move(marketing().api, l.id, l.version, { to: 'marketing_qualified' }, {}, LEAD), 200)));
    const routed = await eventually(async () => {
      const all = await Promise.all(leads.map((l) => expectJson<View>(server.api(`/api/records/${LEAD}/${l.id}`), 200)));
      return all.every((v) => typeof v.data.to_user === 'string') ? all : undefined;
    }, 120_000, 250);
    const per = Object.fromEntries(reps.map((r) => [r, routed.filter((v) => v.data.to_user === r).length]));
    for (const r of reps) expect(per[r], JSON.stringify(per)).toBeGreaterThanOrEqual(9);
    for (const r of reps) expect(per[r], JSON.stringify(per)).toBeLessThanOrEqual(11);
    // Every assignment explains itself.
    for (const v of routed) expect(v.data.routing).toMatchObject({ rule: 'Five reps', strategy: 'round_robin' });
  }, 180_000);
});
