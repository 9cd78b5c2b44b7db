import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, TEST_ORG, type Client, type TestServer, type TestUser } from '../../test/harness';
import type { Scope } from './roles';
import { ensurePublishedFor } from '../../test/process/helpers';

/**
 * The authorization matrix: every endpoint x every role (by session, and by tokens with narrow
 * scopes) x a record or user that is the caller's own, a same-team colleague's, or another
 * team's. Each cell asserts the status; refused cells also assert nothing was written; list
 * cells assert the exact rows.
 */
type Relation = 'own' | 'same' | 'other';
interface Caller {
  label: string;
  user: TestUser;
  via: 'session' | 'token';
  scopes?: Scope[];
}

const CALLERS: Caller[] = [
  { label: 'admin', user: 'admin', via: 'session' },
  { label: 'manager', user: 'manager', via: 'session' },
  { label: 'regional manager', user: 'regional', via: 'session' },
  { label: 'rep', user: 'rep', via: 'session' },
  { label: 'marketing', user: 'marketing', via: 'session' },
  { label: 'presales', user: 'presales', via: 'session' },
  { label: 'rep token [read]', user: 'rep', via: 'token', scopes: ['read'] },
  { label: 'admin token [read,write]', user: 'admin', via: 'token', scopes: ['read', 'write'] },
];
const RELATIONS: Relation[] = ['own', 'same', 'other'];
const DEAL = '/api/records/pipeline.deal';

const roles = (c: Caller) => TEST_ORG.users[c.user].roles as readonly string[];
const isAdmin = (c: Caller) => roles(c).includes('admin');
const isManager = (c: Caller) => roles(c).includes('manager');
const can = (c: Caller, scope: Scope) => (c.scopes ?? ['read', 'write', 'import', 'admin']).includes(scope);
/** Owner of the record a relation names, for a caller. */
const ownerOf = (c: Caller, r: Relation): string => (r === 'own' ? TEST_ORG.users[c.user].id : r === 'same' ? TEST_ORG.users.colleague.id : TEST_ORG.users['other-rep'].id);
/** The rule under test: admins see all, managers their subtree, everyone their own. */
const sees = (c: Caller, r: Relation): boolean => isAdmin(c) || r === 'own' || (isManager(c) && r === 'same');
/** Expected status of a write on a record: scope first (403), then visibility (404). */
const writeStatus = (c: Caller, r: Relation, ok: number) => (!can(c, 'write') ? 403 : sees(c, r) ? ok : 404);
const adminStatus = (c: Caller, ok: number) => (isAdmin(c) && can(c, 'admin') ? ok : 403);

