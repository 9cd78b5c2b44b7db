import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../../runtime/src/auth/roles';
import { backends, countRows, startServer, TEST_ORG, type ApiFetch, type TestServer, type TestUser } from '../../../runtime/test/harness';
import { expectJson, type View } from '../../../runtime/test/process/helpers';

/**
 * The crm plugin's routes x callers, in the style of the platform's authorization matrix:
 * transfer (preview and start: managers of the rep's part of the org and admins), the duplicate
 * checks of a body and of a batch of rows (anyone who may write), the at-risk list (anyone
 * signed in), the 360° overview (whoever sees the account), maintenance (admins), merge and undo
 * (managers and admins who see the accounts). Refused cells assert a problem and that nothing
 * was written.
 */
interface Caller {
  label: string;
  user?: TestUser;
  via?: 'session' | 'token';
  scopes?: Scope[];
}
const CALLERS: Caller[] = [
  { label: 'admin', user: 'admin', via: 'session' },
  { label: 'manager (rep\'s team)', user: 'manager', via: 'session' },
  { label: 'regional manager (rep\'s region)', user: 'regional', via: 'session' },
  { label: 'other manager (another region)', user: 'other-manager', via: 'session' },
  { label: 'rep (the book\'s owner)', user: 'rep', via: 'session' },
  { label: 'other rep', user: 'other-rep', via: 'session' },
  { label: 'rep token [read]', user: 'rep', via: 'token', scopes: ['read'] },
  { label: 'admin token [read,write]', user: 'admin', via: 'token', scopes: ['read', 'write'] },
  { label: 'anonymous' },
];

const roles = (c: Caller): readonly string[] => (c.user ? TEST_ORG.users[c.user].roles : []);
const can = (c: Caller, scope: Scope) => (c.scopes ?? ['read', 'write', 'import', 'admin']).includes(scope);
/** The rep's book may be moved by admins and by managers of a unit on his path (north-a, north). */
const mayTransfer = (c: Caller) => roles(c).includes('admin') || c.user === 'manager' || c.user === 'regional';
const isManagerRole = (c: Caller) => roles(c).includes('admin') || roles(c).includes('manager');
/** Who sees an account of the rep: admins, managers above him, himself. */
const seesRepAccount = (c: Caller) => roles(c).includes('admin') || c.user === 'manager' || c.user === 'regional' || c.user === 'rep';

type Route = 'preview' | 'transfer' | 'check' | 'checkRows' | 'atRisk' | 'overview' | 'maintenance' | 'merge' | 'undo';
function expected(c: Caller, route: Route): number {
  if (!c.user) return 401;
  const ok = { preview: 200, transfer: 202, check: 200, checkRows: 200, atRisk: 200, overview: 200, maintenance: 202, merge: 202, undo: 202 }[route];
  if (route !== 'overview' && route !== 'atRisk' && !can(c, 'write')) return 403;
  switch (route) {
    case 'preview':
    case 'transfer':
      return !isManagerRole(c) ? 403 : mayTransfer(c) ? ok : 403;
    case 'check':
    case 'checkRows':
    case 'atRisk':
      // Every signed-in caller with the scope; what they learn is limited by what they see.
      return ok;
    case 'overview':
      return seesRepAccount(c) ? ok : 404;
    case 'maintenance':
      return roles(c).includes('admin') ? ok : 403;
    case 'merge':
    case 'undo':
      // Managers and admins; the accounts (the merge record) must be visible to them.
      return !isManagerRole(c) ? 403 : seesRepAccount(c) ? ok : 404;
  }
}

describe.each(backends())('crm routes authorization on $name', (backend) => {
  let server: TestServer;
  let accountId = '';
  let duplicateId = '';
  const apiOf = new Map<string, ApiFetch>();

  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
    for (const c of CALLERS) apiOf.set(c.label, c.user ? server.as(c.user, c.via, c.scopes).api : server.anonymous);
    accountId = (await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Matrix Account', status: 'active' }, owner: TEST_ORG.users.rep.id } }), 201)).id;
    duplicateId = (await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Matrix Account Inc.', status: 'active', dedupe_override: { confirm: true } }, owner: TEST_ORG.users.rep.id } }), 201)).id;
  });
  afterAll(() => server?.close());

  const cell = async (label: string, status: number, run: () => Promise<Response>) => {
    const before = await countRows(server.platform);
    const res = await run();
    expect(res.status, `${label}: ${await res.clone().text()}`).toBe(status);
    if (status >= 400) {
      expect(res.headers.get('content-type'), label).toContain('application/problem+json');
      expect(await countRows(server.platform), label).toEqual(before);
    }
  };

  for (const c of CALLERS) {
    it(`${c.label}`, async () => {
      const api = apiOf.get(c.label) as ApiFetch;
      const body = { from: TEST_ORG.users.rep.id, rule: 'pool' };
      await cell(`${c.label} POST /transfers/preview`, expected(c, 'preview'), () => api('/api/plugins/crm/transfers/preview', { method: 'POST', json: body }));
      await cell(`${c.label} POST /transfers`, expected(c, 'transfer'), () => api('/api/plugins/crm/transfers', { method: 'POST', json: body }));
      await cell(`${c.label} POST /duplicates/check`, expected(c, 'check'), () => api('/api/plugins/crm/duplicates/check', { method: 'POST', json: { type: 'crm.account', data: { name: 'Matrix Acount' } } }));
      await cell(`${c.label} POST /duplicates/check-rows`, expected(c, 'checkRows'), () => api('/api/plugins/crm/duplicates/check-rows', { method: 'POST', json: { type: 'crm.account', rows: [{ name: 'Matrix Acount' }] } }));
      await cell(`${c.label} GET /at-risk`, expected(c, 'atRisk'), () => api('/api/plugins/crm/at-risk?asOf=2030-01-01'));
      await cell(`${c.label} GET /accounts/:id/overview`, expected(c, 'overview'), () => api(`/api/plugins/crm/accounts/${accountId}/overview`));
      await cell(`${c.label} POST /accounts/maintenance`, expected(c, 'maintenance'), () => api('/api/plugins/crm/accounts/maintenance', { method: 'POST' }));
      // Merge (queued only: the job does not run here) and undo of a finished merge of the rep's accounts.
      await cell(`${c.label} POST /accounts/:id/merge`, expected(c, 'merge'), () => api(`/api/plugins/crm/accounts/${accountId}/merge`, { method: 'POST', json: { duplicate: duplicateId } }));
      const done = await expectJson<View>(server.api('/api/records/crm.merge', { method: 'POST', json: { data: { survivor_id: accountId, duplicate_id: duplicateId, status: 'done', moved: [], filled: [], undo_until: '2999-01-01T00:00:00Z' }, owner: TEST_ORG.users.rep.id } }), 201);
      await cell(`${c.label} POST /merges/:id/undo`, expected(c, 'undo'), () => api(`/api/plugins/crm/merges/${done.id}/undo`, { method: 'POST' }));
    });
  }

  it('a rep sees the look-alike of an account he cannot see only as a count', async () => {
    const r = await expectJson<{ candidates: unknown[]; hiddenCandidates: number }>(server.as('other-rep').api('/api/plugins/crm/duplicates/check', { method: 'POST', json: { type: 'crm.account', data: { name: 'Matrix Account Ltd' } } }), 200);
    expect([r.candidates, r.hiddenCandidates]).toEqual([[], 2]); // Matrix Account and Matrix Account Inc.
  });
});
