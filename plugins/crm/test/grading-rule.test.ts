import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { backends, startServer, type TestServer } from '../../../runtime/test/harness';
import { expectJson, type Problem, type View } from '../../../runtime/test/process/helpers';
import { plugin } from '../src/runtime/index';
import { GRADING_LOGIC, gradeOf } from '../src/runtime/grading';

/** The customer grading of rules/customer-grading.rule.json by plain arithmetic (no rule engine). */
const byHand = (revenue: number | undefined, employees: number | undefined) =>
  (revenue ?? 0) >= 2_500_000_000 && (employees ?? 0) >= 4000 ? 'A' : (revenue ?? 0) >= 1_000_000_000 || (employees ?? 0) >= 1500 ? 'B' : 'C';
const SIZES: [string, number | undefined, number | undefined][] = [
  ['Large Co', 3e9, 5000],
  ['Rich Few', 3e9, 100],
  ['Many Hands', 5e8, 2000],
  ['Small Shop', 5e8, 100],
  ['Unknown Size', undefined, undefined],
];

/**
 * ADR 032 addendum: customer grading by a grading rule kept as a record (crm.grading_rule) that
 * names a saved rule of the rule library; the versions it reaches are pinned when it is saved.
 */
describe.each(backends())('grading by a saved rule on $name', (backend) => {
  let server: TestServer;
  let grading: View;
  const account = async (name: string, revenue?: number, employees?: number) =>
    expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: `${name} ${Math.random().toString(36).slice(2, 8)}`, status: 'prospect', ...(revenue !== undefined ? { annual_revenue: { amount: revenue, currency: 'USD' } } : {}), ...(employees !== undefined ? { employees } : {}) } } }), 201);
  const job = () => (plugin.jobs?.maintain_accounts as (d: Record<string, unknown>, s: unknown) => Promise<void>)({}, server.platform.plugins.services('crm', systemPrincipal('plugin:crm')));

  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
  }, 120_000);
  afterAll(() => server?.close());

  it('grades accounts by the saved rule the active grading rule names, as the inline rule does, and names it in the grade history', async () => {
    await expectJson(server.api('/api/rules', { method: 'POST', json: { id: 'customer-tiers', name: { en: 'Customer tiers', 'zh-CN': '客户分层' }, entity: 'crm.account', logic: GRADING_LOGIC } }), 201);
    grading = await expectJson<View>(server.api('/api/records/crm.grading_rule', { method: 'POST', json: { data: { name: 'Tiers from the library', logic: { rule: 'customer-tiers' }, active: true } } }), 201);
    expect(grading.data.rule_versions).toEqual({ 'customer-tiers': 1 });
    for (const [name, revenue, employees] of SIZES) {
      const a = await account(name, revenue, employees);
      const inline = gradeOf(a.data);
      expect([name, a.data.grade, a.data.grade_source]).toEqual([name, byHand(revenue, employees), 'rule']);
      expect(a.data.grade).toBe(inline);
    }
    const small = await account('Growing', 5e8, 100);
    expect(small.data.grade).toBe('C');
    const grown = await expectJson<View>(server.api(`/api/records/crm.account/${small.id}`, { method: 'PATCH', headers: { 'if-match': `"${small.version}"` }, json: { data: { employees: 1600 } } }), 200);
    expect(grown.data.grade).toBe('B');
    const history = await expectJson<{ items: View[] }>(server.api(`/api/records/crm.grade_change?filter[account_id]=${small.id}`), 200);
    expect(history.items.map((h) => [h.data.from_grade, h.data.to_grade, h.data.rule])).toEqual([['C', 'B', `crm.grading_rule:${grading.id}`]]);
  });

  it('keeps grading by the pinned version after the saved rule changes, until the grading rule is saved again; "used by" lists it with its pin', async () => {
    await expectJson(server.api('/api/rules/customer-tiers', { method: 'PUT', json: { version: 1, logic: 'D', note: 'everyone D' } }), 200);
    expect((await account('Still Large', 3e9, 5000)).data.grade).toBe('A');
    const uses = await expectJson<{ items: unknown[] }>(server.api('/api/rules/customer-tiers/used-by'), 200);
    expect(uses.items).toEqual([{ kind: 'record', type: 'crm.grading_rule', record: grading.id, pinned: 1, pointer: '/data/logic' }]);
    grading = await expectJson<View>(server.api(`/api/records/crm.grading_rule/${grading.id}`, { method: 'PATCH', headers: { 'if-match': `"${grading.version}"` }, json: { data: {} } }), 200);
    expect(grading.data.rule_versions).toEqual({ 'customer-tiers': 2 });
    expect((await account('Now D', 3e9, 5000)).data.grade).toBe('D');
    // The nightly grading (SQL) regrades every rule-graded account by version 2.
    await job();
    const all = await expectJson<{ items: View[] }>(server.api('/api/records/crm.account?limit=100'), 200);
    expect(all.items.length).toBe(SIZES.length + 3);
    expect(all.items.map((a) => a.data.grade)).toEqual(all.items.map(() => 'D'));
    expect((await expectJson<{ items: { pinned?: number }[] }>(server.api('/api/rules/customer-tiers/used-by'), 200)).items.map((u) => u.pinned)).toEqual([2]);
  });

  it('refuses an unknown saved rule, a second active grading rule and a rep, naming the member', async () => {
    const ghost = await expectJson<Problem>(server.api('/api/records/crm.grading_rule', { method: 'POST', json: { data: { name: 'Ghost', logic: { if: [{ rule: 'no-such-rule' }, 'A', 'C'] } } } }), 422);
    expect(ghost.errors).toEqual([expect.objectContaining({ pointer: '/data/logic/if/0', message: expect.stringContaining('no-such-rule') })]);
    const second = await expectJson<Problem>(server.api('/api/records/crm.grading_rule', { method: 'POST', json: { data: { name: 'Second', logic: 'C', active: true } } }), 422);
    expect(second.errors).toEqual([expect.objectContaining({ pointer: '/data/active', message: expect.stringContaining('Tiers from the library') })]);
    expect((await server.as('rep').api('/api/records/crm.grading_rule', { method: 'POST', json: { data: { name: 'Mine', logic: 'A' } } })).status).toBe(403);
    // Without an active grading rule the plugin's file rule grades again.
    await expectJson(server.api(`/api/records/crm.grading_rule/${grading.id}`, { method: 'PATCH', headers: { 'if-match': `"${grading.version}"` }, json: { data: { active: false } } }), 200);
    expect((await account('Back to the file', 3e9, 5000)).data.grade).toBe('A');
    // The saved rule cannot be deleted while the grading rule names it; it can once that is gone.
    const inUse = await expectJson<Problem>(server.api('/api/rules/customer-tiers', { method: 'DELETE' }), 409);
    expect(inUse.detail).toContain(`crm.grading_rule record ${grading.id}`);
    const current = await expectJson<View>(server.api(`/api/records/crm.grading_rule/${grading.id}`), 200);
    expect((await server.api(`/api/records/crm.grading_rule/${grading.id}`, { method: 'DELETE', headers: { 'if-match': `"${current.version}"` } })).status).toBeLessThan(300);
    expect((await server.api('/api/rules/customer-tiers', { method: 'DELETE' })).status).toBe(204);
  });
});
