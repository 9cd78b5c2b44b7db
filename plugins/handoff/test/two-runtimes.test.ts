import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { randomSecret, sha256 } from '../../../runtime/src/auth/secrets';
import { TOKEN_PREFIX } from '../../../runtime/src/auth/tokens';
import { loadConfig } from '../../../runtime/src/config';
import { createPlatform, type Platform } from '../../../runtime/src/platform';
import { startServer, type TestServer } from '../../../runtime/test/harness';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { createDeal, eventually, expectJson, type View } from '../../../runtime/test/process/helpers';
import { plugin } from '../src/runtime/index';
import { LEAD, LEAD_DATA, clearRules, createRule, prepare } from './handoff.test-support';

const HANDOFF = 'handoff.handoff';

const url = process.env.TEST_DATABASE_URL;

/**
 * Two runtimes on one PostgreSQL schema, each serving requests and running job workers (as
 * behind a load balancer): leads handed over through both are routed by both runtimes' workers,
 * sharing the routing state by compare-and-set; and the acceptance SLA delivered to both at once
 * escalates and re-routes once. PostgreSQL only (a PGlite database belongs to one process).
 */
describe.skipIf(!url)('handoff routing across two runtimes on postgres', () => {
  let server: TestServer;
  let second: Platform;
  let token: string;

  beforeAll(async () => {
    server = await startServer({ name: 'postgres', url: url as string }, { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5', PIPEWRIGHT_RATE_LIMIT: '100000' });
    await prepare(server);
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(server.platform.database.db)).rows[0]?.s;
    if (!schema?.startsWith('t_')) throw new Error(`unexpected schema ${String(schema)}`);
    second = await createPlatform(loadConfig({ DATABASE_URL: url as string, PIPEWRIGHT_DATA_DIR: 'memory', PIPEWRIGHT_DEMO: 'false', PIPEWRIGHT_JOB_POLL_SECONDS: '0.5', PIPEWRIGHT_RATE_LIMIT: '100000' }), { schema, log: () => undefined });
    await second.processes.startWorkers(2);
    token = randomSecret(TOKEN_PREFIX);
    await server.platform.database.db.insertInto('api_tokens').values({ id: crypto.randomUUID(), user_id: 'mona-marketing', name: 'second runtime', scopes: JSON.stringify(['read', 'write']), token_hash: sha256(token), created_by: 'system:test', created_at: new Date() }).execute();
    server.canaries.push(token);
  }, 120_000);
  afterAll(async () => {
    await second?.close();
    await server?.close();
  });

  /** A request to the second runtime, as marketing. */
  const viaSecond = async (path: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}) =>
    second.app.fetch(new Request(`http://second${path}`, { method: init.method ?? 'GET', headers: { authorization: `Bearer ${token}`, ...(init.json ? { 'content-type': 'application/json' } : {}), ...init.headers }, ...(init.json ? { body: JSON.stringify(init.json) } : {}) }));

  it('shares 50 leads handed over through two runtimes among 5 reps, 10 each', async () => {
    const reps = ['rick-rep', 'cora-colleague', 'otto-rep', 'rita-rep', 'rob-rep'];
    await createRule(server, { name: 'Five reps', position: 1, strategy: 'round_robin', users: reps });
    const marketing = server.as('marketing').api;
    const leads = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const body = { data: { ...LEAD_DATA, company_name: `Two ${i}`, email: `t${i}@two.example` } };
        return expectJson<View>(i % 2 ? viaSecond(`/api/records/${LEAD}`, { method: 'POST', json: body }) : marketing(`/api/records/${LEAD}`, { method: 'POST', json: body }), 201);
      }),
    );
    await Promise.all(
      leads.map((l, i) => {
        const init = { method: 'POST', headers: { 'if-match': `"${l.version}"` }, json: { to: 'marketing_qualified' } };
        return expectJson(i % 2 ? marketing(`/api/records/${LEAD}/${l.id}/transitions`, init) : viaSecond(`/api/records/${LEAD}/${l.id}/transitions`, init), 200);
      }),
    );
    const routed = await eventually(async () => {
      const all = await Promise.all(leads.map((l) => expectJson<View>(server.api(`/api/records/${LEAD}/${l.id}`), 200)));
      return all.every((v) => typeof v.data.to_user === 'string') ? all : undefined;
    }, 120_000, 250);
    const per = Object.fromEntries(reps.map((r) => [r, routed.filter((v) => v.data.to_user === r).length]));
    for (const r of reps) expect(per[r], JSON.stringify(per)).toBeGreaterThanOrEqual(9);
    for (const r of reps) expect(per[r], JSON.stringify(per)).toBeLessThanOrEqual(11);
    // Every hand-over was routed by exactly one action run, whichever runtime's worker took it.
    const by = await server.platform.database.db.selectFrom('action_runs').select('key').where('action_type', '=', 'handoff.route').execute();
    expect(by.length).toBe(50);
  }, 180_000);

  it('escalates and re-routes once when both runtimes deliver the same SLA step at once', async () => {
    const l = routedLead();
    const lead = await l;
    const sla = plugin.jobs?.sla;
    if (!sla) throw new Error('no sla job');
    const a = server.platform.plugins.services('handoff', systemPrincipal('plugin:handoff'));
    const b = second.plugins.services('handoff', systemPrincipal('plugin:handoff'));
    await Promise.all([sla({ type: LEAD, id: lead.id, round: 0, step: 'escalate' }, a), sla({ type: LEAD, id: lead.id, round: 0, step: 'escalate' }, b)]);
    await Promise.all([sla({ type: LEAD, id: lead.id, round: 0, step: 'reroute' }, a), sla({ type: LEAD, id: lead.id, round: 0, step: 'reroute' }, b)]);
    const after = await expectJson<View>(server.api(`/api/records/${LEAD}/${lead.id}`), 200);
    expect(after.version).toBe(lead.version + 2);
    expect(after.data.reassignments).toBe(1);
    const escalations = await server.platform.database.db.selectFrom('notifications').select('user_id').where('kind', '=', 'handoff.lead-escalated').where('record_id', '=', lead.id).execute();
    expect(escalations.length).toBe((await a.directory.managersOf(String(lead.data.to_user))).length);
  });

  it('escalates and expires a late handoff once when both runtimes deliver each SLA step at once', async () => {
    await clearRules(server);
    await createRule(server, { name: 'Solutions to Rick', position: 1, applies_to: 'presales_to_sales', strategy: 'round_robin', users: ['rick-rep'] });
    const deal = await createDeal(server.as('rep').api, { name: 'Two-runtime expiry' });
    await expectJson(server.as('rep').api(`/api/records/pipeline.deal/${deal.id}/shares`, { method: 'POST', json: { userId: 'pete-presales', access: 'read' } }), 201);
    const created = await expectJson<View>(server.as('presales').api(`/api/records/${HANDOFF}`, { method: 'POST', json: { data: { kind: 'presales_to_sales', status: 'pending', summary: 'Race to expire', deal_id: deal.id } } }), 201);
    const h = await eventually(async () => {
      const v = await expectJson<View>(server.api(`/api/records/${HANDOFF}/${created.id}`), 200);
      return typeof v.data.to_user === 'string' ? v : undefined;
    });
    const sla = plugin.jobs?.sla;
    if (!sla) throw new Error('no sla job');
    const a = server.platform.plugins.services('handoff', systemPrincipal('plugin:handoff'));
    const b = second.plugins.services('handoff', systemPrincipal('plugin:handoff'));
    for (const step of ['escalate', 'reroute']) await Promise.all([a, b, a, b].map((s) => sla({ type: HANDOFF, id: h.id, round: 0, step }, s)));
    const after = await expectJson<View>(server.api(`/api/records/${HANDOFF}/${h.id}`), 200);
    expect(after).toMatchObject({ stage: 'expired', data: { status: 'expired' } });
    expect(after.version).toBe(h.version + 2);
    const db = server.platform.database.db;
    const count = async (kind: string) => (await db.selectFrom('notifications').select('user_id').where('kind', '=', kind).where('record_id', '=', h.id).execute()).length;
    expect(await count('handoff.handoff-escalated')).toBe((await a.directory.managersOf('rick-rep')).length);
    expect(await count('handoff.handoff-expired')).toBe(1);
    const moves = await db.selectFrom('stage_history').select('stage').where('record_id', '=', h.id).execute();
    expect(moves.map((m) => m.stage).sort()).toEqual(['expired', 'sent']);
  });

  async function routedLead(): Promise<View> {
    const created = await expectJson<View>(server.as('marketing').api(`/api/records/${LEAD}`, { method: 'POST', json: { data: { ...LEAD_DATA, company_name: 'Race Ltd', email: 'r@race.example' } } }), 201);
    await expectJson(viaSecond(`/api/records/${LEAD}/${created.id}/transitions`, { method: 'POST', headers: { 'if-match': `"${created.version}"` }, json: { to: 'marketing_qualified' } }), 200);
    return eventually(async () => {
      const v = await expectJson<View>(server.api(`/api/records/${LEAD}/${created.id}`), 200);
      return typeof v.data.to_user === 'string' ? v : undefined;
    });
  }
});