describe.each(backends())('authorization matrix on $name', (backend) => {
  let server: TestServer;
  const clients = new Map<string, Client>();
  const client = (c: Caller) => clients.get(c.label) as Client;
  let seq = 0;

  /** A fresh deal owned by the relation's owner, made by the harness admin. */
  const deal = async (c: Caller, r: Relation): Promise<{ id: string; version: number; name: string }> => {
    const name = `Matrix ${c.label} ${r} ${++seq}`;
    const res = await server.api(DEAL, { method: 'POST', json: { data: { name, amount: { amount: 1000, currency: 'USD' } }, owner: ownerOf(c, r) } });
    expect(res.status, await res.clone().text()).toBe(201);
    return { ...((await res.json()) as { id: string; version: number }), name };
  };
  /** Runs a request, asserts its status and, when refused, that nothing was written. */
  const cell = async (label: string, expected: number, run: () => Promise<Response>) => {
    const before = await countRows(server.platform);
    const res = await run();
    expect(res.status, `${label}: ${await res.clone().text()}`).toBe(expected);
    if (expected >= 400) expect(await countRows(server.platform), label).toEqual(before);
    if (expected >= 400) expect(res.headers.get('content-type'), label).toContain('application/problem+json');
    return res;
  };

  beforeAll(async () => {
    server = await startServer(backend);
    // Evaluations are stageful (the scorecard review process): publish it as an admin would.
    expect((await server.api('/api/processes/scorecard_review/publish', { method: 'POST' })).status).toBe(201);
    // Handoffs move through their kind's process (plugins/handoff/processes).
    await ensurePublishedFor(server, 'handoff.handoff');
    await server.seedOrg();
    for (const c of CALLERS) clients.set(c.label, server.as(c.user, c.via, c.scopes));
  });
  afterAll(() => server?.close());

  for (const c of CALLERS) {
    for (const r of RELATIONS) {
      it(`records: ${c.label} x ${r} record`, async () => {
        const api = client(c).api;
        const tag = `${c.label} / ${r}`;
        const d = await deal(c, r);
        const read = sees(c, r) ? 200 : 404;
        await cell(`${tag} GET one`, read, () => api(`${DEAL}/${d.id}`));
        await cell(`${tag} GET events`, read, () => api(`${DEAL}/${d.id}/events`));
        await cell(`${tag} GET shares`, read, () => api(`${DEAL}/${d.id}/shares`));
        for (const qs of [`filter[id]=${d.id}`, `q=${encodeURIComponent(d.name)}`, `filter[owner]=${ownerOf(c, r)}&filter[name]=${encodeURIComponent(d.name)}`]) {
          const list = (await (await cell(`${tag} list ${qs}`, 200, () => api(`${DEAL}?${qs}&total=true`))).json()) as { items: { id: string }[]; total: number };
          expect(list.items.map((i) => i.id), `${tag} list ${qs}`).toEqual(sees(c, r) ? [d.id] : []);
          expect(list.total, `${tag} count ${qs}`).toBe(sees(c, r) ? 1 : 0);
        }
        const etag = { 'if-match': `"${d.version}"` };
        await cell(`${tag} PATCH`, writeStatus(c, r, 200), () => api(`${DEAL}/${d.id}`, { method: 'PATCH', headers: etag, json: { data: { next_step: 'call back' } } }));
        const ownerGrab = await deal(c, r);
        const grab = !can(c, 'write') ? 403 : !sees(c, r) ? 404 : 200;
        await cell(`${tag} PATCH owner to self`, grab, () => api(`${DEAL}/${ownerGrab.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { owner: TEST_ORG.users[c.user].id } }));
        await cell(`${tag} POST share`, writeStatus(c, r, 201), () => api(`${DEAL}/${d.id}/shares`, { method: 'POST', json: { userId: TEST_ORG.users.colleague.id, access: 'read' } }));
        const shared = await deal(c, r);
        expect((await server.api(`${DEAL}/${shared.id}/shares`, { method: 'POST', json: { userId: TEST_ORG.users.colleague.id } })).status).toBe(201);
        await cell(`${tag} DELETE share`, writeStatus(c, r, 204), () => api(`${DEAL}/${shared.id}/shares/${TEST_ORG.users.colleague.id}`, { method: 'DELETE' }));
        const doomed = await deal(c, r);
        await cell(`${tag} DELETE`, writeStatus(c, r, 204), () => api(`${DEAL}/${doomed.id}`, { method: 'DELETE', headers: { 'if-match': '"1"' } }));
        const create = !can(c, 'write') ? 403 : isAdmin(c) || r === 'own' || (isManager(c) && r === 'same') ? 201 : 403;
        await cell(`${tag} POST with owner`, create, () => api(DEAL, { method: 'POST', json: { data: { name: `${tag} created` }, owner: ownerOf(c, r) } }));
      });

      it(`users: ${c.label} x ${r} user`, async () => {
        const api = client(c).api;
        const tag = `${c.label} / ${r} user`;
        const target = ownerOf(c, r);
        const readable = isAdmin(c) || r === 'own' || (isManager(c) && r === 'same');
        await cell(`${tag} GET`, readable ? 200 : 404, () => api(`/api/users/${target}`));
        await cell(`${tag} PATCH`, adminStatus(c, 200), () => api(`/api/users/${target}`, { method: 'PATCH', json: { name: `${r} user` } }));
        await cell(`${tag} deactivate`, adminStatus(c, r === 'own' ? 409 : 200), () => api(`/api/users/${target}/deactivate`, { method: 'POST' }));
        await cell(`${tag} reactivate`, adminStatus(c, 200), () => api(`/api/users/${target}/reactivate`, { method: 'POST' }));
        expect((await server.api(`/api/users/${target}/reactivate`, { method: 'POST' })).status).toBe(200);
      });
    }

    it(`audience fields: ${c.label} reads the records naming them, read only, and no others`, async () => {
      const api = client(c).api;
      const me = TEST_ORG.users[c.user].id;
      const someoneElse = TEST_ORG.users.colleague.id;
      const n = ++seq;
      const scorecard = await server.api('/api/records/scorecard.scorecard', { method: 'POST', json: { data: { name: `Matrix card ${n}`, period_start: '2026-01-01', period_end: '2026-12-31', dimensions: [{ id: 'results', label: 'Results', weight: 100 }] }, owner: null, orgUnit: 't-south-a' } });
      expect(scorecard.status, await scorecard.clone().text()).toBe(201);
      const scorecardId = ((await scorecard.json()) as { id: string }).id;
      const bodies = (user: string): [string, Record<string, unknown>][] => [
        ['handoff.handoff', { kind: 'marketing_to_sales', status: 'pending', summary: `Lead ${n} for ${user}`, to_user: user }],
        // Published: a person reads his own evaluation only once the review publishes it (scorecard plugin visibility).
        ['scorecard.evaluation', { scorecard_id: scorecardId, rep_id: user, period: '2026-Q1', scores: [{ dimension_id: 'results', score: 80 }], published: true }],
        // Private: OKRs are otherwise readable by everyone (okr plugin, ADR 021).
        ['okr.objective', { title: `Shared objective ${n} ${user}`, level: 'person', private: true, co_owners: [TEST_ORG.users['other-manager'].id, user] }],
      ];
      // Owned by another team's rep: only the audience (and admins) may read them.
      for (const [named, user] of [[true, me], [false, someoneElse]] as const) {
        for (const [type, data] of bodies(user)) {
          const created = await server.api(`/api/records/${type}`, { method: 'POST', json: { data, owner: TEST_ORG.users['other-rep'].id } });
          expect(created.status, await created.clone().text()).toBe(201);
          const rec = (await created.json()) as { id: string; version: number };
          const tag = `${c.label} ${type} ${named ? 'naming them' : 'naming someone else'}`;
          const visible = named || isAdmin(c);
          await cell(`${tag} GET one`, visible ? 200 : 404, () => api(`/api/records/${type}/${rec.id}`));
          const list = (await (await cell(`${tag} list`, 200, () => api(`/api/records/${type}?filter[id]=${rec.id}&total=true`))).json()) as { items: { id: string }[]; total: number };
          expect(list.items.map((i) => i.id), tag).toEqual(visible ? [rec.id] : []);
          expect(list.total, tag).toBe(visible ? 1 : 0);
          const write = !can(c, 'write') ? 403 : isAdmin(c) ? 200 : visible ? 403 : 404;
          await cell(`${tag} PATCH`, write, () => api(`/api/records/${type}/${rec.id}`, { method: 'PATCH', headers: { 'if-match': `"${rec.version}"` }, json: { owner: me } }));
        }
      }
    });

    it(`lists and admin endpoints: ${c.label}`, async () => {
      const api = client(c).api;
      const tag = c.label;
      const own = new Set<string>();
      for (const r of RELATIONS) own.add((await deal(c, r)).id);
      const all = (await (await cell(`${tag} list all`, 200, () => api(`${DEAL}?limit=1000&total=true`))).json()) as { items: { id: string; owner: string }[]; total: number };
      const foreign = all.items.filter((i) => i.owner === TEST_ORG.users['other-rep'].id);
      expect(foreign.length, `${tag}: rows of another team`).toBe(isAdmin(c) ? foreign.length : 0);
      if (!isAdmin(c)) expect(all.items.every((i) => i.owner === TEST_ORG.users[c.user].id || (isManager(c) && i.owner !== TEST_ORG.users['other-rep'].id)), tag).toBe(true);
      expect(all.total, tag).toBe(all.items.length);

      for (const path of ['/api/auth/me', '/api/entities', '/api/entities/pipeline.deal', '/api/org-units', '/api/users/names', '/api/notifications']) await cell(`${tag} GET ${path}`, 200, () => api(path));
      const users = await cell(`${tag} GET /api/users`, isAdmin(c) || isManager(c) ? 200 : 403, () => api('/api/users'));
      if (users.status === 200) {
        const ids = ((await users.json()) as { items: { id: string }[] }).items.map((u) => u.id);
        expect(ids.includes(TEST_ORG.users['other-rep'].id), `${tag} sees other team's users`).toBe(isAdmin(c));
        expect(ids.includes(TEST_ORG.users.colleague.id), `${tag} sees colleagues`).toBe(true);
      }
      const n = ++seq;
      await cell(`${tag} POST /api/users`, adminStatus(c, 201), () => api('/api/users', { method: 'POST', json: { id: `new-${n}`, name: `New ${n}`, email: `new-${n}@test.pipewright.dev`, orgUnit: 't-north-a', roles: ['rep'] } }));
      await cell(`${tag} POST /api/org-units`, adminStatus(c, 201), () => api('/api/org-units', { method: 'POST', json: { id: `t-unit-${n}`, name: `Unit ${n}`, kind: 'team', parent: 't-north' } }));
      await cell(`${tag} PATCH /api/org-units/:id`, adminStatus(c, 200), () => api('/api/org-units/t-north-b', { method: 'PATCH', json: { name: 'North B' } }));
      await cell(`${tag} GET /api/tokens`, adminStatus(c, 200), () => api('/api/tokens'));
      const created = await cell(`${tag} POST /api/tokens`, adminStatus(c, 201), () => api('/api/tokens', { method: 'POST', json: { name: `matrix ${n}`, userId: TEST_ORG.users.rep.id, scopes: ['read'] } }));
      const victim = created.status === 201 ? ((await created.json()) as { id: string }).id : ((await (await server.api('/api/tokens', { method: 'POST', json: { name: `victim ${n}`, scopes: ['read'] } })).json()) as { id: string }).id;
      await cell(`${tag} DELETE /api/tokens/:id`, adminStatus(c, 200), () => api(`/api/tokens/${victim}`, { method: 'DELETE' }));
      await cell(`${tag} GET /api/audit`, adminStatus(c, 200), () => api('/api/audit?limit=5'));
      const importStatus = isAdmin(c) && can(c, 'import') ? 201 : 403;
      const imported = await cell(`${tag} POST /api/imports`, importStatus, () => api('/api/imports', { method: 'POST', json: { mapping: { entity: 'crm.account', fields: { name: 'name', status: { default: 'active' } } }, csv: `name\nMatrix import ${n}` } }));
      const report = imported.status === 201 ? ((await imported.json()) as { importId: string }).importId : '00000000-0000-4000-8000-000000000000';
      await cell(`${tag} GET /api/imports/:id`, importStatus === 201 ? 200 : 403, () => api(`/api/imports/${report}`));
    });
  }
});
