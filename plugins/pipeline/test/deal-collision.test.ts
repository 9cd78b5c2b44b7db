import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type TestServer, type TestUser } from '../../../runtime/test/harness';
import { expectJson, type View } from '../../../runtime/test/process/helpers';

interface Notification { kind: string; title: string; body: string | null; record: { id: string; type: string } | null }
const KIND = 'pipeline.deal_collision';
type DealView = View & { computed?: Record<string, unknown> };

/**
 * 撞单 (issue 18): a deal created on, or moved onto, an account owned by another rep notifies
 * the managers of both reps once per deal (en and zh-CN), and carries `computed.collision_with` (the account owner's name); the
 * account's 360° overview lists it. The test org: rick-rep and his manager mia-manager in North A,
 * otto-rep and his manager oscar-manager in South A, rae-regional above North.
 */
describe.each(backends())('deal collisions (撞单) on $name', (backend) => {
  let server: TestServer;
  const notes = async (user: TestUser, language = 'en') => (await expectJson<{ items: Notification[] }>(server.as(user).api('/api/notifications', { headers: { 'accept-language': language } }), 200)).items.filter((n) => n.kind === KIND);
  const account = (name: string, owner: string) => expectJson<DealView>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name, status: 'active' }, owner } }), 201);

  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
  }, 600_000);
  afterAll(() => server?.close());

  it('flags a deal on another rep\'s account to both managers once, in both languages, and shows it on the deal and the account', async () => {
    const otto = await account('Collision Target Ltd', 'otto-rep');
    const deal = await expectJson<DealView>(server.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Rick on Otto\'s account', account_id: otto.id }, owner: 'rick-rep' } }), 201);
    const mia = (await notes('manager')).filter((n) => n.record?.id === deal.id);
    const oscar = (await notes('other-manager')).filter((n) => n.record?.id === deal.id);
    expect(mia).toHaveLength(1);
    expect(oscar).toHaveLength(1);
    expect(mia[0]).toMatchObject({ title: 'Deal collision on Collision Target Ltd', body: 'rep\'s deal "Rick on Otto\'s account" is on Collision Target Ltd, an account owned by other-rep.', record: { type: 'pipeline.deal' } });
    expect((await notes('other-manager', 'zh-CN')).find((n) => n.record?.id === deal.id)?.title).toBe('撞单：Collision Target Ltd');
    // Neither rep is notified, nor a manager further up (the nearest managers only).
    for (const u of ['rep', 'other-rep', 'regional'] as const) expect((await notes(u)).filter((n) => n.record?.id === deal.id), u).toHaveLength(0);

    // Visible on the deal (computed) and on the account's 360° panel.
    const read = await expectJson<DealView>(server.api(`/api/records/pipeline.deal/${deal.id}`), 200);
    expect(read.computed).toEqual({ collision_with: 'other-rep' });
    const listed = await expectJson<{ items: DealView[] }>(server.api(`/api/records/pipeline.deal?filter[account_id]=${otto.id}`), 200);
    expect(listed.items.map((d) => d.computed?.collision_with !== undefined)).toEqual([true]);
    const overview = await expectJson<{ counts: Record<string, number>; collisions: { id: string; owner: string; ownerName: string }[] }>(server.api(`/api/plugins/crm/accounts/${otto.id}/overview`), 200);
    expect(overview.counts.collisions).toBe(1);
    expect(overview.collisions).toMatchObject([{ id: deal.id, owner: 'rick-rep', ownerName: 'rep' }]);

    // Once per deal: another write of the deal sends nothing again.
    await expectJson<DealView>(server.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': `"${deal.version}"` }, json: { data: { next_step: 'Call Otto' } } }), 200);
    expect((await notes('manager')).filter((n) => n.record?.id === deal.id)).toHaveLength(1);

    // Given to the account's owner, the collision is gone.
    const handed = await expectJson<DealView>(server.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': `"${deal.version + 1}"` }, json: { owner: 'otto-rep' } }), 200);
    expect(handed.computed?.collision_with).toBeUndefined();
    expect((await expectJson<{ counts: Record<string, number> }>(server.api(`/api/plugins/crm/accounts/${otto.id}/overview`), 200)).counts.collisions).toBe(0);
  });

  it('flags a deal moved onto another rep\'s account, and not a deal on the rep\'s own or an unowned account', async () => {
    const own = await account('Rick Own Account Ltd', 'rick-rep');
    const unowned = await expectJson<DealView>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Nobody Owns This Ltd', status: 'active' }, owner: null } }), 201);
    const otto = await account('Otto Second Account Ltd', 'otto-rep');
    const rick = server.as('rep').api;
    const deal = await expectJson<DealView>(rick('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Rick own deal', account_id: own.id } } }), 201);
    expect(deal.owner).toBe('rick-rep');
    const onUnowned = await expectJson<DealView>(server.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Deal on an unowned account', account_id: unowned.id }, owner: 'rick-rep' } }), 201);
    for (const d of [deal, onUnowned]) {
      expect((await notes('manager')).filter((n) => n.record?.id === d.id)).toHaveLength(0);
      expect((await expectJson<DealView>(server.api(`/api/records/pipeline.deal/${d.id}`), 200)).computed?.collision_with).toBeUndefined();
    }
    // Moved onto Otto's account (by an admin: rick does not see it).
    await expectJson<DealView>(server.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': `"${deal.version}"` }, json: { data: { account_id: otto.id } } }), 200);
    expect((await notes('manager')).filter((n) => n.record?.id === deal.id)).toHaveLength(1);
    expect((await notes('other-manager')).filter((n) => n.record?.id === deal.id)).toHaveLength(1);
    expect((await expectJson<DealView>(server.api(`/api/records/pipeline.deal/${deal.id}`), 200)).computed).toEqual({ collision_with: 'other-rep' });
  });
});
