import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, type Client, type TestServer } from './harness';
import { expectJson, type Problem as BodyProblem, type View } from './process/helpers';

type Problem = Omit<BodyProblem, 'errors'> & { errors?: { pointer: string; message: string; code?: string; parameter?: string }[] };

/** Issue 11, item 17: inputs that answered 500 answer 4xx naming what is wrong, and write nothing. */
describe.each(backends())('bad input answers 4xx on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  let deal: View;

  beforeAll(async () => {
    server = await startServer(backend);
    // Shipped processes may already be published at start (409: nothing to publish).
    expect([201, 409]).toContain((await server.api('/api/processes/new_business/publish', { method: 'POST' })).status);
    rep = server.as('rep');
    deal = await expectJson<View>(rep.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Deep deal' } } }), 201);
  });
  afterAll(() => server?.close());

  const deep = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  const raw = (api: Client['api'], path: string, method: string, body: string, headers: Record<string, string> = {}) => api(path, { method, headers: { 'content-type': 'application/json', ...headers }, body });

  it('refuses 10,000-deep JSON in a PATCH and in a transition, and keeps serving', async () => {
    const before = await countRows(server.platform);
    const patch = await expectJson<Problem>(raw(rep.api, `/api/records/pipeline.deal/${deal.id}`, 'PATCH', `{"data":{"next_step":${deep(10_000)}}}`, { 'if-match': '"1"' }), 422);
    expect(patch.code).toBe('body.too-deep');
    expect(patch.errors?.[0]?.pointer).toMatch(/^\/data\/next_step(\/a)+$/);
    const move = await expectJson<Problem>(raw(rep.api, `/api/records/pipeline.deal/${deal.id}/transitions`, 'POST', `{"to":"engaging","data":{"next_step":${deep(10_000)}}}`, { 'if-match': '"1"' }), 422);
    expect(move.code).toBe('body.too-deep');
    const array = await expectJson<Problem>(raw(rep.api, '/api/records/crm.account', 'POST', `{"data":{"name":"x","tags":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`), 422);
    expect(array.code).toBe('body.too-deep');
    expect(await countRows(server.platform)).toEqual(before);
    // The database is intact (deep JSON reaching PGlite used to break the instance for good).
    expect((await expectJson<View>(rep.api(`/api/records/pipeline.deal/${deal.id}`), 200)).version).toBe(1);
  });

  it('refuses a NUL byte or a lone surrogate in a body, naming the member', async () => {
    const before = await countRows(server.platform);
    const nul = await expectJson<Problem>(raw(rep.api, '/api/records/crm.account', 'POST', '{"data":{"name":"Ac\\u0000me","status":"active"}}'), 422);
    expect(nul.errors).toEqual([{ pointer: '/data/name', message: expect.stringMatching(/NUL/), code: 'text' }]);
    const surrogate = await expectJson<Problem>(raw(rep.api, '/api/records/crm.account', 'POST', '{"data":{"name":"Ac\\ud800me","status":"active"}}'), 422);
    expect(surrogate.errors).toEqual([{ pointer: '/data/name', message: expect.stringMatching(/surrogate/), code: 'text' }]);
    const inKey = await expectJson<Problem>(raw(rep.api, `/api/records/pipeline.deal/${deal.id}`, 'PATCH', '{"data":{"x\\u0000y":1}}', { 'if-match': '"1"' }), 422);
    expect(inKey.errors?.[0]?.pointer).toBe('/data/x\u0000y');
    const inMove = await expectJson<Problem>(raw(rep.api, `/api/records/pipeline.deal/${deal.id}/transitions`, 'POST', '{"to":"engaging","data":{"next_step":"\\udfff"}}', { 'if-match': '"1"' }), 422);
    expect(inMove.errors?.[0]?.pointer).toBe('/data/next_step');
    // A surrogate pair (an emoji) is fine.
    await expectJson<View>(raw(rep.api, '/api/records/crm.account', 'POST', '{"data":{"name":"Smile \\ud83d\\ude00","status":"active"}}'), 201);
    expect((await countRows(server.platform)).records).toBe(before.records + 1);
  });

  it('refuses a NUL byte in q or a filter value, and bad UTF-8 in the query, naming the parameter', async () => {
    for (const [query, parameter] of [
      ['q=Ac%00me', 'q'],
      ['filter[name]=a%00b', 'filter[name]'],
      ['filter[name][in]=a,%00', 'filter[name][in]'],
      ['filter[name][contains]=%00', 'filter[name][contains]'],
    ] as const) {
      const p = await expectJson<Problem>(rep.api(`/api/records/crm.account?${query}`), 400);
      expect(p.errors?.map((e) => e.parameter), query).toEqual([parameter]);
    }
    for (const query of ['q=%ED%A0%80', 'q=%FF', 'filter[name]=%C0%AF']) expect((await rep.api(`/api/records/crm.account?${query}`)).status, query).toBeLessThan(500);
    expect((await rep.api('/api/pipeline/time-in-stage?process=new_business&asOf=%00')).status).toBe(400);
  });

  it('refuses sort or filter names that are members of every object (found by the fuzzer)', async () => {
    for (const query of ['sort=constructor', 'sort=__proto__', 'sort=-toString', 'filter[constructor]=x', 'filter[hasOwnProperty][eq]=1']) {
      const p = await expectJson<Problem>(rep.api(`/api/records/crm.contact?${query}`), 400);
      expect(p.code, query).toBe('query.invalid');
    }
  });

  it('answers an empty PATCH of an org unit with the unit unchanged (found by the fuzzer: 500)', async () => {
    await server.seedOrg();
    const before = await countRows(server.platform);
    const unit = await expectJson<{ id: string; name: string }>(server.api('/api/org-units/t-north-a', { method: 'PATCH', json: {} }), 200);
    expect([unit.id, unit.name]).toEqual(['t-north-a', 'North A']);
    expect(await countRows(server.platform)).toEqual(before);
  });

  it('refuses a tampered cursor with 400 naming it', async () => {
    const cursor = (s: string, v: unknown[]) => Buffer.from(JSON.stringify({ s, v })).toString('base64url');
    const id = '00000000-0000-4000-8000-000000000001';
    for (const [sort, c] of [
      ['', cursor('-createdAt', ['not a time', id])],
      ['&sort=amount', cursor('amount', ['lots', id])],
      ['&sort=amount', cursor('amount', [1, 'not-an-id'])],
      ['&sort=-version', cursor('-version', [true, id])],
      ['&sort=name', cursor('name', ['a\u0000', id])],
      ['&sort=createdAt', cursor('createdAt', ['0000-01-01T00:00:00Z', id])],
    ] as const) {
      const p = await expectJson<Problem>(rep.api(`/api/records/pipeline.deal?cursor=${c}${sort}`), 400);
      expect(p.errors?.map((e) => e.parameter), sort).toEqual(['cursor']);
    }
  });

  it('refuses asOf=0000-01-01 and other instants out of range with 400', async () => {
    for (const asOf of ['0000-01-01', '0000-12-31T23:59:59Z', '10000-01-01', '-000001-01-01']) {
      const p = await expectJson<Problem>(rep.api(`/api/pipeline/time-in-stage?process=new_business&asOf=${asOf}`), 400);
      expect(p.errors?.[0]?.parameter).toBe('asOf');
    }
    await expectJson(rep.api('/api/pipeline/time-in-stage?process=new_business&asOf=0001-01-01'), 200);
    for (const value of ['0000-01-01T00:00:00Z', '+010000-01-01T00:00:00Z']) {
      const p = await expectJson<Problem>(rep.api(`/api/records/pipeline.deal?filter[createdAt][gte]=${encodeURIComponent(value)}`), 400);
      expect(p.errors?.[0]?.parameter).toBe('filter[createdAt][gte]');
    }
  });

  describe('imports', () => {
    const accounts = { entity: 'crm.account', fields: { name: 'account', status: { default: 'active' } } };
    const importCsv = (mapping: unknown, csv: string) => server.api('/api/imports', { method: 'POST', json: { mapping, csv } });

    it('reports a NUL byte in a CSV cell as a problem of its row and column', async () => {
      const before = await countRows(server.platform);
      // Sent as JSON, the CSV is a body member: refused as such, naming it.
      const json = await expectJson<Problem>(importCsv(accounts, 'account\nFine Ltd\nNul\u0000Ltd\n'), 422);
      expect(json.errors).toEqual([{ pointer: '/csv', message: expect.stringMatching(/NUL/), code: 'text' }]);
      // Uploaded as a file, the row and column are named.
      const multipart = new FormData();
      multipart.set('mapping', JSON.stringify(accounts));
      multipart.set('file', new Blob(['account\nFine Ltd\nNul\u0000Ltd\n'], { type: 'text/csv' }), 'nul.csv');
      const p = await expectJson<Problem & { report: { problems: { row: number; column?: string; reason: string }[] } }>(server.api('/api/imports', { method: 'POST', body: multipart }), 422);
      expect(p.report.problems).toEqual([{ row: 3, column: 'account', field: 'name', value: 'Nul\uFFFDLtd', reason: expect.stringMatching(/NUL/) }]);
      expect(await countRows(server.platform)).toEqual(before);
    });

    it('refuses an unknown $owner or $orgUnit in the mapping with 422 naming it', async () => {
      const before = await countRows(server.platform);
      for (const [target, value] of [
        ['$owner', 'nobody-at-all'],
        ['$orgUnit', 'no-such-unit'],
      ] as const) {
        const p = await expectJson<Problem>(importCsv({ ...accounts, fields: { ...accounts.fields, [target]: { default: value } } }, 'account\nDefault Ltd\n'), 422);
        expect(p.errors?.map((e) => e.pointer), target).toEqual([`/mapping/fields/${target}/default`]);
      }
      expect(await countRows(server.platform)).toEqual(before);
      await server.seedOrg();
      const ok = await expectJson<{ importedRows: number }>(importCsv({ ...accounts, fields: { ...accounts.fields, $owner: { default: 'rick-rep@test.pipewright.dev' } } }, 'account\nOwned Ltd\n'), 201);
      expect(ok.importedRows).toBe(1);
      const owned = await expectJson<{ items: { owner: string; orgUnit: string }[] }>(server.api('/api/records/crm.account?filter[name]=Owned%20Ltd'), 200);
      expect(owned.items.map((r) => [r.owner, r.orgUnit])).toEqual([['rick-rep', 't-north-a']]);
    });

    it('refuses a CSV whose header names a column twice', async () => {
      const before = await countRows(server.platform);
      const p = await expectJson<Problem>(importCsv(accounts, 'account,sector,account\nTwice Ltd,retail,Other Ltd\n'), 422);
      expect(p.code).toBe('import.duplicate-header');
      expect(p.errors?.[0]).toMatchObject({ pointer: '/csv', message: expect.stringMatching(/"account".*columns 1 and 3/) });
      expect(await countRows(server.platform)).toEqual(before);
    });

    it('reports rows that repeat a unique value, in the file or in the database, instead of a 500', async () => {
      await expectJson(importCsv(accounts, 'account\nUnique Ltd\n'), 201);
      const before = await countRows(server.platform);
      const p = await expectJson<Problem & { report: { problems: { row: number; field?: string; reason: string }[] } }>(importCsv(accounts, 'account\nUnique Ltd\nNew Ltd\nNew Ltd\n'), 422);
      expect(p.report.problems.map((x) => [x.row, x.field])).toEqual([
        [2, 'name'],
        [4, 'name'],
      ]);
      expect(await countRows(server.platform)).toEqual(before);
    });
  });
});
