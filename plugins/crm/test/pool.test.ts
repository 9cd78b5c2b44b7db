import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { backends, startServer, type TestServer } from '../../../runtime/test/harness';
import { createDeal, eventually, expectJson, move, type Problem, type View } from '../../../runtime/test/process/helpers';
import { DEFAULT_RULES, poolOf } from '../src/runtime/pool';
import { verdictOf, type RecycleFacts } from '../src/runtime/pool-recycle';
import { plugin } from '../src/runtime/index';

const DAY = 86_400_000;
interface Stint {
  owner: string;
  from: string;
  to: string | null;
  startedBy: string | null;
  endedBy: string | null;
  reason: string | null;
  rule: string | null;
}
interface AccountPool {
  pool: { id: string; name: string } | null;
  owner: string | null;
  history: Stint[];
  mayClaim: boolean;
  mayReturn: boolean;
  outlook: { rule: string; daysLeft: number; due: string } | null;
}
interface Notice {
  kind: string;
  title: string;
  body: string | null;
  record: { id: string } | null;
}

/**
 * Issue 19, the shared pool (公海池) over HTTP: pools as records (admins only), claim and return
 * with the claim rules (K held, J a day, the cooldown), refusals naming the rule in English and
 * Chinese, the owner history, the claim race, and the recycle job with its warning and notice.
 */
