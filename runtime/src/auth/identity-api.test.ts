import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, emailOf, startServer, TEST_ORG, TEST_PASSWORD, type TestServer } from '../../test/harness';

const DEAL = '/api/records/pipeline.deal';
const U = TEST_ORG.users;
type Json = Record<string, unknown>;
const json = async <T = Json>(res: Response | Promise<Response>): Promise<T> => (await (await res).json()) as T;

describe.each(backends())('identity and access API on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
  });
  afterAll(() => server?.close());

  /** Signs in through the API and returns a cookie-carrying fetch that adds the CSRF header. */
  const signIn = async (email: string, password: string) => {
    const res = await server.anonymous('/api/auth/login', { method: 'POST', json: { email, password } });
    const cookies = res.headers.getSetCookie();
    const body = (await res.json()) as { csrfToken: string; user: Json };
    const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
    const api = (path: string, init: RequestInit & { json?: unknown } = {}) => server.anonymous(path, { ...init, headers: { cookie, 'x-csrf-token': body.csrfToken, ...(init.headers as Record<string, string>) } });
    return { status: res.status, cookies, body, api };
  };

  it('signs in with an httpOnly SameSite=Strict cookie, tells who you are, and signs out', async () => {
    const s = await signIn(emailOf('rep'), TEST_PASSWORD);
    expect(s.status).toBe(200);
    const session = s.cookies.find((c) => c.startsWith('pw_session='));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    expect(session).toMatch(/Path=\//);
    expect(s.cookies.find((c) => c.startsWith('pw_csrf='))).not.toMatch(/HttpOnly/i);
    expect(s.body.user).toMatchObject({ id: U.rep.id, roles: ['rep'], orgUnit: 't-north-a' });
    expect(JSON.stringify(s.body)).not.toMatch(/scrypt|password/i);
    const me = await json(s.api('/api/auth/me'));
    expect(me).toMatchObject({ via: 'session', actor: `user:${U.rep.id}`, roles: ['rep'], csrfToken: s.body.csrfToken });
    expect((await s.api('/api/auth/logout', { method: 'POST' })).status).toBe(204);
    expect((await s.api('/api/auth/me')).status).toBe(401);
  });

  it('answers the same 401 to a wrong password, an unknown email and a deactivated user', async () => {
    const wrong = await json(server.anonymous('/api/auth/login', { method: 'POST', json: { email: emailOf('manager'), password: 'not the password' } }));
    const unknown = await json(server.anonymous('/api/auth/login', { method: 'POST', json: { email: 'nobody@test.pipewright.dev', password: 'not the password' } }));
    expect(wrong).toMatchObject({ status: 401, code: 'invalid-credentials' });
    expect(unknown.detail).toBe(wrong.detail);
    expect((await server.anonymous('/api/auth/login', { method: 'POST', body: 'email=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
  });

  it('lets admins create users, change roles, and refuses weak passwords, taken emails and removing the last admin', async () => {
    const admin = server.as('admin');
    const created = await admin.api('/api/users', { method: 'POST', json: { name: 'Kim Lee', email: 'Kim.Lee@Test.Pipewright.dev', orgUnit: 't-north-b', roles: ['rep'], password: 'kims-long-password' } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 'kim-lee', email: 'kim.lee@test.pipewright.dev', active: true });
    expect((await signIn('kim.lee@test.pipewright.dev', 'kims-long-password')).status).toBe(200);
    expect((await admin.api('/api/users', { method: 'POST', json: { name: 'Weak', email: 'weak@test.pipewright.dev', roles: ['rep'], password: 'short' } })).status).toBe(422);
    expect((await admin.api('/api/users', { method: 'POST', json: { name: 'Dup', email: 'kim.lee@test.pipewright.dev', roles: ['rep'] } })).status).toBe(409);
    expect((await admin.api('/api/users', { method: 'POST', json: { name: 'Bad', email: 'bad@test.pipewright.dev', roles: ['superuser'] } })).status).toBe(422);
    const promoted = await json(admin.api('/api/users/kim-lee', { method: 'PATCH', json: { roles: ['manager'] } }));
    expect(promoted.roles).toEqual(['manager']);
    const audit = await json<{ items: { action: string; before: Json; after: Json; actor: string }[] }>(server.api('/api/audit?subject=user:kim-lee'));
    expect(audit.items.map((e) => e.action)).toEqual(['user.role-change', 'auth.login', 'user.create']);
    expect(audit.items[0]).toMatchObject({ actor: `user:${U.admin.id}`, before: { roles: ['rep'] }, after: { roles: ['manager'] } });
    expect(JSON.stringify(audit)).not.toMatch(/kims-long-password|scrypt\$/);
    const pw = await json<{ items: { meta: Json }[] }>((await admin.api('/api/users/kim-lee', { method: 'PATCH', json: { password: 'a-new-long-password' } }), server.api('/api/audit?subject=user:kim-lee&action=user.update')));
    expect(pw.items[0]?.meta).toMatchObject({ passwordChanged: true });
    // Demoting every admin is refused while only one active admin would remain.
    const admins = (await json<{ items: { id: string; roles: string[]; active: boolean }[] }>(admin.api('/api/users'))).items.filter((u) => u.roles.includes('admin') && u.active);
    expect(admins.length).toBe(2);
    expect((await server.api(`/api/users/${U.admin.id}`, { method: 'PATCH', json: { roles: ['manager'] } })).status).toBe(200);
    expect((await server.api('/api/users/harness-admin', { method: 'PATCH', json: { roles: ['rep'] } })).status).toBe(409);
    expect((await server.api(`/api/users/${U.admin.id}`, { method: 'PATCH', json: { roles: ['admin'] } })).status).toBe(200);
  });

  it('keeps a leaving rep\'s records visible to their manager until reassigned, and deletes nothing', async () => {
    const leaver = await json<{ id: string }>(server.api('/api/users', { method: 'POST', json: { id: 'lee-leaver', name: 'Lee Leaver', email: 'lee@test.pipewright.dev', orgUnit: 't-north-a', roles: ['rep'], password: 'lee-long-password' } }));
    const lee = await signIn('lee@test.pipewright.dev', 'lee-long-password');
    const deal = await json<{ id: string; orgUnit: string }>(lee.api(DEAL, { method: 'POST', json: { data: { name: 'Lee deal' } } }));
    expect(deal.orgUnit).toBe('t-north-a');
    const deactivated = await json(server.api(`/api/users/${leaver.id}/deactivate`, { method: 'POST' }));
    expect(deactivated).toMatchObject({ active: false });
    expect((await lee.api('/api/auth/me')).status).toBe(401);
    expect((await signIn('lee@test.pipewright.dev', 'lee-long-password')).status).toBe(401);
    const audit = await json<{ items: { action: string; meta: Json }[] }>(server.api(`/api/audit?subject=user:${leaver.id}&action=user.deactivate`));
    expect(audit.items[0]?.meta).toMatchObject({ recordsOwned: 1, sessionsEnded: 1 });
    const manager = server.as('manager');
    const seen = await json<{ items: { id: string; owner: string }[] }>(manager.api(`${DEAL}?filter[owner]=${leaver.id}`));
    expect(seen.items.map((d) => d.id)).toEqual([deal.id]);
    expect((await server.as('rep').api(`${DEAL}/${deal.id}`)).status).toBe(404);
    expect((await server.as('other-manager').api(`${DEAL}/${deal.id}`)).status).toBe(404);
    const moved = await manager.api(`${DEAL}/${deal.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { owner: U.colleague.id } });
    expect(moved.status).toBe(200);
    expect((await server.as('colleague').api(`${DEAL}/${deal.id}`)).status).toBe(200);
    expect((await manager.api(`${DEAL}/${deal.id}`, { method: 'PATCH', headers: { 'if-match': '"2"' }, json: { owner: U['other-rep'].id } })).status).toBe(403);
  });

  it('creates scoped tokens shown once, lists them without secrets, and revokes them', async () => {
    const admin = server.as('admin');
    const created = await admin.api('/api/tokens', { method: 'POST', json: { name: 'CRM sync', userId: U.rep.id, scopes: ['read'], expiresInDays: 30 } });
    expect(created.status).toBe(201);
    const token = (await created.json()) as { id: string; token: string; expiresAt: string };
    expect(token.token).toMatch(/^pwt_/);
    const bearer = { authorization: `Bearer ${token.token}` };
    expect((await server.anonymous(DEAL, { headers: bearer })).status).toBe(200);
    expect((await server.anonymous(DEAL, { method: 'POST', headers: bearer, json: { data: { name: 'read-only token' } } })).status).toBe(403);
    const me = await json(server.anonymous('/api/auth/me', { headers: bearer }));
    expect(me).toMatchObject({ via: 'token', actor: `token:${token.id}`, scopes: ['read'] });
    const listed = JSON.stringify(await json(admin.api('/api/tokens')));
    expect(listed).toContain(token.id);
    expect(listed).not.toContain(token.token);
    expect(listed).not.toMatch(/token_hash|tokenHash/);
    expect((await admin.api('/api/tokens', { method: 'POST', json: { name: 'x', userId: U.rep.id, scopes: ['admin'] } })).status).toBe(422);
    expect((await admin.api(`/api/tokens/${token.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await server.anonymous(DEAL, { headers: bearer })).status).toBe(401);
    const actions = (await json<{ items: { action: string; after: Json }[] }>(server.api(`/api/audit?subject=token:${token.id}`))).items.map((e) => e.action);
    expect(actions).toEqual(['token.revoke', 'token.create']);
  });

  it('records writes made with a token as token:<id> and filters the audit log by record, actor and time', async () => {
    const t = await json<{ id: string; token: string }>(server.api('/api/tokens', { method: 'POST', json: { name: 'writer', userId: U.rep.id, scopes: ['read', 'write'] } }));
    const from = new Date(Date.now() - 1000).toISOString();
    const deal = await json<{ id: string; owner: string }>(server.anonymous(DEAL, { method: 'POST', headers: { authorization: `Bearer ${t.token}` }, json: { data: { name: 'Token deal' } } }));
    expect(deal.owner).toBe(U.rep.id);
    const byRecord = await json<{ items: { action: string; actor: string; recordId: string }[] }>(server.api(`/api/audit?record=${deal.id}`));
    expect(byRecord.items).toEqual([expect.objectContaining({ action: 'create', actor: `token:${t.id}`, recordId: deal.id })]);
    const byActor = await json<{ items: { recordId: string }[] }>(server.api(`/api/audit?actor=token:${t.id}&from=${from}`));
    expect(byActor.items.map((e) => e.recordId)).toEqual([deal.id]);
    const past = await json<{ items: unknown[] }>(server.api(`/api/audit?actor=token:${t.id}&to=${from}`));
    expect(past.items).toEqual([]);
    expect((await server.api('/api/audit?record=not-a-uuid')).status).toBe(400);
    const page = await json<{ items: { id: string }[]; nextCursor: string }>(server.api('/api/audit?limit=2'));
    const next = await json<{ items: { id: string }[] }>(server.api(`/api/audit?limit=2&cursor=${page.nextCursor}`));
    expect(Number(next.items[0]?.id)).toBeLessThan(Number(page.items[1]?.id));
  });

  it('shares a record for reading or editing, and unshares it', async () => {
    const rep = server.as('rep');
    const colleague = server.as('colleague');
    const deal = await json<{ id: string }>(rep.api(DEAL, { method: 'POST', json: { data: { name: 'Shared deal' } } }));
    expect((await colleague.api(`${DEAL}/${deal.id}`)).status).toBe(404);
    expect((await rep.api(`${DEAL}/${deal.id}/shares`, { method: 'POST', json: { userId: U.colleague.id, access: 'read' } })).status).toBe(201);
    const list = await json<{ items: { id: string }[] }>(colleague.api(`${DEAL}?q=Shared%20deal`));
    expect(list.items.map((d) => d.id)).toEqual([deal.id]);
    expect((await colleague.api(`${DEAL}/${deal.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { next_step: 'x' } } })).status).toBe(403);
    expect((await rep.api(`${DEAL}/${deal.id}/shares`, { method: 'POST', json: { userId: U.colleague.id, access: 'edit' } })).status).toBe(201);
    expect((await colleague.api(`${DEAL}/${deal.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { next_step: 'x' } } })).status).toBe(200);
    expect(await json(rep.api(`${DEAL}/${deal.id}/shares`))).toMatchObject({ items: [{ userId: U.colleague.id, access: 'edit' }] });
    expect((await rep.api(`${DEAL}/${deal.id}/shares/${U.colleague.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await colleague.api(`${DEAL}/${deal.id}`)).status).toBe(404);
    const actions = (await json<{ items: { action: string }[] }>(server.api(`/api/audit?record=${deal.id}`))).items.map((e) => e.action);
    expect(actions).toEqual(['record.unshare', 'update', 'record.share', 'record.share', 'create']);
  });

  it('lets plugins extend visibility through a hook (the handoff rules land here)', async () => {
    const deal = await json<{ id: string }>(server.as('other-rep').api(DEAL, { method: 'POST', json: { data: { name: 'Needs presales', next_step: 'presales review' } } }));
    const presales = server.as('presales');
    expect((await presales.api(`${DEAL}/${deal.id}`)).status).toBe(404);
    server.platform.store.access.addHook((p) => (p.roles.includes('presales') ? { read: sql<boolean>`records.data->>'next_step' = 'presales review'` } : null));
    expect((await presales.api(`${DEAL}/${deal.id}`)).status).toBe(200);
    expect((await presales.api(`${DEAL}/${deal.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { next_step: 'done' } } })).status).toBe(403);
  });

  it('names every user to every signed-in user (deactivated ones too), without emails, roles or units', async () => {
    const names = await json<{ items: Record<string, unknown>[] }>(server.as('other-rep').api('/api/users/names'));
    const rick = names.items.find((u) => u.id === 'rick-rep');
    expect(rick && Object.keys(rick).sort()).toEqual(['active', 'id', 'name']);
    expect(names.items.map((u) => u.id)).toContain('mia-manager');
    expect(JSON.stringify(names)).not.toContain('@test.pipewright.dev');
    await server.platform.database.db.updateTable('users').set({ active: false }).where('id', '=', 'cora-colleague').execute();
    try {
      const again = await json<{ items: { id: string; active: boolean }[] }>(server.as('rep').api('/api/users/names'));
      expect(again.items.find((u) => u.id === 'cora-colleague')?.active).toBe(false);
    } finally {
      await server.platform.database.db.updateTable('users').set({ active: true }).where('id', '=', 'cora-colleague').execute();
    }
    expect((await server.anonymous('/api/users/names')).status).toBe(401);
  });

  it('serves the org tree and lets admins grow it, refusing cycles', async () => {
    const units = await json<{ items: { id: string; parent: string | null }[] }>(server.as('rep').api('/api/org-units'));
    expect(units.items.find((u) => u.id === 't-north-a')?.parent).toBe('t-north');
    const admin = server.as('admin');
    expect((await admin.api('/api/org-units', { method: 'POST', json: { id: 't-west', name: 'West', kind: 'region', parent: 't-company' } })).status).toBe(201);
    expect((await admin.api('/api/org-units/t-north', { method: 'PATCH', json: { parent: 't-north-a' } })).status).toBe(422);
    expect((await admin.api('/api/org-units/t-north-b', { method: 'PATCH', json: { parent: 't-west' } })).status).toBe(200);
    expect((await admin.api('/api/org-units', { method: 'POST', json: { id: 't-orphan', name: 'Orphan', kind: 'team' } })).status).toBe(422);
  });
});
