import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type TestServer } from '../../../runtime/test/harness';
import { createDeal, eventually, expectJson, type Problem, type View } from '../../../runtime/test/process/helpers';
import { plugin } from '../src/runtime/index';
import { clearRules, createRule, jobServices, prepare } from './handoff.test-support';

const HANDOFF = 'handoff.handoff';
interface Notification { kind: string; title: string; body: string | null; record: { id: string } | null }

/**
 * The acceptance SLA's last step on both backends: a late handoff escalates once, then (nobody
 * else to take it, or re-routed `max_reroutes` times) expires once through its kind's process,
 * however many deliveries of the step race; sender and late receiver are told in en and zh-CN.
 */
describe.each(backends())('handoff expiry on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5', PIPEWRIGHT_RATE_LIMIT: '100000' });
    await prepare(server);
  });
  afterAll(() => server?.close());

  const sla = (data: Record<string, unknown>) => {
    const job = plugin.jobs?.sla;
    if (!job) throw new Error('no sla job');
    return job(data, jobServices(server));
  };
  const view = (id: string) => expectJson<View>(server.api(`/api/records/${HANDOFF}/${id}`), 200);
  const notes = async (who: Parameters<TestServer['as']>[0], kind: string, id: string, language = 'en') =>
    (await expectJson<{ items: Notification[] }>(server.as(who).api('/api/notifications', { headers: { 'accept-language': language } }), 200)).items.filter((n) => n.kind === kind && n.record?.id === id);

  async function sentHandoff(name: string): Promise<View> {
    const deal = await createDeal(server.as('rep').api, { name });
    await expectJson(server.as('rep').api(`/api/records/pipeline.deal/${deal.id}/shares`, { method: 'POST', json: { userId: 'pete-presales', access: 'read' } }), 201);
    const h = await expectJson<View>(server.as('presales').api(`/api/records/${HANDOFF}`, { method: 'POST', json: { data: { kind: 'presales_to_sales', status: 'pending', summary: `Solution for ${name}`, deal_id: deal.id } } }), 201);
    return eventually(async () => {
      const v = await view(h.id);
      return typeof v.data.to_user === 'string' ? v : undefined;
    });
  }

  it('escalates once, then expires once when nobody else may take it; sender and receiver are told', async () => {
    await clearRules(server);
    await createRule(server, { name: 'Solutions to Rick', position: 1, applies_to: 'presales_to_sales', strategy: 'round_robin', users: ['rick-rep'] });
    const v = await sentHandoff('Nobody else');
    expect(v.data.to_user).toBe('rick-rep');
    await Promise.all([1, 2].map(() => sla({ type: HANDOFF, id: v.id, round: 0, step: 'escalate' })));
    expect(await notes('manager', 'handoff.handoff-escalated', v.id)).toHaveLength(1);
    await Promise.all([1, 2, 3].map(() => sla({ type: HANDOFF, id: v.id, round: 0, step: 'reroute' })));
    const after = await view(v.id);
    expect(after).toMatchObject({ stage: 'expired', owner: v.owner, data: { status: 'expired', to_user: 'rick-rep', reassignments: 0 } });
    expect(typeof after.data.resolved_at).toBe('string');
    expect(after.data.due_at).toBeUndefined();
    // escalated_at, then the one move: nothing written twice
    expect(after.version).toBe(v.version + 2);
    const history = await expectJson<{ items: { stage: string; exitedAt: string | null }[] }>(server.api(`/api/records/${HANDOFF}/${v.id}/history`), 200);
    expect(history.items.map((x) => x.stage)).toEqual(['sent', 'expired']);
    const sender = await notes('presales', 'handoff.handoff-expired', v.id);
    expect(sender).toHaveLength(1);
    expect(sender[0]?.title).toBe('Handoff expired: Solution for Nobody else');
    const rick = await server.platform.database.db.selectFrom('users').select('name').where('id', '=', 'rick-rep').executeTakeFirstOrThrow();
    expect(sender[0]?.body).toBe(`Nobody accepted it in time (last assigned to ${rick.name}); it stays with you.`);
    expect((await notes('presales', 'handoff.handoff-expired', v.id, 'zh-CN'))[0]?.title).toBe('交接已过期：Solution for Nobody else');
    expect(await notes('rep', 'handoff.handoff-expired-receiver', v.id)).toHaveLength(1);
    // A late delivery finds it answered; the receiver can no longer accept it.
    await sla({ type: HANDOFF, id: v.id, round: 0, step: 'reroute' });
    expect((await view(v.id)).version).toBe(after.version);
    expect((await expectJson<Problem>(server.as('rep').api(`/api/plugins/handoff/handoffs/${v.id}/accept`, { method: 'POST', json: {} }), 409)).code).toBe('handoff.not-pending');
  });

  it('re-routes once (max_reroutes 1), then expires at the second round\'s re-route', async () => {
    await clearRules(server);
    await createRule(server, { name: 'Pair', position: 1, applies_to: 'presales_to_sales', strategy: 'round_robin', users: ['rick-rep', 'cora-colleague'] });
    const v = await sentHandoff('Two rounds');
    await sla({ type: HANDOFF, id: v.id, round: 0, step: 'escalate' });
    await Promise.all([1, 2].map(() => sla({ type: HANDOFF, id: v.id, round: 0, step: 'reroute' })));
    const second = await view(v.id);
    expect(second).toMatchObject({ stage: 'sent', data: { reassignments: 1 } });
    expect(second.data.to_user).not.toBe(v.data.to_user);
    await sla({ type: HANDOFF, id: v.id, round: 1, step: 'escalate' });
    await Promise.all([1, 2].map(() => sla({ type: HANDOFF, id: v.id, round: 1, step: 'reroute' })));
    const after = await view(v.id);
    expect(after).toMatchObject({ stage: 'expired', data: { status: 'expired', to_user: second.data.to_user, reassignments: 1 } });
    expect(after.version).toBe(second.version + 2);
    expect(await notes('presales', 'handoff.handoff-expired', v.id)).toHaveLength(1);
  });
});