describe.each(backends())('account pool (公海池) on $name', (backend) => {
  let server: TestServer;
  let now = new Date('2031-03-02T09:00:00Z');
  const rep = () => server.as('rep', 'token').api;
  const colleague = () => server.as('colleague', 'token').api;
  const otherRep = () => server.as('other-rep', 'token').api;
  const manager = () => server.as('manager', 'token').api;
  const system = () => server.platform.plugins.services('crm', systemPrincipal('plugin:crm'));
  // The rules of every pool now (as the admin route does); the schedules are tested in pool-two-runtimes.test.ts.
  const recycle = () => (plugin.jobs?.pool_recycle as (d: Record<string, unknown>, s: unknown) => Promise<void>)({ force: true }, system());
  let north: View;

  const account = async (name: string, orgUnit = 't-north-a', extra: Record<string, unknown> = {}) =>
    expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name, status: 'active', dedupe_override: { confirm: true }, ...extra }, owner: null, orgUnit } }), 201);
  const claim = (api: TestServer['api'], id: string, lang = 'en') => api(`/api/plugins/crm/pool/accounts/${id}/claim`, { method: 'POST', headers: { 'accept-language': lang } });
  const giveBack = (api: TestServer['api'], id: string, reason: string | undefined, lang = 'en') => api(`/api/plugins/crm/pool/accounts/${id}/return`, { method: 'POST', headers: { 'accept-language': lang }, json: reason === undefined ? {} : { reason } });
  const poolOfAccount = (id: string, api = server.api) => expectJson<AccountPool>(api(`/api/plugins/crm/pool/accounts/${id}`), 200);
  const notices = async (api: TestServer['api'], lang = 'en') => (await expectJson<{ items: Notice[] }>(api('/api/notifications', { headers: { 'accept-language': lang } }), 200)).items;

  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5', PIPEWRIGHT_RATE_LIMIT: '100000' }, { now: () => now });
    await server.seedOrg();
    // Job workers for the history of owner changes made outside the pool (job ownership_change).
    await server.platform.processes.startWorkers(1);
    north = await expectJson<View>(
      server.api('/api/records/crm.pool', {
        method: 'POST',
        json: {
          data: {
            name: 'North pool',
            name_zh: '北区公海',
            region_unit: 't-north',
            max_held: 2,
            max_claims_per_day: 3,
            reclaim_cooldown_days: 7,
            warn_days: 3,
            recycle_rules: [{ id: 'no_follow_up', label: { en: 'No follow-up', 'zh-CN': '未跟进' }, measure: 'days_since_follow_up', limit: { if: [{ '==': [{ var: 'grade' }, 'A'] }, 30, 10] } }],
          },
        },
      }),
      201,
    );
    await expectJson<View>(server.api('/api/records/crm.pool', { method: 'POST', json: { data: { name: 'South pool', name_zh: '南区公海', region_unit: 't-south', max_held: 100, max_claims_per_day: 100 } } }), 201);
  }, 120_000);
  afterAll(() => { if (process.env.POOL_DEBUG) console.log(server.logs.filter((l) => /error/i.test(l)).slice(0, 4).join('\n')); return server?.close(); });

  it('lets only admins write pools, and refuses a bad rule, a second default or an unknown unit naming the field', async () => {
    const refused = await expectJson<Problem>(manager()('/api/records/crm.pool', { method: 'POST', json: { data: { name: 'Mine' } } }), 403);
    expect(refused.code).toBe('crm.pool-admin-only');
    const zh = await expectJson<Problem>(manager()('/api/records/crm.pool', { method: 'POST', headers: { 'accept-language': 'zh-CN' }, json: { data: { name: 'Mine' } } }), 403);
    expect(zh.detail).toBe('只有管理员可以修改公海池。');
    const badRule = await expectJson<Problem>(server.api('/api/records/crm.pool', { method: 'POST', json: { data: { name: 'Bad', recycle_rules: [{ id: 'x', measure: 'days_since_deal', limit: { no_such_op: [1] } }] } } }), 422);
    expect(badRule.errors?.map((e) => e.pointer)).toContain('/data/recycle_rules/0/limit');
    const badMeasure = await expectJson<Problem>(server.api('/api/records/crm.pool', { method: 'POST', json: { data: { name: 'Bad', recycle_rules: [{ id: 'x', measure: 'days_of_rain', limit: 3 }] } } }), 422);
    expect(badMeasure.errors?.[0]?.pointer).toMatch(/^\/data\/recycle_rules\/0/);
    await expectJson<View>(server.api('/api/records/crm.pool', { method: 'POST', json: { data: { name: 'Default pool', is_default: true, member_units: ['t-company'] } } }), 201);
    const second = await expectJson<Problem>(server.api('/api/records/crm.pool', { method: 'POST', json: { data: { name: 'Another default', is_default: true } } }), 422);
    expect(second.errors?.map((e) => e.pointer)).toContain('/data/is_default');
    const unit = await expectJson<Problem>(server.api('/api/records/crm.pool', { method: 'POST', json: { data: { name: 'Nowhere', region_unit: 'no-such-unit', member_users: ['nobody-here'] } } }), 422);
    expect(unit.errors?.map((e) => e.pointer).sort()).toEqual(['/data/member_users/0', '/data/region_unit']);
    const history = await expectJson<Problem>(server.as('rep', 'token').api('/api/records/crm.ownership', { method: 'POST', json: { data: { account_id: north.id, holder: 'rick-rep', from: '2031-01-01T00:00:00Z' } } }), 403);
    expect(history.code).toBe('crm.ownership-read-only');
  });

  it('shows each user the pools they belong to', async () => {
    const names = async (api: TestServer['api']) => (await expectJson<{ items: { name: string; member: boolean }[] }>(api('/api/plugins/crm/pool/pools'), 200)).items.map((p) => `${p.name}${p.member ? '' : ' (not a member)'}`);
    expect(await names(rep())).toEqual(['Default pool', 'North pool']);
    expect(await names(otherRep())).toEqual(['Default pool', 'South pool']);
    // Pools are readable by everyone (an account's pool_id is a reference), written by admins only.
    expect((await expectJson<View>(otherRep()(`/api/records/crm.pool/${north.id}`), 200)).data.name).toBe('North pool');
    expect(await names(server.as('regional', 'token').api)).toEqual(['Default pool', 'North pool', 'South pool (not a member)']);
  });

  it('refuses bad input and callers without the right, never with a 500', async () => {
    expect((await expectJson<Problem>(claim(rep(), 'not-a-uuid'), 404)).code).toBe('not-found');
    expect((await expectJson<Problem>(claim(rep(), '00000000-0000-4000-8000-000000000000'), 404)).errors?.[0]?.pointer).toBe('/account');
    expect((await expectJson<Problem>(giveBack(rep(), '00000000-0000-4000-8000-000000000000', 'x'), 404)).code).toBe('not-found');
    const badLimit = await expectJson<Problem>(rep()(`/api/plugins/crm/pool/pools/${north.id}/accounts?limit=lots`), 400);
    expect((badLimit.errors?.[0] as { parameter?: string } | undefined)?.parameter).toBe('limit');
    await expectJson<Problem>(rep()('/api/plugins/crm/pool/pools/00000000-0000-4000-8000-000000000000/accounts'), 404);
    expect((await expectJson<Problem>(giveBack(rep(), north.id, 'x'.repeat(501)), 422)).errors?.[0]?.pointer).toBe('/reason');
    // Running the recycle job on demand: admins only.
    await expectJson<Problem>(manager()('/api/plugins/crm/pool/recycle', { method: 'POST' }), 403);
    await expectJson<{ job: string | null }>(server.api('/api/plugins/crm/pool/recycle', { method: 'POST' }), 202);
    // A held account of the North pool is not shown to a South rep.
    const held = await account('Held Elsewhere Ltd');
    await expectJson(claim(rep(), held.id), 200);
    await expectJson<Problem>(otherRep()(`/api/plugins/crm/pool/accounts/${held.id}`), 404);
    await expectJson(giveBack(rep(), held.id, 'test over'), 200);
    now = new Date(now.getTime() + DAY); // the next tests start with no claims today
  });

  it('claims in one click under the claim rules, each refusal naming its rule in English and Chinese', async () => {
    const [a1, a2, a3, a4] = (await Promise.all(['Claim One Ltd', 'Claim Two Ltd', 'Claim Three Ltd', 'Claim Four Ltd'].map((n) => account(n)))) as [View, View, View, View];
    const listed = await expectJson<{ items: { id: string; name: string }[]; total: number; me: { held: number; claimsToday: number } }>(rep()(`/api/plugins/crm/pool/pools/${north.id}/accounts`), 200);
    expect(listed.items.map((i) => i.name)).toEqual(expect.arrayContaining(['Claim One Ltd', 'Claim Two Ltd', 'Claim Three Ltd', 'Claim Four Ltd']));
    expect(listed.me).toEqual({ held: 0, claimsToday: 0 });
    // Not a member of the North pool.
    const outsider = await expectJson<Problem>(claim(otherRep(), a1.id, 'zh-CN'), 403);
    expect([outsider.code, outsider.rule, outsider.detail]).toEqual(['crm.pool-not-member', 'members', '您不是公海池“北区公海”的成员。']);
    await expectJson<Problem>(otherRep()(`/api/plugins/crm/pool/pools/${north.id}/accounts`), 403);

    const first = await expectJson<{ account: { owner: string }; held: number; claimsToday: number }>(claim(rep(), a1.id), 200);
    expect(first).toMatchObject({ account: { owner: 'rick-rep' }, held: 1, claimsToday: 1 });
    expect((await expectJson<Problem>(claim(rep(), a1.id), 409)).code).toBe('crm.pool-already-yours');
    const taken = await expectJson<Problem>(claim(colleague(), a1.id, 'zh-CN'), 409);
    expect([taken.code, taken.detail]).toEqual(['crm.pool-taken', '“Claim One Ltd”不在公海中，已被他人领取。']);
    await expectJson(claim(rep(), a2.id), 200);
    // K = 2 held.
    const held = await expectJson<Problem>(claim(rep(), a3.id), 422);
    expect([held.code, held.rule, held.errors?.[0]?.pointer, held.held, held.limit]).toEqual(['crm.pool-limit-held', 'max_held', '/max_held', 2, 2]);
    expect(held.detail).toContain('its limit per rep (2)');
    const heldZh = await expectJson<Problem>(claim(rep(), a3.id, 'zh-CN'), 422);
    expect(heldZh.detail).toBe('您已持有公海池“北区公海”的 2 个客户，达到每人上限（2）。请先退回一个再领取。');
    // A colleague may not return it, the rep and his manager may (the reason is optional: one click).
    expect((await expectJson<Problem>(giveBack(rep(), a1.id, 42 as unknown as string), 422)).errors?.[0]?.pointer).toBe('/reason');
    const notYours = await expectJson<Problem>(giveBack(colleague(), a1.id, 'mine now', 'zh-CN'), 403);
    expect([notYours.code, notYours.detail]).toEqual(['crm.pool-not-yours', '只有“Claim One Ltd”的负责人、其上级经理或管理员可以将其退回公海。']);
    // A held account is the owner's; a pooled one is readable by everyone (pool members open it to claim).
    expect((await colleague()(`/api/records/crm.account/${a1.id}`)).status).toBe(404);
    await expectJson(giveBack(rep(), a1.id, 'Budget frozen until next year'), 200);
    expect((await expectJson<View>(colleague()(`/api/records/crm.account/${a1.id}`), 200)).data.in_pool).toBe(true);
    const own = await expectJson<View>(rep()(`/api/records/crm.account/${a2.id}`), 200);
    const byHand = await expectJson<Problem>(rep()(`/api/records/crm.account/${a2.id}`, { method: 'PATCH', headers: { 'if-match': `"${own.version}"` }, json: { data: { in_pool: true } } }), 422);
    expect(byHand.errors?.[0]?.pointer).toBe('/data/in_pool');
    await expectJson(giveBack(manager(), a2.id, 'Rebalancing the team'), 200);
    expect((await expectJson<Problem>(giveBack(rep(), a2.id, 'again'), 409)).code).toBe('crm.pool-not-held');
    // Cooldown: the rep held a1 until now.
    const cool = await expectJson<Problem>(claim(rep(), a1.id), 422);
    expect([cool.code, cool.rule, cool.until]).toEqual(['crm.pool-cooldown', 'reclaim_cooldown_days', new Date(now.getTime() + 7 * DAY).toISOString()]);
    expect((await expectJson<Problem>(claim(rep(), a1.id, 'zh-CN'), 422)).detail).toContain('冷却期');
    // J = 3 claims a day (a1 and a2 count, though returned).
    await expectJson(claim(rep(), a3.id), 200);
    const daily = await expectJson<Problem>(claim(rep(), a4.id), 422);
    expect([daily.code, daily.rule, daily.claimsToday]).toEqual(['crm.pool-limit-daily', 'max_claims_per_day', 3]);
    expect((await expectJson<Problem>(claim(rep(), a4.id, 'zh-CN'), 422)).detail).toBe('您今天已领取 3 个客户，达到公海池每日上限（3）。请明天再试。');
    // The colleague (never held a1) takes it at once.
    await expectJson(claim(colleague(), a1.id), 200);

    // The owner history: who held it, from when to when, how it ended and why.
    const h = await poolOfAccount(a1.id);
    expect(h.pool?.name).toBe('North pool');
    expect(h.history.map((s) => [s.owner, s.startedBy, s.endedBy, s.reason, s.to === null])).toEqual([
      ['rick-rep', 'claim', 'return', 'Budget frozen until next year', false],
      ['cora-colleague', 'claim', null, null, true],
    ]);
    expect((await poolOfAccount(a2.id)).history.map((s) => [s.owner, s.endedBy, s.reason])).toEqual([['rick-rep', 'return', 'Rebalancing the team']]);
    const events = await expectJson<{ items: { actor: string }[] }>(server.api(`/api/records/crm.account/${a1.id}/events`), 200);
    expect(events.items.filter((e) => e.actor === 'system:plugin:crm').length).toBeGreaterThanOrEqual(3);

    // A day later the limits reset and the cooldown still holds (7 days).
    now = new Date(now.getTime() + DAY);
    await expectJson(claim(rep(), a4.id), 200);
    expect((await expectJson<Problem>(claim(rep(), a2.id), 422)).code).toBe('crm.pool-cooldown');
    // One click, no reason: still audited (the stint closed by the rep, the account's events).
    await expectJson(giveBack(rep(), a4.id, undefined), 200);
    expect((await poolOfAccount(a4.id)).history.map((s) => [s.owner, s.endedBy, s.reason, s.to !== null])).toEqual([['rick-rep', 'return', null, true]]);
    await expectJson(giveBack(rep(), a3.id, 'done'), 200);
    await expectJson(giveBack(colleague(), a1.id, 'done'), 200);
    now = new Date(now.getTime() + 8 * DAY);
    await expectJson(claim(rep(), a2.id), 200);
    await expectJson(giveBack(rep(), a2.id, 'done'), 200);
  });

  it('records an owner change made outside the pool (a manager reassigning) in the history', async () => {
    // Created without an owner: the pool's job marks it pooled, then pool members can read it.
    const a = await account('Reassigned Holdings');
    expect((await rep()(`/api/records/crm.account/${a.id}`)).status).toBe(404);
    await recycle();
    expect((await expectJson<View>(rep()(`/api/records/crm.account/${a.id}`), 200)).data).toMatchObject({ in_pool: true, pool_id: north.id });
    await expectJson(claim(rep(), a.id), 200);
    const v = await expectJson<View>(server.api(`/api/records/crm.account/${a.id}`), 200);
    await expectJson(manager()(`/api/records/crm.account/${a.id}`, { method: 'PATCH', headers: { 'if-match': `"${v.version}"` }, json: { owner: 'cora-colleague' } }), 200);
    const h = await eventually(async () => {
      const r = await poolOfAccount(a.id);
      return r.history.length === 2 ? r.history : undefined;
    }, 60_000, 250);
    expect(h.map((s) => [s.owner, s.startedBy, s.endedBy, s.to === null])).toEqual([
      ['rick-rep', 'claim', 'reassign', false],
      ['cora-colleague', 'assign', null, true],
    ]);
    await expectJson(giveBack(colleague(), a.id, 'not my region'), 200);
  });

  it('gives a contested account to exactly one of two reps claiming it at the same moment', async () => {
    const race = await expectJson<View>(server.api('/api/records/crm.pool', { method: 'POST', json: { data: { name: 'Race pool', member_units: ['t-north-a'], max_held: 1000, max_claims_per_day: 1000 } } }), 201);
    const accounts = await Promise.all(Array.from({ length: 8 }, (_, i) => account(`Race ${i} Ltd`, 't-north-a', { pool_id: race.id })));
    // Each account: both reps click at the same moment.
    const results: Response[] = [];
    for (const a of accounts) results.push(...(await Promise.all([claim(rep(), a.id), claim(colleague(), a.id)])));
    const statuses = results.map((r) => r.status);
    for (let i = 0; i < accounts.length; i++) expect([statuses[2 * i], statuses[2 * i + 1]].sort(), `account ${i}`).toEqual([200, 409]);
    const bodies = await Promise.all(results.map((r) => r.json() as Promise<{ code?: string; account?: { owner: string } }>));
    expect(bodies.filter((b) => b.code !== undefined).every((b) => b.code === 'crm.pool-taken')).toBe(true);
    for (const [i, a] of accounts.entries()) {
      const winner = bodies[2 * i]?.account?.owner ?? bodies[2 * i + 1]?.account?.owner;
      const after = await poolOfAccount(a.id);
      expect(after.owner).toBe(winner);
      expect(after.history.map((s) => s.owner)).toEqual([winner]);
    }
  }, 120_000);

  it('checks the pools\' own recycle schedules every 5 minutes on the shared queue, and refuses a schedule that is not cron', async () => {
    const schedules = await server.platform.processes.queue.boss.getSchedules();
    expect(schedules.find((x) => x.name === 'pwp_crm__pool_recycle')?.cron).toBe('*/5 * * * *');
    const bad = await expectJson<Problem>(server.api('/api/records/crm.pool', { method: 'POST', json: { data: { name: 'Bad schedule', recycle_schedule: '99 * * * *' } } }), 422);
    expect(bad.errors?.map((e) => e.pointer)).toEqual(['/data/recycle_schedule']);
    const run = await expectJson<Problem>(rep()('/api/records/crm.pool_run', { method: 'POST', json: { data: { pool_id: north.id, subject: 'account', fired_at: '2031-01-01T00:00:00Z' } } }), 403);
    expect(run.code).toBe('crm.pool-run-read-only');
  });

  it('warns the owner before and returns the account after the recycle rule, once each, in both languages', async () => {
    now = new Date(now.getTime() + DAY);
    const start = now;
    const quiet = await account('Quiet Customer Co', 't-north-a', { grade: 'C', grade_source: 'hand' });
    const keyAccount = await account('Key Account Co', 't-north-a', { grade: 'A', grade_source: 'hand' });
    const followed = await account('Followed Up Co', 't-north-a', { grade: 'C', grade_source: 'hand' });
    for (const a of [quiet, keyAccount]) await expectJson(claim(rep(), a.id), 200);
    await expectJson(claim(colleague(), followed.id), 200);
    const outlook = (await poolOfAccount(quiet.id, rep())).outlook;
    expect(outlook).toMatchObject({ rule: 'no_follow_up', daysLeft: 10, due: new Date(start.getTime() + 10 * DAY).toISOString().slice(0, 10) });

    now = new Date(start.getTime() + 5 * DAY);
    await expectJson(colleague()('/api/records/crm.activity', { method: 'POST', json: { data: { kind: 'call', subject: 'Checked in', done: true, occurred_at: now.toISOString(), account_id: followed.id } } }), 201);
    now = new Date(start.getTime() + 7 * DAY + 3_600_000);
    await recycle();
    await recycle();
    const warned = (await notices(rep())).filter((n) => n.kind === 'crm.pool-warning');
    expect(warned.map((n) => [n.record?.id, n.title])).toEqual([[quiet.id, '"Quiet Customer Co" returns to the pool in 3 days']]);
    const warnedZh = (await notices(rep(), 'zh-CN')).filter((n) => n.kind === 'crm.pool-warning');
    expect(warnedZh.map((n) => n.title)).toEqual(['“Quiet Customer Co”将在 3 天后退回公海']);
    expect((await poolOfAccount(quiet.id)).owner).toBe('rick-rep');

    now = new Date(start.getTime() + 10 * DAY + 3_600_000);
    await recycle();
    await recycle();
    const q = await poolOfAccount(quiet.id);
    expect(q.owner).toBeNull();
    expect(q.history.at(-1)).toMatchObject({ owner: 'rick-rep', endedBy: 'recycle', rule: 'no_follow_up', reason: 'No follow-up: 10 days (limit 10)' });
    // Grade A has 30 days; the followed-up account counts from its call (5 days ago).
    expect((await poolOfAccount(keyAccount.id)).owner).toBe('rick-rep');
    expect((await poolOfAccount(followed.id)).owner).toBe('cora-colleague');
    const all = await notices(rep());
    expect(all.filter((n) => n.kind === 'crm.pool-recycled').map((n) => [n.record?.id, n.title])).toEqual([[quiet.id, '"Quiet Customer Co" returned to the pool North pool']]);
    // One warning for it (accounts of other tests, held by the rep in other pools, may be warned now too); none for the grade A account.
    expect(all.filter((n) => n.kind === 'crm.pool-warning' && n.record?.id === quiet.id)).toHaveLength(1);
    expect(all.filter((n) => n.record?.id === keyAccount.id)).toHaveLength(0);
    expect((await notices(rep(), 'zh-CN')).find((n) => n.kind === 'crm.pool-recycled')?.body).toBe('规则“未跟进”：已 10 天，上限 10 天。其他销售现在可以领取。');
    // The previous owner's cooldown applies to a recycled account too.
    expect((await expectJson<Problem>(claim(rep(), quiet.id), 422)).code).toBe('crm.pool-cooldown');
    await expectJson(claim(colleague(), quiet.id), 200);
  }, 120_000);

  it('returns an account a week after its deal was lost with nothing since; a follow-up after the loss keeps it', async () => {
    now = new Date(now.getTime() + DAY);
    const dealPool = await expectJson<View>(server.api('/api/records/crm.pool', { method: 'POST', json: { data: { name: 'Deal pool', member_units: ['t-north-a'], max_held: 1000, max_claims_per_day: 1000, warn_days: 0, recycle_rules: [{ id: 'deal_lost', label: { en: 'Deal lost, nothing since', 'zh-CN': '输单后无进展' }, measure: 'days_since_lost', limit: 7 }] } } }), 201);
    const [lost, revived] = (await Promise.all(['Lost Cause Ltd', 'Second Wind Ltd'].map((n) => account(n, 't-north-a', { pool_id: dealPool.id })))) as [View, View];
    for (const a of [lost, revived]) await expectJson(claim(rep(), a.id), 200);
    expect((await poolOfAccount(lost.id, rep())).outlook).toBeNull(); // no lost deal: the rule does not apply
    for (const a of [lost, revived]) {
      const deal = await createDeal(rep(), { name: `Deal of ${String(a.data.name)}`, account_id: a.id });
      await expectJson(move(rep(), deal.id, deal.version, { to: 'lost', data: { lost_reason: 'price', close_date: now.toISOString().slice(0, 10) } }), 200);
    }
    const start = now;
    expect((await poolOfAccount(lost.id, rep())).outlook).toMatchObject({ rule: 'deal_lost', daysLeft: 7 });
    now = new Date(start.getTime() + 3 * DAY);
    await expectJson(rep()('/api/records/crm.activity', { method: 'POST', json: { data: { kind: 'call', subject: 'Next year?', done: true, occurred_at: now.toISOString(), account_id: revived.id } } }), 201);
    now = new Date(start.getTime() + 7 * DAY + 3_600_000);
    // Jobs the deal moves started (account summaries) may still write the account: a run that finds
    // it changed leaves it to the next run, as the hourly job does; two runs settle it.
    await recycle();
    await recycle();
    const gone = await poolOfAccount(lost.id);
    expect([gone.owner, gone.history.at(-1)?.endedBy, gone.history.at(-1)?.rule]).toEqual([null, 'recycle', 'deal_lost']);
    expect((await poolOfAccount(revived.id)).owner).toBe('rick-rep');
  }, 120_000);

  it("puts a book transferred back to the pool in the pool, with the stint closed and the accounts claimable", async () => {
    const own = await expectJson<View>(server.api('/api/records/crm.pool', { method: 'POST', json: { data: { name: 'Transfer pool', member_units: ['t-north-a'], max_held: 1000, max_claims_per_day: 1000, recycle_enabled: false } } }), 201);
    const book = await account('Transferred Book Co', 't-north-a', { pool_id: own.id });
    await expectJson(claim(colleague(), book.id), 200);
    const started = await expectJson<{ id: string }>(manager()('/api/plugins/crm/transfers', { method: 'POST', json: { from: 'cora-colleague', rule: 'pool' } }), 202);
    await (plugin.jobs?.transfer as (d: Record<string, unknown>, s: unknown) => Promise<void>)({ transfer: started.id }, system());
    const after = await eventually(async () => {
      const r = await poolOfAccount(book.id, rep());
      return r.owner === null && r.history.at(-1)?.to ? r : undefined;
    }, 60_000, 250);
    expect(after.pool?.name).toBe('Transfer pool');
    expect(after.mayClaim).toBe(true);
    expect(after.history.map((h) => [h.owner, h.startedBy, h.endedBy, h.reason])).toEqual([['cora-colleague', 'claim', 'return', 'moved to the pool']]);
    await eventually(async () => ((await rep()(`/api/records/crm.account/${book.id}`)).status === 200 ? true : undefined), 60_000, 250);
  }, 120_000);
});

