import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, type TestServer } from '../../../runtime/test/harness';
import { expectJson, type Problem, type View } from '../../../runtime/test/process/helpers';
import { trigramSimilarity } from '../src/runtime/import-check';

interface Checked {
  policy: string;
  flagged: number;
  rows: { row: number; keys: Record<string, string>; candidates: { id: string; title: string }[]; hiddenCandidates: number; sameAsRows: number[] }[];
}

/**
 * Issue 18, 查重 before an import: `POST /api/plugins/crm/duplicates/check-rows` reports per row
 * the stored look-alikes (visible ones named, hidden ones counted) and the other rows of the
 * batch it looks like, by dedupe.json's keys and thresholds; it writes nothing.
 */
describe.each(backends())('duplicate check of a batch of rows on $name', (backend) => {
  let server: TestServer;
  const check = (api: TestServer['api'], body: unknown) => api('/api/plugins/crm/duplicates/check-rows', { method: 'POST', json: body });

  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
  });
  afterAll(() => server?.close());

  it('reports stored look-alikes and look-alikes within the batch per row, writing nothing', async () => {
    const acme = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Acme Robotics Ltd', status: 'active' } } }), 201);
    const before = await countRows(server.platform);
    const r = await expectJson<Checked>(check(server.api, { type: 'crm.account', rows: [{ name: 'ACME Robotics' }, { name: 'Brand New Trading Co' }, { name: 'Brand-New Trading Company Limited' }, { name: 'Totally Different Works' }, { name: '腾讯科技有限公司' }, { name: '騰訊科技' }] }), 200);
    expect(r.policy).toBe('warn');
    expect(r.rows.map((x) => [x.row, x.candidates.map((c) => c.id), x.sameAsRows])).toEqual([
      [1, [acme.id], []],
      [2, [], [3]],
      [3, [], [2]],
      [4, [], []],
      [5, [], [6]],
      [6, [], [5]],
    ]);
    expect(r.rows[0]?.keys).toEqual({ name_key: 'acmerobotics' });
    expect(r.flagged).toBe(5);
    expect(await countRows(server.platform)).toEqual(before);
  });

  it('checks contacts by email and phone, and counts look-alikes the caller cannot see', async () => {
    await expectJson<View>(server.as('other-rep').api('/api/records/crm.contact', { method: 'POST', json: { data: { first_name: 'Otto', last_name: 'Owned', email: 'otto.owned@example.com' } } }), 201);
    const r = await expectJson<Checked>(check(server.as('rep').api, { type: 'crm.contact', rows: [{ first_name: 'A', last_name: 'B', email: ' Otto.Owned@Example.com ' }, { first_name: 'C', last_name: 'D', mobile: '+86 138 0013 8000' }, { first_name: 'E', last_name: 'F', mobile: '13800138000' }] }), 200);
    expect(r.rows.map((x) => [x.candidates.length, x.hiddenCandidates, x.sameAsRows])).toEqual([
      [0, 1, []],
      [0, 0, [3]],
      [0, 0, [2]],
    ]);
  });

  it('refuses bad input with a problem naming the member, and callers without the right', async () => {
    const empty = await expectJson<Problem>(check(server.api, { type: 'crm.account', rows: [] }), 422);
    expect(JSON.stringify(empty.errors)).toContain('/rows');
    const type = await expectJson<Problem>(check(server.api, { type: 'crm.activity', rows: [{}] }), 422);
    expect(JSON.stringify(type.errors)).toContain('/type');
    const many = await expectJson<Problem>(check(server.api, { type: 'crm.account', rows: Array.from({ length: 501 }, (_, i) => ({ name: `Row ${i}` })) }), 422);
    expect(JSON.stringify(many.errors)).toContain('/rows');
    expect((await server.anonymous('/api/plugins/crm/duplicates/check-rows', { method: 'POST', json: { type: 'crm.account', rows: [{ name: 'x' }] } })).status).toBe(401);
    expect((await check(server.as('rep', 'token', ['read']).api, { type: 'crm.account', rows: [{ name: 'x' }] })).status).toBe(403);
  });

  it("computes in-batch similarity as PostgreSQL's pg_trgm does", async () => {
    const pairs: [string, string][] = [['acmerobotics', 'acmerobotic'], ['brandnewtrading', 'brandnewtradingcompany'], ['isdom', 'isdmo'], ['tengxunkeji', 'tengxun'], ['abc', 'xyz'], ['a', 'a']];
    const schema = (await sql<{ s: string }>`select n.nspname as s from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(server.platform.database.db)).rows[0]?.s ?? 'public';
    for (const [a, b] of pairs) {
      const row = (await sql<{ v: number }>`select ${sql.raw(`"${schema}"`)}.similarity(${a}, ${b})::float8 as v`.execute(server.platform.database.db)).rows[0];
      expect(trigramSimilarity(a, b), `${a} ~ ${b}`).toBeCloseTo(Number(row?.v), 6);
    }
  });
});
