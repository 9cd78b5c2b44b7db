import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, type TestServer } from '../../../runtime/test/harness';
import { eventually, expectJson, move, type Problem, type View } from '../../../runtime/test/process/helpers';
import { LEAD, LEAD_DATA, clearRules, createRule, prepare } from './handoff.test-support';

type Dup = Problem & { candidates: { id: string; title: string }[]; policy: string };
type Converted = { account: { id: string; created: boolean }; contact: { id: string; created: boolean }; deal: { id: string; created: boolean } };

/**
 * Issue 18, 查重 at lead conversion: the handoff plugin's convert route creates the account and
 * contact through the records service, so crm's duplicate check runs on them. A lead whose
 * company looks like an existing account (not the same name) is answered 409 crm.duplicate with
 * the candidate and nothing is written; converting onto the candidate (`account_id`) passes.
 */
describe.each(backends())('lead conversion through the duplicate check on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5', PIPEWRIGHT_RATE_LIMIT: '100000' });
    await prepare(server);
    await clearRules(server);
    await createRule(server, { name: 'Rick only', position: 1, strategy: 'round_robin', users: ['rick-rep'] });
  }, 600_000);
  afterAll(() => server?.close());

  it('answers a look-alike company with the candidate, writes nothing, and converts onto the existing account', async () => {
    const rick = server.as('rep').api;
    const existing = await expectJson<View>(rick('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Lookalike Robotics GmbH', status: 'active' } } }), 201);
    const created = await expectJson<View>(server.as('marketing').api(`/api/records/${LEAD}`, { method: 'POST', json: { data: { ...LEAD_DATA, company_name: 'LOOKALIKE ROBOTICS Ltd', email: 'ada@lookalike.example' } } }), 201);
    await expectJson(move(server.as('marketing').api, created.id, created.version, { to: 'marketing_qualified' }, {}, LEAD), 200);
    const routed = await eventually(async () => {
      const v = await expectJson<View>(server.api(`/api/records/${LEAD}/${created.id}`), 200);
      return v.owner === 'rick-rep' ? v : undefined;
    });
    await expectJson(move(rick, routed.id, routed.version, { to: 'sales_accepted' }, {}, LEAD), 200);
    // Routing gave Rick the lead: the pool's owner history records it in a job (lead_ownership_change); let it land first.
    await eventually(async () => ((await expectJson<{ history: unknown[] }>(server.api(`/api/plugins/handoff/pool/leads/${created.id}`), 200)).history.length > 0 ? true : undefined));

    const before = await countRows(server.platform);
    const dup = await expectJson<Dup>(rick(`/api/plugins/handoff/leads/${created.id}/convert`, { method: 'POST', json: {} }), 409);
    expect(dup.code).toBe('crm.duplicate');
    expect(dup.candidates.map((c) => [c.id, c.title])).toEqual([[existing.id, 'Lookalike Robotics GmbH']]);
    // All or nothing: no account, contact or deal was written.
    expect((await countRows(server.platform)).records).toBe(before.records);

    const out = await expectJson<Converted>(rick(`/api/plugins/handoff/leads/${created.id}/convert`, { method: 'POST', json: { account_id: existing.id } }), 200);
    expect(out.account).toEqual({ id: existing.id, created: false });
    expect(out.contact.created && out.deal.created).toBe(true);
  });
});
