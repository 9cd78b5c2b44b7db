import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../src/testing';

const ACME = fileURLToPath(new URL('../../runtime/test/fixtures/acme-plugins', import.meta.url));
const url = process.env.TEST_DATABASE_URL;

describe.each([{ name: 'pglite', databaseUrl: undefined }, ...(url ? [{ name: 'postgres', databaseUrl: url }] : [])])('startTestPlatform on $name', ({ databaseUrl }) => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ plugins: [ACME], ...(databaseUrl ? { databaseUrl } : {}) });
  });
  afterAll(() => platform?.close());

  it('loads the given plugin folders besides the built-in plugins', async () => {
    const health = (await (await platform.anonymous('/health')).json()) as { plugins: { id: string }[] };
    expect(health.plugins.map((p) => p.id)).toEqual(expect.arrayContaining(['crm', 'pipeline', 'acme_territory']));
  });

  it('signs in one client per role, each as its own user', async () => {
    const me = async (role: 'admin' | 'manager' | 'rep') => ((await (await platform.as(role).api('/api/auth/me')).json()) as { user: { id: string }; roles: string[] });
    expect((await me('admin')).roles).toEqual(['admin']);
    expect((await me('manager')).roles).toEqual(['manager']);
    expect((await me('rep')).roles).toEqual(['rep']);
    expect(new Set([platform.admin.userId, platform.manager.userId, platform.rep.userId]).size).toBe(3);
    expect((await me('rep')).user.id).toBe(platform.rep.userId);
    expect((await platform.anonymous('/api/auth/me')).status).toBe(401);
  });

  it('writes through the HTTP API as a signed-in rep (CSRF header sent on writes)', async () => {
    const res = await platform.rep.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Kan-code', status: 'active' } } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { owner: string };
    expect(created.owner).toBe(platform.rep.userId);
  });
});
