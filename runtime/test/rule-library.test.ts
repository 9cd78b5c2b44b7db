import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, type TestServer } from './harness';
import { expectJson, guardedDealProcess, move, type Problem, type View } from './process/helpers';

interface Rule { id: string; name: { en: string; 'zh-CN'?: string }; entity: string | null; latestVersion: number; updatedBy: string; versions: { version: number; logic: unknown; author: string; note: string | null }[] }
interface Use { kind: string; process?: string; draft?: boolean; version?: number; pinned?: number; rule?: string; type?: string; record?: string; pointer: string; via?: string }

const BIG = { '>=': [{ var: 'amount.amount' }, 10000] };
const usd = (amount: number) => ({ amount, currency: 'USD' });

const guarded = guardedDealProcess;

/** `/api/rules`: the rule library (ADR 032) over HTTP, and references to it in guards. */
describe.each(backends())('rule library on $name', (backend) => {
  let server: TestServer;
  const create = (body: unknown, api = server.api) => api('/api/rules', { method: 'POST', json: body });
  const update = (id: string, body: unknown) => server.api(`/api/rules/${id}`, { method: 'PUT', json: body });
  const usedBy = async (id: string) => (await expectJson<{ items: Use[] }>(server.api(`/api/rules/${id}/used-by`), 200)).items;

  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
  }, 120_000);
  afterAll(() => server?.close());

  it('creates, lists with search, gets with versions, and saves new versions with a stale check', async () => {
    const created = await expectJson<Rule>(create({ id: 'big-deal', name: { en: 'Big deal', 'zh-CN': '大单' }, entity: 'pipeline.deal', description: 'Ten thousand or more', logic: BIG }), 201);
    expect(created).toMatchObject({ id: 'big-deal', latestVersion: 1, entity: 'pipeline.deal', versions: [{ version: 1, logic: BIG, author: expect.stringMatching(/^token:/) }] });
    await expectJson<Rule>(create({ id: 'hot-source', name: { en: 'Hot source' }, logic: { in: [{ var: 'source' }, ['referral', 'partner']] } }), 201);
    const v2 = await expectJson<Rule>(update('big-deal', { version: 1, logic: { '>=': [{ var: 'amount.amount' }, 20000] }, note: 'raised' }), 200);
    expect(v2.latestVersion).toBe(2);
    expect(v2.versions.map((v) => [v.version, v.note])).toEqual([[2, 'raised'], [1, null]]);
    expect(v2.name).toEqual({ en: 'Big deal', 'zh-CN': '大单' });
    const stale = await expectJson<Problem & { currentVersion: number }>(update('big-deal', { version: 1, logic: BIG }), 409);
    expect([stale.code, stale.currentVersion, stale.errors?.[0]?.pointer]).toEqual(['rule.stale-version', 2, '/version']);
    const v3 = await expectJson<Rule>(update('big-deal', { version: 2, logic: BIG, name: { en: 'Big deal (10k)', 'zh-CN': '大单（一万）' } }), 200);
    expect([v3.latestVersion, v3.name.en, v3.versions.length]).toEqual([3, 'Big deal (10k)', 3]);
    const all = await expectJson<{ items: Rule[] }>(server.as('rep').api('/api/rules'), 200);
    expect(all.items.map((r) => [r.id, r.latestVersion])).toEqual([['big-deal', 3], ['hot-source', 1]]);
    expect((await expectJson<{ items: Rule[] }>(server.api('/api/rules?q=%E5%A4%A7%E5%8D%95'), 200)).items.map((r) => r.id)).toEqual(['big-deal']);
    expect((await expectJson<{ items: Rule[] }>(server.api('/api/rules?q=SOURCE'), 200)).items.map((r) => r.id)).toEqual(['hot-source']);
    expect((await server.api('/api/rules/nope')).status).toBe(404);
    expect((await create({ id: 'big-deal', name: { en: 'Again' }, logic: true })).status).toBe(409);
    const audit = await server.platform.database.db.selectFrom('events').select('action').where('subject', '=', 'rule:big-deal').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['rule.create', 'rule.update', 'rule.update']);
    await expect(server.platform.database.db.updateTable('saved_rule_versions').set({ author: 'mallory' }).where('rule_id', '=', 'big-deal').execute()).rejects.toThrow(/immutable/);
  });

  it('lets only admins write; reading needs the read scope', async () => {
    const rep = server.as('rep');
    expect((await create({ id: 'mine', name: { en: 'Mine' }, logic: true }, rep.api)).status).toBe(403);
    expect((await rep.api('/api/rules/big-deal', { method: 'PUT', json: { version: 3, logic: true } })).status).toBe(403);
    expect((await rep.api('/api/rules/big-deal')).status).toBe(200);
  });

  it('refuses bad input and rules the checker refuses with problems naming the member, writing nothing', async () => {
    const before = await countRows(server.platform);
    const shape = await expectJson<Problem>(create({ id: 'Bad Id', name: { fr: 'x' }, logic: true, extra: 1 }), 422);
    expect(shape.errors?.map((e) => e.pointer).sort()).toEqual(['/extra', '/id', '/name/en', '/name/fr']);
    const typed = await expectJson<Problem>(create({ id: 'typed', name: { en: 'Typed' }, entity: 'pipeline.deal', logic: { and: [{ '>': [{ var: 'nope' }, 1] }, { '==': [{ var: 'expected_close_date' }, 5] }] } }), 422);
    expect(typed.code).toBe('rule.invalid');
    expect(typed.errors?.map((e) => e.pointer)).toEqual(expect.arrayContaining(['/logic/and/0/>/0']));
    expect(typed.errors?.length).toBeGreaterThanOrEqual(2);
    const op = await expectJson<Problem>(create({ id: 'op', name: { en: 'Op' }, logic: { eval: ['x'] } }), 422);
    expect(op.errors?.[0]?.pointer).toBe('/logic');
    const entity = await expectJson<Problem>(create({ id: 'ent', name: { en: 'E' }, entity: 'acme.nothing', logic: true }), 422);
    expect(entity.errors?.[0]).toMatchObject({ pointer: '/entity', code: 'unknown-entity' });
    const missing = await expectJson<Problem>(create({ id: 'dangling', name: { en: 'D' }, logic: { or: [true, { rule: 'ghost' }] } }), 422);
    expect(missing.errors?.[0]).toMatchObject({ pointer: '/logic/or/1', code: 'unknown-rule' });
    const reserved = await expectJson<Problem>(create({ id: 'check', name: { en: 'C' }, logic: true }), 422);
    expect(reserved.errors?.[0]?.pointer).toBe('/id');
    // a cycle: a -> b, then b -> a
    await expectJson(create({ id: 'cyc-a', name: { en: 'A' }, logic: { '!': [{ rule: 'hot-source' }] } }), 201);
    await expectJson(create({ id: 'cyc-b', name: { en: 'B' }, logic: { rule: 'cyc-a' } }), 201);
    const cycle = await expectJson<Problem>(update('cyc-a', { version: 1, logic: { '!': [{ rule: 'cyc-b' }] } }), 422);
    expect(cycle.errors?.[0]).toMatchObject({ pointer: '/logic/!/0', code: 'reference-cycle' });
    const self = await expectJson<Problem>(update('hot-source', { version: 1, logic: { or: [{ rule: 'hot-source' }] } }), 422);
    expect(self.errors?.[0]?.code).toBe('reference-cycle');
    const zh = await expectJson<Problem>(server.api('/api/rules', { method: 'POST', json: { name: { en: 'x' }, logic: true }, headers: { 'accept-language': 'zh-CN' } }), 422);
    expect(zh.errors?.[0]).toMatchObject({ pointer: '/id', message: '为必填项' });
    expect((await countRows(server.platform)).events).toBe(before.events + 2);
  });

  it('resolves a reference in a guard: pinned at publish, blocking and permitting the move, and shown in used-by', async () => {
    // a process naming a rule that does not exist is refused, naming the path of the reference
    const refused = await expectJson<Problem>(server.api('/api/processes', { method: 'POST', json: guarded('by_rule', { and: [{ '!!': [{ var: 'name' }] }, { rule: 'no-such-rule' }] }) }), 422);
    expect(refused.errors?.[0]).toMatchObject({ pointer: '/transitions/0/guard/and/1', code: 'invalid-guard' });
    await expectJson(server.api('/api/processes', { method: 'POST', json: guarded('by_rule', { rule: 'big-deal' }) }), 201);
    const published = await expectJson<{ version: number; rules: Record<string, number> }>(server.api('/api/processes/by_rule/publish', { method: 'POST' }), 201);
    expect(published.rules).toEqual({ 'big-deal': 3 });
    const rep = server.as('rep');
    const deal = (amount: number) => expectJson<View>(rep.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: `Deal ${amount}`, amount: usd(amount) }, process: 'by_rule' } }), 201);
    const small = await deal(5000);
    const blocked = await expectJson<Problem & { explanation: { passed: boolean } }>(move(rep.api, small.id, 1, { to: 'won', process: 'by_rule' }), 422);
    expect([blocked.code, blocked.explanation.passed]).toEqual(['process.guard-failed', false]);
    const big = await deal(15000);
    await expectJson(move(rep.api, big.id, 1, { to: 'won', process: 'by_rule' }), 200);
    // a new version of the rule does not change the published process ...
    await expectJson(update('big-deal', { version: 3, logic: { '>=': [{ var: 'amount.amount' }, 1000] } }), 200);
    await expectJson<Problem>(move(rep.api, small.id, 1, { to: 'won', process: 'by_rule' }), 422);
    // ... until it is published again, which pins the new version (nothing else changed); deals
    // already in version 1 stay on it, new ones move under version 2
    const again = await expectJson<{ version: number; rules: Record<string, number> }>(server.api('/api/processes/by_rule/publish', { method: 'POST' }), 201);
    expect(again.rules).toEqual({ 'big-deal': 4 });
    expect((await server.api('/api/processes/by_rule/publish', { method: 'POST' })).status).toBe(409);
    await expectJson<Problem>(move(rep.api, small.id, 1, { to: 'won', process: 'by_rule' }), 422);
    const later = await deal(5000);
    const moved = await expectJson<{ record: View & { process: { version: number } } }>(move(rep.api, later.id, 1, { to: 'won', process: 'by_rule' }), 200);
    expect([moved.record.stage, moved.record.process.version]).toEqual(['won', 2]);
    const uses = await usedBy('big-deal');
    expect(uses.filter((u) => u.kind === 'process').map((u) => [u.process, u.draft ?? false, u.version ?? null, u.pinned ?? null, u.pointer])).toEqual([
      ['by_rule', true, null, null, '/transitions/0/guard'],
      ['by_rule', false, 1, 3, '/transitions/0/guard'],
      ['by_rule', false, 2, 4, '/transitions/0/guard'],
    ]);
    // through another rule
    await expectJson(create({ id: 'big-and-hot', name: { en: 'Big and hot' }, logic: { and: [{ rule: 'big-deal' }, { rule: 'hot-source' }] } }), 201);
    expect(await usedBy('big-deal')).toEqual(expect.arrayContaining([{ kind: 'rule', rule: 'big-and-hot', pointer: '/logic/and/0' }]));
    expect((await usedBy('hot-source')).map((u) => [u.kind, u.rule ?? u.process])).toEqual([['rule', 'big-and-hot'], ['rule', 'cyc-a']]);
  });

  it('resolves a reference in an approval condition: the move waits for a manager only when the saved rule holds', async () => {
    const def = guarded('approve_by_rule', true) as ReturnType<typeof guarded> & { transitions: Record<string, unknown>[] };
    def.transitions[0] = { id: 'win', from: 'open', to: 'won', approval: { when: { rule: 'big-deal' }, approvers: [{ role: 'manager' }] } };
    await expectJson(server.api('/api/processes', { method: 'POST', json: def }), 201);
    const published = await expectJson<{ rules: Record<string, number> }>(server.api('/api/processes/approve_by_rule/publish', { method: 'POST' }), 201);
    expect(published.rules).toEqual({ 'big-deal': 4 }); // amount >= 1000
    const rep = server.as('rep');
    const deal = (amount: number) => expectJson<View>(rep.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: `Approval ${amount}`, amount: usd(amount) }, process: 'approve_by_rule' } }), 201);
    const [big, small] = [await deal(5000), await deal(500)];
    expect((await move(rep.api, big.id, 1, { to: 'won', process: 'approve_by_rule' })).status).toBe(202);
    expect((await move(rep.api, small.id, 1, { to: 'won', process: 'approve_by_rule' })).status).toBe(200);
    expect((await usedBy('big-deal')).filter((u) => u.process === 'approve_by_rule').map((u) => [u.draft ?? false, u.pointer])).toEqual([[true, '/transitions/0/approval/when'], [false, '/transitions/0/approval/when']]);
  });

  it('finds records whose body references a rule (e.g. a rule kept in a record), through other rules too', async () => {
    // Written below the API on purpose: no shipped entity stores a reference yet (ADR 032); this
    // checks the jsonpath query on each backend.
    const at = new Date();
    const row = { type: 'acme.rule_holder', owner_id: null, org_unit_id: null, stage: null, version: 1, created_by: 'test', updated_by: 'test', created_at: at, updated_at: at, deleted_at: null };
    const id = '00000000-0000-4000-8000-0000000000a1';
    await server.platform.database.db.insertInto('records').values([
      { ...row, id, data: JSON.stringify({ indicators: [{ key: 'big', rule: { if: [{ rule: 'big-and-hot' }, 100, 0] } }] }) },
      { ...row, id: '00000000-0000-4000-8000-0000000000a2', data: JSON.stringify({ rule: 'big-deal-ish', note: { rule: ['big-deal-2'] } }) },
      { ...row, id: '00000000-0000-4000-8000-0000000000a3', data: JSON.stringify({ indicators: [{ rule: { rule: 'big-deal' } }] }), deleted_at: at },
    ]).execute();
    const uses = (await usedBy('big-deal')).filter((u) => u.kind === 'record');
    expect(uses).toEqual([{ kind: 'record', type: 'acme.rule_holder', record: id, pointer: '/data/indicators/0/rule/if/0', via: 'big-and-hot' }]);
  });

  it('renames a rule (its names in English and Chinese, its description) without a new version; admins only', async () => {
    const rename = (id: string, body: unknown, api = server.api) => api(`/api/rules/${id}`, { method: 'PATCH', json: body });
    const before = await expectJson<Rule>(server.api('/api/rules/hot-source'), 200);
    const renamed = await expectJson<Rule & { description: string | null }>(rename('hot-source', { name: { en: 'Warm source', 'zh-CN': '优质来源' }, description: 'Referral or partner' }), 200);
    expect([renamed.name, renamed.description, renamed.latestVersion, renamed.versions]).toEqual([{ en: 'Warm source', 'zh-CN': '优质来源' }, 'Referral or partner', before.latestVersion, before.versions]);
    expect((await expectJson<{ items: Rule[] }>(server.api('/api/rules?q=%E4%BC%98%E8%B4%A8'), 200)).items.map((r) => r.id)).toEqual(['hot-source']);
    const onlyDescription = await expectJson<Rule & { description: string | null }>(rename('hot-source', { description: null }), 200);
    expect([onlyDescription.name.en, onlyDescription.description]).toEqual(['Warm source', null]);
    expect((await rename('hot-source', { name: { en: 'Mine' } }, server.as('rep').api)).status).toBe(403);
    expect((await expectJson<Problem>(rename('hot-source', {}), 422)).errors?.[0]?.pointer).toBe('');
    expect((await expectJson<Problem>(rename('hot-source', { name: { 'zh-CN': '只有中文' } }), 422)).errors?.map((e) => e.pointer)).toEqual(['/name/en']);
    expect((await rename('no-such-rule', { name: { en: 'X' } })).status).toBe(404);
    const audit = await server.platform.database.db.selectFrom('events').select('action').where('subject', '=', 'rule:hot-source').orderBy('id').execute();
    expect(audit.map((a) => a.action).slice(-2)).toEqual(['rule.rename', 'rule.rename']);
  });

  it('deletes a rule nothing uses; refuses one in use with 409 naming every use, in English and Chinese', async () => {
    const remove = (id: string, init: { headers?: Record<string, string> } = {}, api = server.api) => api(`/api/rules/${id}`, { method: 'DELETE', ...init });
    const uses = await usedBy('big-deal');
    const refused = await expectJson<Problem & { usedBy: Use[] }>(remove('big-deal'), 409);
    expect(refused.code).toBe('rule.in-use');
    expect(refused.usedBy).toEqual(uses);
    expect(refused.errors?.length).toBe(uses.length);
    expect(refused.detail).toContain('process "by_rule" version 1');
    expect(refused.detail).toContain('the draft of process "by_rule"');
    const zh = await expectJson<Problem>(remove('big-deal', { headers: { 'accept-language': 'zh-CN' } }), 409);
    expect(zh.detail).toMatch(/^规则 "big-deal" 正在使用，无法删除：.*流程 "by_rule" 的草稿/);
    expect((await server.api('/api/rules/big-deal')).status).toBe(200);
    // Used only through a record: refused too, naming the record.
    expect((await expectJson<Problem>(remove('big-and-hot'), 409)).detail).toContain('acme.rule_holder record 00000000-0000-4000-8000-0000000000a1');
    // cyc-b references cyc-a; nothing references cyc-b.
    expect(await usedBy('cyc-b')).toEqual([]);
    expect((await remove('cyc-b', {}, server.as('rep').api)).status).toBe(403);
    expect((await remove('cyc-a')).status).toBe(409);
    expect((await remove('cyc-b')).status).toBe(204);
    expect((await server.api('/api/rules/cyc-b')).status).toBe(404);
    expect(await server.platform.database.db.selectFrom('saved_rule_versions').select('version').where('rule_id', '=', 'cyc-b').execute()).toEqual([]);
    expect((await remove('cyc-b')).status).toBe(404);
    // with cyc-b gone, nothing uses cyc-a
    expect((await remove('cyc-a')).status).toBe(204);
    expect((await usedBy('hot-source')).map((u) => [u.kind, u.rule ?? u.via])).toEqual([['rule', 'big-and-hot'], ['record', 'big-and-hot']]);
    const audit = await server.platform.database.db.selectFrom('events').select('action').where('subject', '=', 'rule:cyc-b').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['rule.create', 'rule.delete']);
  });

  it('resolves references in /check, translating the inlined rule to SQL, and refuses unknown ones', async () => {
    const ok = await expectJson<{ valid: boolean; fieldsRead: string[]; sql: { supported: boolean } }>(server.api('/api/rules/check', { method: 'POST', json: { rule: { and: [{ rule: 'big-deal' }, { '!!': [{ var: 'name' }] }] }, entity: 'pipeline.deal' } }), 200);
    expect(ok).toMatchObject({ valid: true, sql: { supported: true } });
    expect(ok.fieldsRead.sort()).toEqual(['amount.amount', 'name']);
    const bad = await expectJson<{ valid: boolean; problems: { pointer: string; code: string }[] }>(server.api('/api/rules/check', { method: 'POST', json: { rule: { and: [true, { rule: 'ghost' }] } } }), 200);
    expect(bad).toMatchObject({ valid: false, problems: [{ pointer: '/and/1', code: 'unknown-rule' }] });
  });

  it('documents the library in the OpenAPI document', async () => {
    const doc = await expectJson<{ paths: Record<string, Record<string, unknown>> }>(server.api('/openapi.json'), 200);
    for (const [path, method] of [['/api/rules', 'get'], ['/api/rules', 'post'], ['/api/rules/{id}', 'get'], ['/api/rules/{id}', 'put'], ['/api/rules/{id}', 'patch'], ['/api/rules/{id}', 'delete'], ['/api/rules/{id}/used-by', 'get']] as const) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
  });
});
