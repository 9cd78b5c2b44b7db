import { request } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, emailOf, startServer, TEST_ORG, TEST_PASSWORD, type TestServer } from '../../test/harness';

const DEAL = '/api/records/pipeline.deal';
/** A short principal cache, so the tests also prove that a credential changed behind the cache's back stops working once the entry ages out. */
const CACHE_MS = 200;
const outliveAuthCache = () => new Promise((resolve) => setTimeout(resolve, CACHE_MS + 50));

describe.each(backends())('attacks on $name', (backend) => {
  let server: TestServer;
  let foreignDeal: { id: string };
  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_AUTH_CACHE_MS: String(CACHE_MS) });
    await server.seedOrg();
    const res = await server.api(DEAL, { method: 'POST', json: { data: { name: 'South deal' }, owner: TEST_ORG.users['other-rep'].id } });
    foreignDeal = (await res.json()) as { id: string };
  });
  afterAll(() => server?.close());

  /** Asserts a refusal: status, problem+json, and no record or event written. */
  const refused = async (status: number, run: () => Promise<Response>, label: string) => {
    const before = await countRows(server.platform);
    const res = await run();
    expect(res.status, `${label}: ${await res.clone().text()}`).toBe(status);
    expect(res.headers.get('content-type'), label).toContain('application/problem+json');
    expect(await countRows(server.platform), label).toEqual(before);
    return res;
  };

  it('answers 401 without credentials, except on /health, /openapi.json and login', async () => {
    for (const path of [DEAL, '/api/entities', '/api/users', '/api/audit', '/api/auth/me', '/api/nothing']) {
      const res = await refused(401, () => server.anonymous(path), path);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
    }
    await refused(401, () => server.anonymous(DEAL, { method: 'POST', json: { data: { name: 'anon' } } }), 'anonymous POST');
    expect((await server.anonymous('/health')).status).toBe(200);
    expect((await server.anonymous('/openapi.json')).status).toBe(200);
  });

  it('refuses a forged or expired session cookie with 401', async () => {
    for (const cookie of ['pw_session=forged', `pw_session=${'A'.repeat(43)}`, 'pw_session=../../etc/passwd', `pw_session=${server.canaries[6]?.slice(0, -1)}x`]) {
      await refused(401, () => server.anonymous(DEAL, { headers: { cookie } }), cookie);
      await refused(401, () => server.anonymous(DEAL, { method: 'POST', headers: { cookie, 'x-csrf-token': 'whatever' }, json: { data: { name: 'forged' } } }), cookie);
    }
    const marketing = server.as('marketing');
    expect((await marketing.api(DEAL)).status).toBe(200);
    await server.platform.database.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', TEST_ORG.users.marketing.id).execute();
    await outliveAuthCache();
    await refused(401, () => marketing.api(DEAL), 'expired session');
  });

  it('refuses malformed, unknown, expired, revoked and deactivated-user bearer tokens with 401', async () => {
    for (const authorization of ['Bearer', 'Bearer pwt_unknown', 'Basic YWRtaW46YWRtaW4=', `Bearer ${'pwt_' + 'x'.repeat(200)}`, 'Bearer pwt_a pwt_b']) {
      await refused(401, () => server.anonymous(DEAL, { headers: { authorization } }), authorization);
    }
    const make = async (name: string, userId: string) => (await (await server.api('/api/tokens', { method: 'POST', json: { name, userId, scopes: ['read', 'write'] } })).json()) as { id: string; token: string };
    const expired = await make('expired', TEST_ORG.users.rep.id);
    await server.platform.database.db.updateTable('api_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', expired.id).execute();
    await refused(401, () => server.anonymous(DEAL, { headers: { authorization: `Bearer ${expired.token}` } }), 'expired token');

    const revoked = await make('revoked', TEST_ORG.users.rep.id);
    expect((await server.anonymous(DEAL, { headers: { authorization: `Bearer ${revoked.token}` } })).status).toBe(200);
    expect((await server.api(`/api/tokens/${revoked.id}`, { method: 'DELETE' })).status).toBe(200);
    await refused(401, () => server.anonymous(DEAL, { headers: { authorization: `Bearer ${revoked.token}` } }), 'revoked token');
    await refused(401, () => server.anonymous(DEAL, { method: 'POST', headers: { authorization: `Bearer ${revoked.token}` }, json: { data: { name: 'revoked' } } }), 'revoked token write');

    const colleague = await make('colleague', TEST_ORG.users.colleague.id);
    expect((await server.api(`/api/users/${TEST_ORG.users.colleague.id}/deactivate`, { method: 'POST' })).status).toBe(200);
    await refused(401, () => server.anonymous(DEAL, { headers: { authorization: `Bearer ${colleague.token}` } }), 'token of a deactivated user');
    expect((await server.api(`/api/users/${TEST_ORG.users.colleague.id}/reactivate`, { method: 'POST' })).status).toBe(200);
    await refused(401, () => server.anonymous(DEAL, { headers: { authorization: `Bearer ${colleague.token}` } }), 'deactivation revoked the token for good');
  });

  it('refuses cross-origin form posts and cookie writes without the CSRF token (403)', async () => {
    const rep = server.as('rep');
    const me = (await (await rep.api('/api/auth/me')).json()) as { csrfToken: string };
    const form = 'data=%7B%22name%22%3A%22csrf%22%7D';
    // A browser's cross-site form post: cookie attached, no custom header, foreign Origin.
    await refused(403, () => rep.api(DEAL, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'x-csrf-token': '' } }), 'cross-site form');
    await refused(403, () => rep.api(DEAL, { method: 'POST', headers: { origin: 'https://evil.example', 'x-csrf-token': me.csrfToken }, json: { data: { name: 'csrf' } } }), 'foreign Origin with a stolen token');
    await refused(403, () => rep.api(DEAL, { method: 'POST', headers: { 'sec-fetch-site': 'same-site' }, json: { data: { name: 'csrf' } } }), 'sibling site');
    await refused(403, () => rep.api(DEAL, { method: 'POST', headers: { 'x-csrf-token': 'f'.repeat(64) }, json: { data: { name: 'csrf' } } }), 'wrong CSRF token');
    await refused(403, () => rep.api('/api/auth/logout', { method: 'POST', headers: { 'x-csrf-token': 'nope' } }), 'logout CSRF');
    await refused(403, () => server.anonymous('/api/auth/login', { method: 'POST', headers: { origin: 'https://evil.example' }, json: { email: emailOf('rep'), password: TEST_PASSWORD } }), 'login CSRF');
    const ok = await rep.api(DEAL, { method: 'POST', headers: { origin: server.url, 'sec-fetch-site': 'same-origin' }, json: { data: { name: 'legit' } } });
    expect(ok.status).toBe(201);
  });

  it('refuses a rep taking a foreign deal (404) or giving theirs away (403), writing nothing', async () => {
    const rep = server.as('rep');
    await refused(404, () => rep.api(`${DEAL}/${foreignDeal.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { owner: TEST_ORG.users.rep.id } }), 'take foreign deal');
    await refused(404, () => rep.api(`${DEAL}/${foreignDeal.id}`, { method: 'DELETE' }), 'delete foreign deal');
    await refused(404, () => rep.api(`${DEAL}/${foreignDeal.id}/shares`, { method: 'POST', json: { userId: TEST_ORG.users.rep.id } }), 'share foreign deal to self');
    await refused(422, () => rep.api(DEAL, { method: 'POST', json: { data: { name: 'ref', account_id: foreignDeal.id } } }), 'reference an invisible record');
    const mine = (await (await rep.api(DEAL, { method: 'POST', json: { data: { name: 'Mine' } } })).json()) as { id: string };
    await refused(403, () => rep.api(`${DEAL}/${mine.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { owner: TEST_ORG.users['other-rep'].id } }), 'give away');
    await refused(403, () => rep.api(`${DEAL}/${mine.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { orgUnit: 't-south-a' } }), 'move to another team');
    await refused(403, () => rep.api(`${DEAL}/${mine.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { owner: null } }), 'orphan');
    await refused(403, () => rep.api(DEAL, { method: 'POST', json: { data: { name: 'planted' }, owner: TEST_ORG.users['other-rep'].id } }), 'plant in another team');
    const db = server.platform.database.db;
    expect((await db.selectFrom('records').select('owner_id').where('id', '=', foreignDeal.id).executeTakeFirstOrThrow()).owner_id).toBe(TEST_ORG.users['other-rep'].id);
  });

  it('keeps admin-only endpoints (users, tokens, audit, imports, org units) from every other role: 403', async () => {
    for (const who of ['rep', 'manager', 'regional', 'presales'] as const) {
      const api = server.as(who).api;
      await refused(403, () => api('/api/users', { method: 'POST', json: { id: 'x-user', name: 'X', email: 'x@test.pipewright.dev', roles: ['admin'] } }), `${who} creates an admin`);
      await refused(403, () => api(`/api/users/${TEST_ORG.users[who].id}`, { method: 'PATCH', json: { roles: ['admin'] } }), `${who} promotes self`);
      await refused(403, () => api('/api/tokens', { method: 'POST', json: { name: 'x', scopes: ['admin'] } }), `${who} mints a token`);
      await refused(403, () => api('/api/audit'), `${who} reads the audit log`);
      await refused(403, () => api('/api/imports', { method: 'POST', json: { mapping: { entity: 'crm.account', fields: { name: 'n' } }, csv: 'n\nx' } }), `${who} imports`);
      await refused(403, () => api('/api/org-units', { method: 'POST', json: { id: 'x-unit', name: 'X', kind: 'team', parent: 't-north' } }), `${who} adds a unit`);
    }
  });

  it('lets no API alter or delete the audit log, and the database refuses too', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) await refused(405, () => server.api('/api/audit', { method, json: {} }), `${method} /api/audit`);
    await refused(405, () => server.api('/api/audit/1', { method: 'DELETE' }), 'DELETE /api/audit/1');
    const db = server.platform.database.db;
    await expect(sql`update events set actor = 'someone-else'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from events`.execute(db)).rejects.toThrow(/append-only/);
  });

  it('limits body size for chunked bodies too (413, nothing written)', async () => {
    const bytes = Buffer.from(JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024), email: 'a@b.c', roles: ['rep'] }));
    for (const path of ['/api/users', '/api/tokens', DEAL]) {
      const before = await countRows(server.platform);
      const status = await chunkedPost(server.url + path, { ...server.authHeaders, 'content-type': 'application/json' }, bytes);
      expect(status, path).toBe(413);
      expect(await countRows(server.platform), path).toEqual(before);
    }
  });

  it('sends security headers with a CSP that forbids eval and framing', async () => {
    for (const path of ['/health', DEAL, '/api/nothing']) {
      const res = await server.api(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    }
  });

  it('never answers or logs a secret: hashes, tokens, session ids (canaries)', async () => {
    const canaryUser = await server.api('/api/users/canary-user');
    expect(await canaryUser.text()).not.toContain('scrypt$');
    await server.anonymous('/api/auth/login', { method: 'POST', json: { email: 'canary@test.pipewright.dev', password: server.canaries[0] } });
    await server.anonymous('/api/auth/login', { method: 'POST', json: { email: 'canary@test.pipewright.dev', password: 'wrong password here' } });
    for (const path of ['/api/users', '/api/tokens', '/api/audit?limit=500', '/api/auth/me']) expect((await server.api(path)).status).toBe(200);
    expect(server.leaks).toEqual([]);
    for (const line of server.logs) for (const c of server.canaries) expect(line).not.toContain(c);
  });
});

/** POSTs a body with Transfer-Encoding: chunked on its own connection; resolves with the status as soon as it arrives. */
function chunkedPost(url: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' }, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    let i = 0;
    const pump = () => {
      while (i < body.length) {
        const chunk = body.subarray(i, (i += 65536));
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
