import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type Client, type TestServer } from './harness';
import { expectJson, type Problem } from './process/helpers';

interface SavedView { id: string; scope: string; name: string; params: Record<string, string>; updatedAt: string }

/** `/api/saved-views`: a user's named filters per screen, on the server (they follow the user between devices). */
describe.each(backends())('saved views on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  let colleague: Client;
  const SCOPE = 'board:pipeline.deal';

  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
    rep = server.as('rep');
    colleague = server.as('colleague');
  }, 120_000);
  afterAll(() => server?.close());

  const save = (as: Client, body: unknown) => as.api('/api/saved-views', { method: 'POST', json: body });
  const list = async (as: Client, scope = SCOPE) => (await expectJson<{ items: SavedView[] }>(as.api(`/api/saved-views?scope=${encodeURIComponent(scope)}`), 200)).items;

  it('saves, lists by name, replaces a name saved again, and deletes; each user sees only their own', async () => {
    const a = await expectJson<SavedView>(save(rep, { scope: SCOPE, name: ' My Q4 ', params: { owner: 'rick-rep', q: 'renewal' } }), 201);
    expect(a).toMatchObject({ scope: SCOPE, name: 'My Q4', params: { owner: 'rick-rep', q: 'renewal' } });
    await expectJson<SavedView>(save(rep, { scope: SCOPE, name: 'Big deals', params: { sort: '-amount' } }), 201);
    await expectJson<SavedView>(save(rep, { scope: 'board:crm.lead', name: 'Elsewhere', params: {} }), 201);
    const replaced = await expectJson<SavedView>(save(rep, { scope: SCOPE, name: 'My Q4', params: { owner: 'rick-rep' } }), 200);
    expect(replaced.id).toBe(a.id);
    expect((await list(rep)).map((v) => [v.name, v.params])).toEqual([['Big deals', { sort: '-amount' }], ['My Q4', { owner: 'rick-rep' }]]);
    expect(await list(colleague)).toEqual([]);
    // another user cannot delete it; its owner can, once
    expect((await colleague.api(`/api/saved-views/${a.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await rep.api(`/api/saved-views/${a.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await rep.api(`/api/saved-views/${a.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await list(rep)).map((v) => v.name)).toEqual(['Big deals']);
  });

  it('refuses bad views with a problem naming each member, in English and Chinese', async () => {
    const p = await expectJson<Problem>(save(rep, { scope: 'Board!', name: '', params: { owner: 7, 'bad key': 'x' }, extra: 1 }), 422);
    expect(p.code).toBe('body.invalid');
    expect(p.errors?.map((e) => e.pointer).sort()).toEqual(expect.arrayContaining(['/extra', '/name', '/params/owner', '/scope']));
    expect(p.errors?.some((e) => e.pointer === '/params' || e.pointer === '/params/bad key')).toBe(true);
    const blank = await expectJson<Problem>(save(rep, { scope: SCOPE, name: '   ', params: {} }), 422);
    expect(blank.errors?.map((e) => e.pointer)).toEqual(['/name']);
    const missing = await expectJson<Problem>(save(rep, { scope: SCOPE }), 422);
    expect(missing.errors?.map((e) => e.pointer).sort()).toEqual(['/name', '/params']);
    const zh = await expectJson<Problem>(rep.api('/api/saved-views', { method: 'POST', json: { scope: SCOPE, params: {} }, headers: { 'accept-language': 'zh-CN' } }), 422);
    expect(zh.title).toBe('无法处理的内容');
    expect(zh.errors?.[0]).toMatchObject({ pointer: '/name', message: '为必填项' });
    const noScope = await expectJson<Problem>(rep.api('/api/saved-views'), 400);
    expect(noScope.errors?.[0]).toMatchObject({ parameter: 'scope' });
    expect((await rep.api('/api/saved-views/not-a-uuid', { method: 'DELETE' })).status).toBe(404);
  });

  it('keeps at most 50 views per screen, naming the limit', async () => {
    const scope = 'board:limit.test';
    for (let i = 0; i < 50; i++) await expectJson<SavedView>(save(colleague, { scope, name: `View ${String(i).padStart(2, '0')}`, params: { q: String(i) } }), 201);
    const p = await expectJson<Problem & { limit?: number }>(save(colleague, { scope, name: 'One too many', params: {} }), 422);
    expect([p.code, p.limit, p.errors?.[0]?.pointer]).toEqual(['saved-view.too-many', 50, '/name']);
    // replacing an existing name is still fine
    await expectJson<SavedView>(save(colleague, { scope, name: 'View 00', params: { q: 'again' } }), 200);
    expect((await list(colleague, scope)).length).toBe(50);
  });
});
