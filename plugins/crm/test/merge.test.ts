import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { backends, startServer, TEST_ORG, type TestServer } from '../../../runtime/test/harness';
import { expectJson, type Problem, type View } from '../../../runtime/test/process/helpers';
import { plugin } from '../src/runtime/index';

/**
 * Issue 18, merge: a duplicate account is folded into the one that stays — every reference
 * (contacts, activities, deals, grade history, child accounts) moves, empty fields are filled,
 * the duplicate is deleted with its history kept — and the merge can be undone in its window.
 */
describe.each(backends())('account merge on $name', (backend) => {
  let server: TestServer;
  const job = (kind: 'merge' | 'unmerge', merge: string) => (plugin.jobs?.[kind] as (d: Record<string, unknown>, s: unknown) => Promise<void>)({ merge }, server.platform.plugins.services('crm', systemPrincipal('plugin:crm')));
  const post = (type: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => expectJson<View>(server.api(`/api/records/${type}`, { method: 'POST', json: { data, ...extra } }), 201);
  const get = (type: string, id: string) => expectJson<View>(server.api(`/api/records/${type}/${id}`), 200);

  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
  });
  afterAll(() => server?.close());

  it('moves every reference to the account kept, fills its empty fields, deletes the duplicate, and undoes it all', async () => {
    const rep = { owner: TEST_ORG.users.rep.id };
    const kept = await post('crm.account', { name: 'Kanto Trading', status: 'active', employees: 120 }, rep);
    const dup = await post('crm.account', { name: 'Kanto Trading Co., Ltd.', status: 'active', website: 'https://kanto.example', employees: 99, dedupe_override: { confirm: true } }, rep);
    const contact = await post('crm.contact', { first_name: 'Aiko', last_name: 'Sato', account_id: dup.id }, { owner: TEST_ORG.users.rep.id });
    const activity = await post('crm.activity', { kind: 'visit', subject: 'Visit Kanto', done: true, account_id: dup.id });
    const deal = await post('pipeline.deal', { name: 'Kanto deal', account_id: dup.id, amount: { amount: 5000, currency: 'USD' } });
    const child = await post('crm.account', { name: 'Osaka Branch Office', status: 'active', parent_account_id: dup.id });

    const started = await expectJson<{ id: string; status: string }>(server.as('manager').api(`/api/plugins/crm/accounts/${kept.id}/merge`, { method: 'POST', json: { duplicate: dup.id } }), 202);
    expect(started.status).toBe('queued');
    await job('merge', started.id);

    const merge = await get('crm.merge', started.id);
    expect(merge.data.status).toBe('done');
    // the contact, the activity, the deal and the child account (a grade change of the duplicate would move too)
    expect((merge.data.moved as string[]).map((m) => m.split('|')[0]).sort()).toEqual(['crm.account', 'crm.activity', 'crm.contact', 'pipeline.deal']);
    const after = await get('crm.account', kept.id);
    expect([after.data.website, after.data.employees, after.data.name]).toEqual(['https://kanto.example', 120, 'Kanto Trading']);
    expect((await server.api(`/api/records/crm.account/${dup.id}`)).status).toBe(404);
    for (const [type, id, field] of [['crm.contact', contact.id, 'account_id'], ['crm.activity', activity.id, 'account_id'], ['pipeline.deal', deal.id, 'account_id'], ['crm.account', child.id, 'parent_account_id']] as const) {
      expect((await get(type, id)).data[field], `${type}.${field}`).toBe(kept.id);
    }
    // The contact kept its owner; the duplicate's history is still there.
    expect((await get('crm.contact', contact.id)).owner).toBe(TEST_ORG.users.rep.id);
    const events = await expectJson<{ items: { action: string }[] }>(server.api(`/api/records/crm.account/${dup.id}/events`), 200);
    expect(events.items.map((e) => e.action)).toEqual(expect.arrayContaining(['create', 'delete']));

    const undo = await expectJson<{ status: string }>(server.as('manager').api(`/api/plugins/crm/merges/${started.id}/undo`, { method: 'POST' }), 202);
    expect(undo.status).toBe('undo_queued');
    await job('unmerge', started.id);
    expect((await get('crm.merge', started.id)).data.status).toBe('undone');
    expect((await get('crm.account', dup.id)).data.name).toBe('Kanto Trading Co., Ltd.');
    for (const [type, id, field] of [['crm.contact', contact.id, 'account_id'], ['crm.activity', activity.id, 'account_id'], ['pipeline.deal', deal.id, 'account_id'], ['crm.account', child.id, 'parent_account_id']] as const) {
      expect((await get(type, id)).data[field], `${type}.${field}`).toBe(dup.id);
    }
    expect((await get('crm.account', kept.id)).data.website).toBeUndefined();
    const again = await expectJson<Problem>(server.as('manager').api(`/api/plugins/crm/merges/${started.id}/undo`, { method: 'POST' }), 409);
    expect(again.code).toBe('crm.merge-not-undoable');
  });

  it("copies the duplicate's shares to the account kept (no second share, read raised to edit), and the undo takes them back", async () => {
    const rep = { owner: TEST_ORG.users.rep.id };
    const kept = await post('crm.account', { name: 'Shared Holdings', status: 'active' }, rep);
    const dup = await post('crm.account', { name: 'Shared Holdings Ltd', status: 'active', dedupe_override: { confirm: true } }, rep);
    const share = (id: string, userId: string, access: 'read' | 'edit') => expectJson(server.api(`/api/records/crm.account/${id}/shares`, { method: 'POST', json: { userId, access } }), 201);
    const sharesOf = async (id: string) => (await expectJson<{ items: { userId: string; access: string }[] }>(server.api(`/api/records/crm.account/${id}/shares`), 200)).items.map((x) => `${x.userId}:${x.access}`).sort();
    // The kept account is already shared with the presales user (read) and the colleague (edit).
    await share(kept.id, TEST_ORG.users.presales.id, 'read');
    await share(kept.id, TEST_ORG.users.colleague.id, 'edit');
    // The duplicate: the other region's rep (new), presales as edit (raised), the colleague as read (already more).
    await share(dup.id, TEST_ORG.users['other-rep'].id, 'read');
    await share(dup.id, TEST_ORG.users.presales.id, 'edit');
    await share(dup.id, TEST_ORG.users.colleague.id, 'read');
    // Before the merge the other region's rep cannot see the kept account.
    expect((await server.as('other-rep').api(`/api/records/crm.account/${kept.id}`)).status).toBe(404);

    const started = await expectJson<{ id: string }>(server.as('manager').api(`/api/plugins/crm/accounts/${kept.id}/merge`, { method: 'POST', json: { duplicate: dup.id } }), 202);
    await job('merge', started.id);
    const merge = await get('crm.merge', started.id);
    expect(merge.data.status).toBe('done');
    expect((merge.data.shares as string[]).sort()).toEqual([`${TEST_ORG.users['other-rep'].id}|read|`, `${TEST_ORG.users.presales.id}|edit|read`]);
    expect(await sharesOf(kept.id)).toEqual([`${TEST_ORG.users.colleague.id}:edit`, `${TEST_ORG.users['other-rep'].id}:read`, `${TEST_ORG.users.presales.id}:edit`]);
    // The share gives access: the other region's rep now reads the account kept.
    expect((await server.as('other-rep').api(`/api/records/crm.account/${kept.id}`)).status).toBe(200);
    // One share row per user and record (no duplicates).
    const rows = await server.platform.database.db.selectFrom('record_shares').select(['user_id']).where('record_id', '=', kept.id).execute();
    expect(rows.length).toBe(3);

    await expectJson(server.as('manager').api(`/api/plugins/crm/merges/${started.id}/undo`, { method: 'POST' }), 202);
    await job('unmerge', started.id);
    expect(await sharesOf(kept.id)).toEqual([`${TEST_ORG.users.colleague.id}:edit`, `${TEST_ORG.users.presales.id}:read`]);
    expect(await sharesOf(dup.id)).toEqual([`${TEST_ORG.users.colleague.id}:read`, `${TEST_ORG.users['other-rep'].id}:read`, `${TEST_ORG.users.presales.id}:edit`]);
    expect((await server.as('other-rep').api(`/api/records/crm.account/${kept.id}`)).status).toBe(404);
    expect((await server.as('other-rep').api(`/api/records/crm.account/${dup.id}`)).status).toBe(200);
  });

  it('refuses an undo after its window, a merge into itself and an unknown duplicate', async () => {
    const a = await post('crm.account', { name: 'Window Closed GmbH', status: 'active' });
    const old = await post('crm.merge', { survivor_id: a.id, duplicate_id: a.id, status: 'done', moved: [], filled: [], undo_until: '2000-01-01T00:00:00Z' });
    const late = await expectJson<Problem>(server.api(`/api/plugins/crm/merges/${old.id}/undo`, { method: 'POST' }), 409);
    expect(late.detail).toContain('2000-01-01');
    const self = await expectJson<Problem>(server.api(`/api/plugins/crm/accounts/${a.id}/merge`, { method: 'POST', json: { duplicate: a.id } }), 422);
    expect(self.errors?.[0]?.pointer).toBe('/duplicate');
    const unknown = await expectJson<Problem>(server.api(`/api/plugins/crm/accounts/${a.id}/merge`, { method: 'POST', json: { duplicate: '00000000-0000-4000-8000-000000000000' } }), 422);
    expect(unknown.errors?.[0]?.pointer).toBe('/duplicate');
    const bad = await expectJson<Problem>(server.api(`/api/plugins/crm/accounts/${a.id}/merge`, { method: 'POST', json: { duplicate: 'nope' } }), 422);
    expect(bad.errors?.[0]?.pointer).toBe('/duplicate');
  });
});
