import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { constraintCatalog, databaseProblem } from '../src/db/errors';
import { backends, countRows, startServer, type Client, type TestServer } from './harness';
import { expectJson, type Problem, type View } from './process/helpers';

/**
 * Issue 11, items 3 and 13: every database error is a problem. A unique violation is 409 naming
 * the field(s), with the existing record only when the caller may see it; a rep learns nothing
 * more about a record he cannot see than that the value is taken.
 */
describe.each(backends())('database errors as problems on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  let otherRep: Client;

  beforeAll(async () => {
    server = await startServer(backend);
    rep = server.as('rep');
    otherRep = server.as('other-rep');
  });
  afterAll(() => server?.close());

  const post = (api: Client['api'], type: string, data: Record<string, unknown>) => api(`/api/records/${type}`, { method: 'POST', json: { data } });

  it('answers a second account with an existing name with 409 naming /data/name and the existing record (item 3)', async () => {
    const first = await expectJson<View>(post(server.api, 'crm.account', { name: 'Domzoom', status: 'active' }), 201);
    const before = await countRows(server.platform);
    const p = await expectJson<Problem & { existing?: { id: string; type: string } }>(post(server.api, 'crm.account', { name: 'Domzoom', status: 'active' }), 409);
    expect(p.code).toBe('record.duplicate');
    expect(p.errors).toEqual([{ pointer: '/data/name', message: expect.any(String), code: 'unique' }]);
    expect(p.existing).toEqual({ id: first.id, type: 'crm.account' });
    expect(await countRows(server.platform)).toEqual(before);
  });

  it('answers a PATCH onto a taken value with 409 and leaves the record as it was', async () => {
    await expectJson<View>(post(server.api, 'crm.account', { name: 'Taken Ltd', status: 'active' }), 201);
    const other = await expectJson<View>(post(server.api, 'crm.account', { name: 'Free Ltd', status: 'active' }), 201);
    const before = await countRows(server.platform);
    const p = await expectJson<Problem>(server.api(`/api/records/crm.account/${other.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { name: 'Taken Ltd' } } }), 409);
    expect(p.errors?.map((e) => e.pointer)).toEqual(['/data/name']);
    expect(await countRows(server.platform)).toEqual(before);
    const again = await expectJson<View>(server.api(`/api/records/crm.account/${other.id}`), 200);
    expect([again.version, again.data.name]).toEqual([1, 'Free Ltd']);
  });

  it('gives a rep the same answer whether or not he may see the record holding the value (item 13)', async () => {
    await expectJson<View>(post(rep.api, 'pipeline.deal', { name: 'Rick deal', external_id: 'EXT-HIDDEN' }), 201);
    const mine = await expectJson<View>(post(otherRep.api, 'pipeline.deal', { name: 'Otto deal', external_id: 'EXT-MINE' }), 201);
    const before = await countRows(server.platform);
    const hidden = await expectJson<Problem & { existing?: unknown }>(post(otherRep.api, 'pipeline.deal', { name: 'Copy', external_id: 'EXT-HIDDEN' }), 409);
    const visible = await expectJson<Problem & { existing?: unknown }>(post(otherRep.api, 'pipeline.deal', { name: 'Copy', external_id: 'EXT-MINE' }), 409);
    expect(await countRows(server.platform)).toEqual(before);
    const shape = ({ existing: _e, instance: _i, ...rest }: Problem & { existing?: unknown }) => rest;
    expect(shape(hidden)).toEqual(shape(visible));
    expect(hidden.errors).toEqual([{ pointer: '/data/external_id', message: expect.any(String), code: 'unique' }]);
    expect(hidden).not.toHaveProperty('existing');
    expect(visible.existing).toEqual({ id: mine.id, type: 'pipeline.deal' });
    expect(JSON.stringify(hidden)).not.toMatch(/Rick|rick-rep|t-north/);
    // A value no one uses is still free, and a deleted record's value may be reused.
    await expectJson<View>(post(otherRep.api, 'pipeline.deal', { name: 'Fresh', external_id: 'EXT-FREE' }), 201);
    expect((await otherRep.api(`/api/records/pipeline.deal/${mine.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectJson<View>(post(otherRep.api, 'pipeline.deal', { name: 'Reuse', external_id: 'EXT-MINE' }), 201);
  });

  it('names every field of a unique index over several fields', async () => {
    // Evaluations are stageful (the scorecard review process): publish it as an admin would.
    expect((await server.api('/api/processes/scorecard_review/publish', { method: 'POST' })).status).toBe(201);
    const card = await expectJson<View>(post(server.api, 'scorecard.scorecard', { name: 'Q1 card', period_start: '2026-01-01', period_end: '2026-03-31', dimensions: [{ id: 'results', label: 'Results', weight: 100 }] }), 201);
    const evaluation = { scorecard_id: card.id, rep_id: 'rick-rep', period: '2026-Q1', scores: [{ dimension_id: 'results', score: 4 }] };
    await expectJson<View>(post(server.api, 'scorecard.evaluation', evaluation), 201);
    const p = await expectJson<Problem>(post(server.api, 'scorecard.evaluation', { ...evaluation, scores: [] }), 409);
    expect(p.errors?.map((e) => e.pointer)).toEqual(['/data/scorecard_id', '/data/rep_id', '/data/period']);
  });

  it('maps each kind of database error by SQLSTATE and constraint, the same on both backends', async () => {
    const db = server.platform.database.db;
    const catalog = constraintCatalog(server.platform.registry);
    const forced = async (run: () => Promise<unknown>) => {
      const err = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, 'the statement must fail').toBeDefined();
      const p = databaseProblem(err, catalog);
      return p ? { status: p.status, code: p.code, pointers: p.details.map((d) => d.pointer) } : undefined;
    };
    const now = new Date();
    const record = { id: crypto.randomUUID(), type: 'crm.account', version: 1, data: '{}', created_by: 'x', updated_by: 'x', created_at: now, updated_at: now, deleted_at: null };
    await server.seedOrg();
    expect(await forced(() => db.insertInto('records').values({ ...record, owner_id: 'nobody' }).execute())).toEqual({ status: 422, code: 'unknown-reference', pointers: ['/owner'] });
    expect(await forced(() => db.insertInto('records').values({ ...record, org_unit_id: 'nowhere' }).execute())).toEqual({ status: 422, code: 'unknown-reference', pointers: ['/orgUnit'] });
    expect(await forced(() => db.insertInto('org_units').values({ id: 'odd', name: 'Odd', kind: 'galaxy' as 'team', parent_id: null }).execute())).toEqual({ status: 422, code: 'invalid-value', pointers: ['/kind'] });
    expect(await forced(() => db.insertInto('users').values({ id: 'twin', name: 'Twin', email: 'rick-rep@test.pipewright.dev', org_unit_id: null, roles: '[]', password_hash: null }).execute())).toEqual({ status: 409, code: 'conflict', pointers: ['/email'] });
    expect(await forced(() => sql`insert into records (id, type, version, created_by, updated_by, created_at, updated_at) values (${crypto.randomUUID()}, 'crm.account', 1, 'x', 'x', now(), now())`.execute(db))).toEqual({ status: 422, code: 'required', pointers: ['/data'] });
    expect(await forced(() => sql`select ${'0000-01-01T00:00:00.000Z'}::timestamptz`.execute(db))).toMatchObject({ status: 400, code: 'invalid-value' });
    expect(await forced(() => sql`select ${'a\u0000b'}::text`.execute(db))).toMatchObject({ status: 400, code: 'invalid-value' });
    expect(await forced(() => sql`select ${'{"a":"\\u0000"}'}::jsonb`.execute(db))).toMatchObject({ status: 400, code: 'invalid-value' });
    expect(await forced(() => sql`select ${'abc'}::numeric`.execute(db))).toMatchObject({ status: 400, code: 'invalid-value' });
    expect(await forced(() => sql`select 1/0`.execute(db))).toMatchObject({ status: 400, code: 'invalid-value' });
    // Not the client's doing: no mapping, so it stays a 500 (logged).
    expect(await forced(() => sql`select * from no_such_table`.execute(db))).toBeUndefined();
  });
});