describe('recycle rules (pure)', () => {
  const pool = poolOf({ id: 'p', type: 'crm.pool', version: 1, data: { name: 'Default rules' }, owner: null, orgUnit: null, stage: null, createdAt: '', updatedAt: '' });
  const account = (grade: string) => ({ id: 'a', type: 'crm.account', version: 1, data: { name: 'X', grade }, owner: 'u', orgUnit: null, stage: null, createdAt: '', updatedAt: '' });
  const facts = (f: Partial<RecycleFacts>): RecycleFacts => ({ heldSince: '2031-01-01T00:00:00Z', days_since_follow_up: 0, days_since_deal: 0, days_since_lost: null, anchors: {}, ...f });

  it('uses the shipped rules by grade: 30, 21 and 14 days without follow-up, 90 without a deal, 7 after a lost deal', () => {
    expect(pool.defaultRules).toBe(true);
    expect(DEFAULT_RULES.map((r) => r.id)).toEqual(['no_follow_up', 'no_deal', 'deal_lost']);
    const left = (grade: string, f: Partial<RecycleFacts>) => {
      const v = verdictOf(pool, account(grade), facts(f));
      return v ? [v.rule.id, v.daysLeft] : null;
    };
    expect(left('A', { days_since_follow_up: 20 })).toEqual(['no_follow_up', 10]);
    expect(left('B', { days_since_follow_up: 20 })).toEqual(['no_follow_up', 1]);
    expect(left('C', { days_since_follow_up: 20 })).toEqual(['no_follow_up', -6]);
    expect(left('A', { days_since_follow_up: 1, days_since_deal: 85 })).toEqual(['no_deal', 5]);
    expect(left('A', { days_since_follow_up: 3, days_since_deal: 3, days_since_lost: 3 })).toEqual(['deal_lost', 4]);
  });
});
