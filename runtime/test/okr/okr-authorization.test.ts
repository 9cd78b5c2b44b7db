import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type ApiFetch, type TestServer } from '../harness';
import { expectJson } from '../process/helpers';

type Caller = 'admin' | 'manager' | 'rep' | 'other-rep' | 'anonymous' | 'read-only';
const CALLERS: Caller[] = ['admin', 'manager', 'rep', 'other-rep', 'anonymous', 'read-only'];

/**
 * The okr plugin's routes and records x roles, in the style of the platform's authorization
 * matrix: the admin, the rep's manager, the rep who owns the objective, a rep of another office,
 * no credential, and the rep's read-only token. OKRs are transparent (every signed-in user reads
 * them) unless private; the owner and managers above edit and check in; admins alone manage
 * cycles and trigger reminders.
 */
describe.each(backends())('okr authorization matrix on $name', (backend) => {
  let server: TestServer;
  let ids: Record<string, string>;
  const client = (c: Caller): ApiFetch => (c === 'anonymous' ? server.anonymous : c === 'read-only' ? server.as('rep', 'token', ['read']).api : server.as(c, 'token').api);

  beforeAll(async () => {
    server = await startServer(backend);
    const admin = server.as('admin', 'token').api;
    const rep = server.as('rep', 'token').api;
    const create = async (a: ApiFetch, type: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => (await expectJson<{ id: string }>(a(`/api/records/${type}`, { method: 'POST', json: { data, ...extra } }), 201)).id;
    const cycle = await create(admin, 'okr.cycle', { name: 'Matrix', kind: 'quarter', start: '2026-01-01', end: '2026-03-31', state: 'active' });
    // Owned by an admin outside every team, at the company unit: above the manager.
    const company = await create(server.api, 'okr.objective', { title: 'Company', level: 'company', cycle_id: cycle }, { orgUnit: 't-company' });
    const mine = await create(rep, 'okr.objective', { title: 'Mine', level: 'person', cycle_id: cycle, parent_id: company });
    const secret = await create(rep, 'okr.objective', { title: 'Secret', level: 'person', cycle_id: cycle, private: true });
    const kr = await create(rep, 'okr.key_result', { objective_id: mine, title: 'Calls', kind: 'numeric', target: 10 });
    const secretKr = await create(rep, 'okr.key_result', { objective_id: secret, title: 'Secret calls', kind: 'numeric', target: 10 });
    await create(admin, 'okr.target', { metric: 'pipeline.won_value', period: '2026-Q1', scope_unit: 't-north', value: 1000 });
    ids = { cycle, company, mine, secret, kr, secretKr };
  });
  afterAll(() => server?.close());

  const version = async (type: string, id: string) => (await expectJson<{ version: number }>(server.api(`/api/records/${type}/${id}`), 200)).version;

  const rows: { name: string; expected: Record<Caller, number>; call(api: ApiFetch, caller: Caller): Promise<Response> }[] = [
    { name: 'GET company objective', expected: { admin: 200, manager: 200, rep: 200, 'other-rep': 200, anonymous: 401, 'read-only': 200 }, call: (api) => api(`/api/records/okr.objective/${ids.company}`) },
    { name: "GET the rep's objective", expected: { admin: 200, manager: 200, rep: 200, 'other-rep': 200, anonymous: 401, 'read-only': 200 }, call: (api) => api(`/api/records/okr.objective/${ids.mine}`) },
    { name: 'GET private objective', expected: { admin: 200, manager: 200, rep: 200, 'other-rep': 404, anonymous: 401, 'read-only': 200 }, call: (api) => api(`/api/records/okr.objective/${ids.secret}`) },
    { name: 'GET private key result', expected: { admin: 200, manager: 200, rep: 200, 'other-rep': 404, anonymous: 401, 'read-only': 200 }, call: (api) => api(`/api/records/okr.key_result/${ids.secretKr}`) },
    {
      name: "PATCH the rep's objective",
      expected: { admin: 200, manager: 200, rep: 200, 'other-rep': 403, anonymous: 401, 'read-only': 403 },
      call: async (api, c) => api(`/api/records/okr.objective/${ids.mine}`, { method: 'PATCH', headers: { 'if-match': `"${await version('okr.objective', ids.mine ?? '')}"` }, json: { data: { description: `by ${c}` } } }),
    },
    {
      name: 'PATCH company objective',
      expected: { admin: 200, manager: 403, rep: 403, 'other-rep': 403, anonymous: 401, 'read-only': 403 },
      call: async (api, c) => api(`/api/records/okr.objective/${ids.company}`, { method: 'PATCH', headers: { 'if-match': `"${await version('okr.objective', ids.company ?? '')}"` }, json: { data: { description: `by ${c}` } } }),
    },
    { name: "POST check-in on the rep's key result", expected: { admin: 201, manager: 201, rep: 201, 'other-rep': 422, anonymous: 401, 'read-only': 403 }, call: (api) => api('/api/records/okr.check_in', { method: 'POST', json: { data: { key_result_id: ids.kr, value: 3, confidence: 5, status: 'on_track' } } }) },
    { name: "POST key result on the rep's objective", expected: { admin: 201, manager: 201, rep: 201, 'other-rep': 422, anonymous: 401, 'read-only': 403 }, call: (api, c) => api('/api/records/okr.key_result', { method: 'POST', json: { data: { objective_id: ids.mine, title: `KR by ${c}`, kind: 'milestone' } } }) },
    { name: 'POST cycle', expected: { admin: 201, manager: 422, rep: 422, 'other-rep': 422, anonymous: 401, 'read-only': 403 }, call: (api, c) => api('/api/records/okr.cycle', { method: 'POST', json: { data: { name: `Cycle by ${c}`, kind: 'year', start: '2027-01-01', end: '2027-12-31' } } }) },
    { name: 'GET explanation of a key result', expected: { admin: 200, manager: 200, rep: 200, 'other-rep': 200, anonymous: 401, 'read-only': 200 }, call: (api) => api(`/api/plugins/okr/key-results/${ids.kr}/explanation`) },
    { name: 'GET explanation of a private key result', expected: { admin: 200, manager: 200, rep: 200, 'other-rep': 404, anonymous: 401, 'read-only': 200 }, call: (api) => api(`/api/plugins/okr/key-results/${ids.secretKr}/explanation`) },
    { name: 'POST sales target for team North A', expected: { admin: 201, manager: 201, rep: 422, 'other-rep': 422, anonymous: 401, 'read-only': 403 }, call: (api, c) => api('/api/records/okr.target', { method: 'POST', json: { data: { metric: 'pipeline.won_value', period: `2026-${String(CALLERS.indexOf(c) + 1).padStart(2, '0')}`, scope_unit: 't-north-a', value: 10 } } }) },
    { name: 'GET targets/check', expected: { admin: 200, manager: 200, rep: 200, 'other-rep': 200, anonymous: 401, 'read-only': 200 }, call: (api) => api('/api/plugins/okr/targets/check?metric=pipeline.won_value&period=2026-Q1') },
    // Splitting North writes targets for North A and North B (the admin's split made them first): the
    // team manager reaches only North A (422 at the scope), reps may not change the admin's targets (403).
    { name: 'POST targets/split of North', expected: { admin: 200, manager: 422, rep: 403, 'other-rep': 403, anonymous: 401, 'read-only': 403 }, call: (api) => api('/api/plugins/okr/targets/split', { method: 'POST', json: { metric: 'pipeline.won_value', period: '2026-Q1', scope_unit: 't-north' } }) },
    { name: 'GET targets/scopes', expected: { admin: 200, manager: 200, rep: 200, 'other-rep': 200, anonymous: 401, 'read-only': 200 }, call: (api) => api('/api/plugins/okr/targets/scopes') },
    { name: 'POST targets/upload (check only)', expected: { admin: 200, manager: 200, rep: 403, 'other-rep': 403, anonymous: 401, 'read-only': 403 }, call: (api) => api('/api/plugins/okr/targets/upload', { method: 'POST', json: { csv: 'period,scope_unit,value\n2026-Q2,t-north-a,5', commit: false } }) },
    { name: 'POST targets/upload (import) for team North A', expected: { admin: 200, manager: 200, rep: 403, 'other-rep': 403, anonymous: 401, 'read-only': 403 }, call: (api, c) => api('/api/plugins/okr/targets/upload', { method: 'POST', json: { csv: `period,scope_unit,value\n2026-${String(CALLERS.indexOf(c) + 7).padStart(2, '0')},t-north-a,5`, commit: true } }) },
    { name: 'POST reminders/run', expected: { admin: 200, manager: 403, rep: 403, 'other-rep': 403, anonymous: 401, 'read-only': 403 }, call: (api) => api('/api/plugins/okr/reminders/run', { method: 'POST', json: {} }) },
  ];

  for (const row of rows) {
    it(row.name, async () => {
      const got: Record<string, number> = {};
      for (const c of CALLERS) {
        const res = await row.call(client(c), c);
        got[c] = res.status;
        if (res.status >= 400) expect(res.headers.get('content-type'), `${row.name} as ${c}`).toContain('application/problem+json');
      }
      expect(got).toEqual(row.expected);
    });
  }
});
