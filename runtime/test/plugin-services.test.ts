import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUserPrincipal } from '../src/auth/load-principal';
import { systemPrincipal } from '../src/auth/principal';
import { backends, startServer, type TestServer } from './harness';
import { QUALIFIED, createDeal, expectJson, move, type View } from './process/helpers';

/**
 * The directory, stage history and notification services plugin code gets (ADR 015 addendum):
 * the org tree and its people, stays with each stage's kind and probability narrowed to what
 * the actor may see, and notifications written once per key and user.
 */
describe.each(backends())('plugin services: directory, history, notifications on $name', (backend) => {
  let server: TestServer;
  const as = async (user: string) => {
    const p = await loadUserPrincipal(server.platform.database.db, user, { via: 'session', credentialId: 'test' });
    if (!p) throw new Error(`no principal for ${user}`);
    return server.platform.plugins.services('crm', p);
  };

  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
  });
  afterAll(() => server?.close());

  it('reads the org tree with each unit\'s path from the root, and users under a unit, by role, active only by default', async () => {
    const dir = server.platform.plugins.services('crm', systemPrincipal('test')).directory;
    const units = await dir.orgUnits();
    expect(units.find((u) => u.id === 't-north-a')).toEqual({ id: 't-north-a', name: 'North A', kind: 'team', parentId: 't-north', path: ['t-company', 't-north', 't-north-a'] });
    expect(units.find((u) => u.id === 't-company')?.path).toEqual(['t-company']);

    const north = (await dir.users({ under: 't-north' })).map((u) => u.id);
    expect(north).toContain('rick-rep');
    expect(north).toContain('rae-regional');
    expect(north).not.toContain('otto-rep');
    expect((await dir.users({ under: 't-south', role: 'rep' })).map((u) => u.id)).toEqual(['otto-rep']);
    const rick = await dir.user('rick-rep');
    expect(rick).toMatchObject({ id: 'rick-rep', orgUnitId: 't-north-a', roles: ['rep'], active: true });
    expect(rick).not.toHaveProperty('password_hash');
    expect(await dir.user('nobody')).toBeNull();
    // by ids: one read for a page's people, unknown ids left out
    expect((await dir.users({ ids: ['otto-rep', 'rick-rep', 'nobody', 'rick-rep'] })).map((u) => u.id).sort()).toEqual(['otto-rep', 'rick-rep']);
    expect(await dir.users({ ids: [] })).toEqual([]);

    await server.platform.database.db.updateTable('users').set({ active: false }).where('id', '=', 'cora-colleague').execute();
    try {
      expect((await dir.users({ under: 't-north-a' })).map((u) => u.id)).not.toContain('cora-colleague');
      expect((await dir.users({ under: 't-north-a', includeInactive: true })).map((u) => u.id)).toContain('cora-colleague');
      expect(await dir.users({ ids: ['cora-colleague'] })).toEqual([]);
      expect((await dir.users({ ids: ['cora-colleague'], includeInactive: true })).map((u) => u.id)).toEqual(['cora-colleague']);
    } finally {
      await server.platform.database.db.updateTable('users').set({ active: true }).where('id', '=', 'cora-colleague').execute();
    }
  });

  it('finds the nearest managers above a user, walking up when his unit has none, never the user himself', async () => {
    const dir = server.platform.plugins.services('crm', systemPrincipal('test')).directory;
    expect((await dir.managersOf('rick-rep')).map((u) => u.id)).toEqual(['mia-manager']);
    expect((await dir.managersOf('mia-manager')).map((u) => u.id)).toEqual(['rae-regional']);
    expect((await dir.managersOf('rae-regional')).map((u) => u.id)).toEqual([]);
    expect((await dir.managersOf('otto-rep')).map((u) => u.id)).toEqual(['oscar-manager']);
    expect((await dir.managersOf('rick-rep', 'admin')).map((u) => u.id)).toEqual(['adam-admin']);
  });

  it('lists stage stays with kind and probability, only of records the actor may see, and before a time', async () => {
    const account = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Stays Inc', status: 'active' }, owner: null, orgUnit: null } }), 201);
    const rick = server.as('rep');
    const otto = server.as('other-rep');
    const mine = await createDeal(rick.api, { name: 'Rick deal' });
    const moved = await expectJson<{ record: View }>(move(rick.api, mine.id, mine.version, { to: 'engaging', data: { ...QUALIFIED, account_id: account.id } }), 200);
    expect(moved.record.version).toBe(2);
    const theirs = await createDeal(otto.api, { name: 'Otto deal' });

    const rickStays = await (await as('rick-rep')).history.stays('pipeline.deal');
    expect(rickStays.map((s) => s.recordId)).not.toContain(theirs.id);
    const own = rickStays.filter((s) => s.recordId === mine.id);
    expect(own.map((s) => [s.stage, s.stageKind, s.fromStage, s.exitedAt === null])).toEqual([
      ['prospecting', 'open', null, false],
      ['engaging', 'open', 'prospecting', true],
    ]);
    expect(own[0]?.process).toBe('new_business');
    // The probability is the stage's own in the pinned version (read it from the version, not from the service).
    const version = await expectJson<{ definition: { stages: { id: string; probability?: number }[] } }>(server.api(`/api/processes/new_business/versions/${own[0]?.processVersion}`), 200);
    const defined = version.definition.stages.find((s) => s.id === 'engaging')?.probability ?? null;
    expect(own[1]?.probability).toBe(defined);
    expect(Date.parse(own[1]?.enteredAt ?? '')).toBeGreaterThanOrEqual(Date.parse(own[0]?.enteredAt ?? ''));

    const system = server.platform.plugins.services('crm', systemPrincipal('test')).history;
    expect((await system.stays('pipeline.deal', { recordIds: [theirs.id] })).map((s) => s.stage)).toEqual(['prospecting']);
    expect(await system.stays('pipeline.deal', { recordIds: [mine.id], enteredBefore: '2000-01-01T00:00:00Z' })).toEqual([]);
    expect(await system.stays('pipeline.deal', { recordIds: [] })).toEqual([]);
    await expect(system.stays('pipeline.deal', { enteredBefore: 'yesterday' })).rejects.toMatchObject({ code: 'query.invalid' });
    await expect(system.stays('nope.nothing')).rejects.toThrow();
  });

  it('sends a notification once per key and user, in both languages, to active users only', async () => {
    const notes = server.platform.plugins.services('crm', systemPrincipal('test')).notifications;
    const n = { users: ['rick-rep', 'mia-manager', 'rick-rep', 'nobody'], kind: 'reminder', key: 'kr-42-7d', title: { en: 'Check in on your key result', 'zh-CN': '请更新关键成果进展' }, body: 'It has been 7 days.' };
    expect(await notes.send(n)).toBe(2);
    expect(await notes.send(n)).toBe(0);
    const listed = await expectJson<{ items: { kind: string; title: string; body: string | null; data: { i18n: { title: Record<string, string> } } }[] }>(server.as('rep').api('/api/notifications'), 200);
    const mine = listed.items.filter((i) => i.kind === 'crm.reminder');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ title: 'Check in on your key result', body: 'It has been 7 days.', data: { i18n: { title: { en: 'Check in on your key result', 'zh-CN': '请更新关键成果进展' } } } });
    await expect(notes.send({ ...n, key: '' })).rejects.toMatchObject({ code: 'notification.invalid' });
    await expect(notes.send({ ...n, key: 'x', title: { en: 'a', fr: 'b' } as never })).rejects.toMatchObject({ code: 'notification.invalid' });
  });

  it('lists, adds, changes and removes record shares as the actor, audited, and refuses who may not change the record', async () => {
    const rep = await as('rick-rep');
    const account = await rep.records.create('crm.account', { data: { name: 'Share Service Test', status: 'active' } });
    expect(await rep.records.shares('crm.account', account.id)).toEqual([]);
    expect(await rep.records.share('crm.account', account.id, { userId: 'otto-rep', access: 'read' })).toMatchObject({ userId: 'otto-rep', access: 'read', createdBy: 'user:rick-rep' });
    // The shared user now sees the account; with a read share he may not share it on.
    const otto = await as('otto-rep');
    expect((await otto.records.get('crm.account', account.id))?.id).toBe(account.id);
    expect(await otto.records.shares('crm.account', account.id)).toHaveLength(1);
    await expect(otto.records.share('crm.account', account.id, { userId: 'mona-marketing', access: 'read' })).rejects.toMatchObject({ status: 403 });
    await rep.records.share('crm.account', account.id, { userId: 'otto-rep', access: 'edit' });
    expect((await rep.records.shares('crm.account', account.id)).map((x) => `${x.userId}:${x.access}`)).toEqual(['otto-rep:edit']);
    await expect(rep.records.share('crm.account', account.id, { userId: 'nobody', access: 'read' })).rejects.toMatchObject({ code: 'share.unknown-user' });
    await rep.records.unshare('crm.account', account.id, 'otto-rep');
    await expect(rep.records.unshare('crm.account', account.id, 'otto-rep')).rejects.toMatchObject({ status: 404 });
    expect(await otto.records.get('crm.account', account.id)).toBeNull();
    const audit = await server.platform.database.db.selectFrom('events').select('action').where('record_id', '=', account.id).where('action', 'like', 'record.%share').orderBy('id').execute();
    expect(audit.map((e) => e.action)).toEqual(['record.share', 'record.share', 'record.unshare']);
  });

  it('reads many records at once, only the live ones the actor sees, leaving out unknown, deleted and hidden ids', async () => {
    const rick = await as('rick-rep');
    const otto = await as('otto-rep');
    const mine = await rick.records.create('crm.account', { data: { name: 'Quartzfield Holdings', status: 'active' } });
    const gone = await rick.records.create('crm.account', { data: { name: 'Bluewater Removed Ltd', status: 'active' } });
    await rick.records.remove('crm.account', gone.id);
    const hidden = await otto.records.create('crm.account', { data: { name: 'Ottoman Hidden Sawmill', status: 'active' } });
    const ids = [mine.id, gone.id, hidden.id, mine.id, 'not-a-uuid', '00000000-0000-4000-8000-000000000000'];
    expect((await rick.records.getMany('crm.account', ids)).map((r) => r.id)).toEqual([mine.id]);
    expect((await otto.records.getMany('crm.account', ids)).map((r) => r.id)).toEqual([hidden.id]);
    const system = server.platform.plugins.services('crm', systemPrincipal('test')).records;
    expect((await system.getMany('crm.account', ids)).map((r) => r.data.name).sort()).toEqual(['Ottoman Hidden Sawmill', 'Quartzfield Holdings']);
    expect(await system.getMany('crm.account', [])).toEqual([]);
  });

  it('evaluates a rule in SQL over the records the actor sees, only those that differ, and names what it cannot do', async () => {
    const rep = await as('rick-rep');
    const mine = await rep.records.create('crm.account', { data: { name: 'Rule Values Small', status: 'active', employees: 10 } });
    const big = await rep.records.create('crm.account', { data: { name: 'Rule Values Big', status: 'active', employees: 9000 } });
    const theirs = await (await as('otto-rep')).records.create('crm.account', { data: { name: 'Rule Values Elsewhere', status: 'active', employees: 9000 } });
    const rule = { if: [{ '>=': [{ var: 'employees' }, 5000] }, 'big', 'small'] };
    const seen = await rep.records.ruleValues('crm.account', rule, { limit: 5000 });
    const byId = new Map(seen.items.map((r) => [r.id, r]));
    expect(byId.get(mine.id)).toMatchObject({ value: 'small', decided: true, version: 1 });
    expect(byId.get(big.id)?.value).toBe('big');
    expect(byId.has(theirs.id)).toBe(false);
    // differsFrom: the stored field compared with the value; where: a filter rule.
    const differs = await rep.records.ruleValues('crm.account', { var: 'status' }, { differsFrom: 'status', where: { '>=': [{ var: 'employees' }, 5000] } });
    expect(differs.items).toEqual([]);
    const stale = await rep.records.ruleValues('crm.account', 'dormant', { differsFrom: 'status', where: { '==': [{ var: 'name' }, 'Rule Values Big'] } });
    expect(stale.items.map((r) => [r.id, r.value])).toEqual([[big.id, 'dormant']]);
    // Pages by id.
    const first = await rep.records.ruleValues('crm.account', rule, { limit: 1 });
    const second = await rep.records.ruleValues('crm.account', rule, { limit: 1, after: first.next as string });
    expect((second.items[0]?.id ?? '') > (first.items[0]?.id ?? '')).toBe(true);
    await expect(rep.records.ruleValues('crm.account', rule, { differsFrom: 'nope' })).rejects.toMatchObject({ status: 422, details: [{ pointer: '/differsFrom' }] });
    await expect(rep.records.ruleValues('crm.account', rule, { where: { cat: ['a', 'b'] } })).rejects.toMatchObject({ status: 422 });
    await expect(rep.records.ruleValues('crm.account', rule, { limit: 0 })).rejects.toMatchObject({ details: [{ pointer: '/limit' }] });
    await expect(rep.records.ruleValues('crm.account', rule, { after: 'x' })).rejects.toMatchObject({ details: [{ pointer: '/after' }] });
  });
});
