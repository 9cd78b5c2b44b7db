import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type TestServer } from '../../../runtime/test/harness';
import { expectJson, type View } from '../../../runtime/test/process/helpers';

interface Notification { kind: string; title: string; body: string | null; data: { user?: string; accounts?: number; contacts?: number; link?: string } | null }

/**
 * Deactivating a rep who still owns a book tells his manager and the admins, with the counts and
 * where to choose a transfer rule (issue 18); a rep with nothing left, or a user already inactive,
 * tells nobody. The users API calls the plugins' `users.deactivated` after its commit.
 */
describe.each(backends())('a deactivated rep\'s book on $name', (backend) => {
  let server: TestServer;
  const notices = async (user: 'manager' | 'admin' | 'other-manager', rep: string) =>
    (await expectJson<{ items: Notification[] }>(server.as(user).api('/api/notifications', { headers: { 'accept-language': 'zh-CN' } }), 200)).items.filter((n) => n.kind === 'crm.book-left-behind' && n.data?.user === rep);

  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
    const account = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Cora Holdings', status: 'active' }, owner: 'cora-colleague', orgUnit: 't-north-a' } }), 201);
    await expectJson(server.api('/api/records/crm.contact', { method: 'POST', json: { data: { first_name: 'Ann', last_name: 'Lee', account_id: account.id }, owner: 'cora-colleague', orgUnit: 't-north-a' } }), 201);
  });
  afterAll(() => server?.close());

  it('tells the rep\'s manager and the admins what is left and where to hand it over', async () => {
    await expectJson(server.api('/api/users/cora-colleague/deactivate', { method: 'POST' }), 200);
    const [mia] = await notices('manager', 'cora-colleague');
    expect(mia?.data).toMatchObject({ accounts: 1, contacts: 1, link: '/p/crm/transfers?from=cora-colleague' });
    expect(mia?.title).toMatch(/已停用，名下仍有客户资源$/);
    expect(mia?.body).toContain('1 个客户');
    expect(await notices('admin', 'cora-colleague')).toHaveLength(1);
    expect(await notices('other-manager', 'cora-colleague')).toHaveLength(0);
    // already inactive: nothing more
    await expectJson(server.api('/api/users/cora-colleague', { method: 'PATCH', json: { active: false } }), 200);
    expect(await notices('manager', 'cora-colleague')).toHaveLength(1);
  });

  it('tells nobody when the rep owns nothing', async () => {
    await expectJson(server.api('/api/users/otto-rep/deactivate', { method: 'POST' }), 200);
    expect(await notices('admin', 'otto-rep')).toHaveLength(0);
  });
});
