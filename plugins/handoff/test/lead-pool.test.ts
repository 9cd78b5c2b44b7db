import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type TestServer } from '../../../runtime/test/harness';
import { eventually, expectJson, type Problem, type View } from '../../../runtime/test/process/helpers';
import { plugin } from '../src/runtime/index';
import { LEAD, jobServices, prepare } from './handoff.test-support';

const DAY = 86_400_000;
interface Stint { owner: string; startedBy: string | null; endedBy: string | null; reason: string | null; rule: string | null; to: string | null }
interface LeadPool { pool: { id: string; name: string } | null; owner: string | null; history: Stint[]; mayClaim: boolean; mayReturn: boolean; outlook: { rule: string; daysLeft: number } | null }
interface Notice { kind: string; title: string; body: string | null; record: { id: string } | null }

/**
 * Issue 19, leads in the shared pool (公海池) over HTTP on both backends: unowned open leads sit
 * in the crm pools, claim and return in one click under the pool's rules (refusals in English and
 * Chinese), the owner history, the claim race (concurrent requests), owner changes by routing
 * recorded, and recycling by the pool's follow-up rule with a warning and a notice, once each.
 */
describe.each(backends())('leads in the pool (公海池) on $name', (backend) => {
  let server: TestServer;
  let now = new Date('2031-06-02T09:00:00Z');
  const rep = () => server.as('rep', 'token').api;
  const colleague = () => server.as('colleague', 'token').api;
  const otherRep = () => server.as('other-rep', 'token').api;
  const manager = () => server.as('manager', 'token').api;
  const recycle = () => (plugin.jobs?.lead_pool_recycle as (d: Record<string, unknown>, s: unknown) => Promise<void>)({ force: true }, jobServices(server));
  let north: View;

  const lead = async (company: string, extra: Record<string, unknown> = {}, orgUnit = 't-north-a') =>
    expectJson<View>(server.api(`/api/records/${LEAD}`, { method: 'POST', json: { data: { company_name: company, contact_name: 'Li Lei', ...extra }, owner: null, orgUnit } }), 201);
  const claim = (api: TestServer['api'], id: string, lang = 'en') => api(`/api/plugins/handoff/pool/leads/${id}/claim`, { method: 'POST', headers: { 'accept-language': lang } });
  const giveBack = (api: TestServer['api'], id: string, reason?: string) => api(`/api/plugins/handoff/pool/leads/${id}/return`, { method: 'POST', json: reason === undefined ? {} : { reason } });
  const standing = (id: string, api = server.api) => expectJson<LeadPool>(api(`/api/plugins/handoff/pool/leads/${id}`), 200);
  const notices = async (api: TestServer['api'], lang = 'en') => (await expectJson<{ items: Notice[] }>(api('/api/notifications', { headers: { 'accept-language': lang } }), 200)).items;

  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5', PIPEWRIGHT_RATE_LIMIT: '100000' }, { now: () => now });
    await prepare(server);
    north = await expectJson<View>(server.api('/api/records/crm.pool', { method: 'POST', json: { data: { name: 'North pool', name_zh: '北区公海', region_unit: 't-north', max_held: 2, max_claims_per_day: 3, reclaim_cooldown_days: 7, warn_days: 3, recycle_rules: [{ id: 'no_follow_up', label: { en: 'No follow-up', 'zh-CN': '未跟进' }, measure: 'days_since_follow_up', limit: { if: [{ '>=': [{ var: 'score' }, 80] }, 20, 10] } }] } } }), 201);
  }, 120_000);
  afterAll(() => server?.close());

  it('lists a pool\'s unowned open leads to its members and refuses others and bad input without a 500', async () => {
    const l = await lead('Pooled Lead Co');
    await recycle(); // marks it pooled (readable by pool members)
    const listed = await expectJson<{ items: { id: string; company: string }[]; total: number; me: { held: number } }>(rep()(`/api/plugins/handoff/pool/pools/${north.id}/leads`), 200);
    expect(listed.items.map((i) => i.company)).toContain('Pooled Lead Co');
    expect((await expectJson<View>(rep()(`/api/records/${LEAD}/${l.id}`), 200)).data).toMatchObject({ in_pool: true, pool_id: north.id });
    const outsider = await expectJson<Problem>(otherRep()(`/api/plugins/handoff/pool/pools/${north.id}/leads`, { headers: { 'accept-language': 'zh-CN' } }), 403);
    expect([outsider.code, outsider.detail]).toEqual(['handoff.pool-not-member', '您不是该公海池的成员。']);
    expect((await expectJson<Problem>(claim(rep(), 'nope'), 404)).code).toBe('not-found');
    expect((await expectJson<Problem>(claim(rep(), '00000000-0000-4000-8000-000000000000'), 404)).errors?.[0]?.pointer).toBe('/lead');
    expect((await expectJson<Problem>(giveBack(rep(), l.id, 'x'.repeat(501)), 422)).errors?.[0]?.pointer).toBe('/reason');
  });

  it('claims and returns in one click under the claim rules, refusals naming the rule in both languages, with the history', async () => {
    const [a, b, c] = (await Promise.all(['Lead One', 'Lead Two', 'Lead Three'].map((n) => lead(n)))) as [View, View, View];
    const outsider = await expectJson<Problem>(claim(otherRep(), a.id, 'zh-CN'), 403);
    expect([outsider.code, outsider.rule, outsider.detail]).toEqual(['handoff.pool-not-member', 'members', '您不是公海池“北区公海”的成员。']);
    const first = await expectJson<{ lead: { owner: string }; held: number; claimsToday: number }>(claim(rep(), a.id), 200);
    expect(first).toMatchObject({ lead: { owner: 'rick-rep' }, held: 1, claimsToday: 1 });
    expect((await expectJson<View>(rep()(`/api/records/${LEAD}/${a.id}`), 200)).data).toMatchObject({ to_user: 'rick-rep', in_pool: false });
    const taken = await expectJson<Problem>(claim(colleague(), a.id, 'zh-CN'), 409);
    expect([taken.code, taken.detail]).toEqual(['handoff.pool-taken', '线索“Lead One”不在公海中，已被他人领取。']);
    await expectJson(claim(rep(), b.id), 200);
    const held = await expectJson<Problem>(claim(rep(), c.id), 422);
    expect([held.code, held.rule, held.held, held.limit]).toEqual(['handoff.pool-limit-held', 'max_held', 2, 2]);
    expect((await expectJson<Problem>(claim(rep(), c.id, 'zh-CN'), 422)).detail).toBe('您已持有公海池“北区公海”的 2 条线索，达到每人上限（2）。请先退回一条再领取。');
    // Return: one click, the reason optional; only the owner, his manager or an admin.
    expect((await expectJson<Problem>(giveBack(colleague(), a.id), 403)).code).toBe('handoff.pool-not-yours');
    await expectJson(giveBack(rep(), a.id), 200);
    await expectJson(giveBack(manager(), b.id, 'Rebalancing'), 200);
    expect((await expectJson<Problem>(giveBack(rep(), b.id), 409)).code).toBe('handoff.pool-not-held');
    const cool = await expectJson<Problem>(claim(rep(), a.id), 422);
    expect([cool.code, cool.until]).toEqual(['handoff.pool-cooldown', new Date(now.getTime() + 7 * DAY).toISOString()]);
    // J = 3 claims a day in the pool.
    await expectJson(claim(rep(), c.id), 200);
    const mine = await expectJson<View>(rep()(`/api/records/${LEAD}/${c.id}`), 200);
    const byHand = await expectJson<Problem>(rep()(`/api/records/${LEAD}/${c.id}`, { method: 'PATCH', headers: { 'if-match': `"${mine.version}"` }, json: { data: { in_pool: true } } }), 422);
    expect(byHand.errors?.[0]?.pointer).toBe('/data/in_pool');
    const d = await lead('Lead Four');
    const daily = await expectJson<Problem>(claim(rep(), d.id, 'zh-CN'), 422);
    expect([daily.code, daily.rule, daily.claimsToday, daily.detail]).toEqual(['handoff.pool-limit-daily', 'max_claims_per_day', 3, '您今天已从该公海池领取 3 次，达到每日上限（3）。请明天再试。']);
    await expectJson(claim(colleague(), a.id), 200);
    const h = await standing(a.id);
    expect(h.pool?.name).toBe('North pool');
    expect(h.history.map((s) => [s.owner, s.startedBy, s.endedBy, s.reason, s.to === null])).toEqual([
      ['rick-rep', 'claim', 'return', null, false],
      ['cora-colleague', 'claim', null, null, true],
    ]);
    expect((await standing(b.id)).history.map((s) => [s.owner, s.endedBy, s.reason])).toEqual([['rick-rep', 'return', 'Rebalancing']]);
    now = new Date(now.getTime() + DAY);
    for (const [api, id] of [[colleague(), a.id], [rep(), c.id]] as const) await expectJson(giveBack(api, id), 200);
  });

  it('records an owner change made outside the pool (a manager reassigning) in the lead history', async () => {
    const l = await lead('Reassigned Lead');
    await expectJson(claim(rep(), l.id), 200);
    const v = await expectJson<View>(server.api(`/api/records/${LEAD}/${l.id}`), 200);
    await expectJson(manager()(`/api/records/${LEAD}/${l.id}`, { method: 'PATCH', headers: { 'if-match': `"${v.version}"` }, json: { owner: 'cora-colleague' } }), 200);
    const h = await eventually(async () => {
      const r = await standing(l.id);
      return r.history.length === 2 ? r.history : undefined;
    }, 60_000, 250);
    expect(h.map((s) => [s.owner, s.startedBy, s.endedBy])).toEqual([['rick-rep', 'claim', 'reassign'], ['cora-colleague', 'assign', null]]);
    await expectJson(giveBack(colleague(), l.id), 200);
  });

  it('gives a contested lead to exactly one of two reps claiming it at the same moment', async () => {
    const race = await expectJson<View>(server.api('/api/records/crm.pool', { method: 'POST', json: { data: { name: 'Lead race pool', member_units: ['t-north-a'], max_held: 1000, max_claims_per_day: 1000 } } }), 201);
    const leads = await Promise.all(Array.from({ length: 8 }, (_, i) => lead(`Race Lead ${i}`, { pool_id: race.id })));
    const results: Response[] = [];
    for (const l of leads) results.push(...(await Promise.all([claim(rep(), l.id), claim(colleague(), l.id)])));
    const bodies = await Promise.all(results.map((r) => r.json() as Promise<{ code?: string; lead?: { owner: string } }>));
    for (let i = 0; i < leads.length; i++) expect([results[2 * i]?.status, results[2 * i + 1]?.status].sort(), `lead ${i}`).toEqual([200, 409]);
    expect(bodies.filter((b) => b.code !== undefined).every((b) => b.code === 'handoff.pool-taken')).toBe(true);
    for (const [i, l] of leads.entries()) {
      const winner = bodies[2 * i]?.lead?.owner ?? bodies[2 * i + 1]?.lead?.owner;
      const after = await standing(l.id);
      expect(after.owner).toBe(winner);
      expect(after.history.map((s) => s.owner)).toEqual([winner]);
    }
  }, 120_000);

  it('warns before and returns after the pool\'s follow-up rule, once each, in both languages', async () => {
    now = new Date(now.getTime() + DAY);
    const start = now;
    const quiet = await lead('Quiet Lead', { score: 40 });
    const hot = await lead('Hot Lead', { score: 90 });
    for (const l of [quiet, hot]) await expectJson(claim(rep(), l.id), 200);
    expect((await standing(quiet.id, rep())).outlook).toMatchObject({ rule: 'no_follow_up', daysLeft: 10 });
    now = new Date(start.getTime() + 7 * DAY + 3_600_000);
    await recycle();
    await recycle();
    expect((await notices(rep())).filter((n) => n.kind === 'handoff.pool-warning').map((n) => [n.record?.id, n.title])).toEqual([[quiet.id, 'Lead "Quiet Lead" returns to the pool in 3 days']]);
    now = new Date(start.getTime() + 10 * DAY + 3_600_000);
    await recycle();
    await recycle();
    const q = await standing(quiet.id);
    expect(q.owner).toBeNull();
    expect(q.history.at(-1)).toMatchObject({ owner: 'rick-rep', endedBy: 'recycle', rule: 'no_follow_up', reason: 'No follow-up: 10 days (limit 10)' });
    expect((await standing(hot.id)).owner).toBe('rick-rep'); // score 90: 20 days
    const zh = (await notices(rep(), 'zh-CN')).filter((n) => n.kind === 'handoff.pool-recycled');
    expect(zh.map((n) => [n.record?.id, n.title, n.body])).toEqual([[quiet.id, '线索“Quiet Lead”已退回公海“北区公海”', '规则“未跟进”：已 10 天，上限 10 天。其他销售现在可以领取。']]);
    expect((await expectJson<View>(colleague()(`/api/records/${LEAD}/${quiet.id}`), 200)).data.in_pool).toBe(true);
    expect((await expectJson<Problem>(claim(rep(), quiet.id), 422)).code).toBe('handoff.pool-cooldown');
  }, 120_000);
});
