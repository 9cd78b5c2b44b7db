import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, type TestServer } from '../../../runtime/test/harness';
import { expectJson, type Problem, type View } from '../../../runtime/test/process/helpers';

interface Report {
  status: string;
  importedRows: number;
  rejectedRows: number;
  problems: { row: number; field?: string; code?: string; reason: string; extensions?: { policy?: string; candidates?: { id: string; title: string }[] } }[];
}
type Rejected = Problem & { report: Report };

const MAPPING = { entity: 'crm.account', fields: { name: 'Company', status: { column: 'Status', default: 'active' }, employees: 'Employees' } };

/**
 * Issue 18, 查重 at every entry point, imports included: `POST /api/imports` writes the rows of
 * an entity plugins hook through the same hooks as any create (ADR 023 addendum), so crm's
 * duplicate policy refuses a look-alike by row — naming the row, the field and the candidates —
 * and a clean import still works (with the keys and grades the hooks give).
 */
describe.each(backends())('imports through the record hooks on $name', (backend) => {
  let server: TestServer;
  const importCsv = (csv: string, mapping: Record<string, unknown> = MAPPING) => server.api('/api/imports', { method: 'POST', json: { csv, mapping } });
  const accountsNamed = async (name: string) => (await expectJson<{ items: View[] }>(server.api(`/api/records/crm.account?filter[name]=${encodeURIComponent(name)}`), 200)).items;

  let isdom: View;
  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
    isdom = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Isdom', status: 'active' } } }), 201);
  });
  afterAll(() => server?.close());

  it('refuses "ISDOM Ltd" next to the existing "Isdom" by row, with the field and the candidate, and writes nothing', async () => {
    const before = await countRows(server.platform);
    const res = await expectJson<Rejected>(importCsv('Company,Status,Employees\nClean Harbour Foods,active,120\nISDOM Ltd,active,300\n'), 422);
    expect(res.code).toBe('import.rejected-rows');
    expect(res.errors?.map((e) => [e.pointer, e.code])).toEqual([['/csv/rows/3', 'crm.duplicate']]);
    expect(res.errors?.[0]?.message).toContain('row 3, field name');
    const [problem] = res.report.problems;
    expect(problem).toMatchObject({ row: 3, field: 'name', code: 'crm.duplicate', extensions: { policy: 'warn' } });
    expect(problem?.extensions?.candidates?.map((c) => [c.id, c.title])).toEqual([[isdom.id, 'Isdom']]);
    expect(problem?.reason).toContain('"Isdom"');
    // One row is at fault, and the message says one, not every row left out.
    expect(res.detail).toBe('1 of 2 rows cannot be imported, so nothing was written. Fix it, or import with "onError": "skip" to write the others.');
    const zh = await expectJson<Rejected>(server.api('/api/imports', { method: 'POST', headers: { 'accept-language': 'zh-CN' }, json: { csv: 'Company,Status,Employees\nClean Harbour Foods,active,120\nISDOM Ltd,active,300\n', mapping: MAPPING } }), 422);
    expect(zh.detail).toBe('共 2 行中有 1 行无法导入，因此没有写入任何数据。请修正这些行，或使用 "onError": "skip" 导入其余的行。');
    // Atomic: the clean row was rolled back with it.
    expect(await countRows(server.platform)).toEqual(before);
    expect(await accountsNamed('Clean Harbour Foods')).toEqual([]);
  });

  it('imports the clean rows with "skip", each through the hooks (name key, grade), and reports the refused one', async () => {
    const report = await expectJson<Report>(importCsv('Company,Status,Employees\nClean Harbour Foods,active,120\nISDOM Ltd,active,300\nBig Clean Works,active,2000\n', { ...MAPPING, onError: 'skip' }), 201);
    expect([report.status, report.importedRows, report.rejectedRows]).toEqual(['completed', 2, 1]);
    expect(report.problems.map((p) => [p.row, p.field, p.code])).toEqual([[3, 'name', 'crm.duplicate']]);
    const [clean] = await accountsNamed('Clean Harbour Foods');
    expect([clean?.data.name_key, clean?.data.grade, clean?.data.grade_source]).toEqual(['cleanharbourfoods', 'C', 'rule']);
    expect((await accountsNamed('Big Clean Works'))[0]?.data.grade).toBe('B');
    expect(await accountsNamed('ISDOM Ltd')).toEqual([]);
    // The record's event is the import's, with its row.
    const events = await expectJson<{ items: { action: string; meta: { row?: number } | null }[] }>(server.api(`/api/records/crm.account/${clean?.id}/events`), 200);
    expect(events.items.map((e) => [e.action, e.meta?.row])).toEqual([['import', 2]]);
  });

  it('refuses a row that looks like an earlier row of the same file', async () => {
    const res = await expectJson<Rejected>(importCsv('Company,Status,Employees\nNorthwind Lanterns,active,10\nNorthwind Lanterns GmbH,active,10\n'), 422);
    expect(res.report.problems.map((p) => [p.row, p.field, p.code, p.extensions?.candidates?.map((c) => c.title)])).toEqual([[3, 'name', 'crm.duplicate', ['Northwind Lanterns']]]);
  });

  it('imports a look-alike the importer confirmed (warn policy), keeping who confirmed and the candidates in the record', async () => {
    const confirmed = { ...MAPPING, fields: { ...MAPPING.fields, dedupe_override: { default: { confirm: true } } } };
    const report = await expectJson<Report>(importCsv('Company,Status,Employees\nISDOM Ltd,active,300\nQuiet Meadow Farms,active,5\n', confirmed), 201);
    expect(report.importedRows).toBe(2);
    const [dup] = await accountsNamed('ISDOM Ltd');
    expect(dup?.data.dedupe_override).toMatchObject({ confirm: true, candidates: [isdom.id] });
    expect(String((dup?.data.dedupe_override as { by?: string }).by)).toMatch(/^(user|token):/);
    // The row without a look-alike keeps no override.
    expect((await accountsNamed('Quiet Meadow Farms'))[0]?.data.dedupe_override).toBeUndefined();
  });

  it('answers a bad cell with its column before any hook runs', async () => {
    const res = await expectJson<Rejected>(importCsv('Company,Status,Employees\nBad Number Ltd,active,many\n'), 422);
    expect(res.report.problems[0]).toMatchObject({ row: 2, field: 'employees' });
    expect(res.report.problems[0]?.code).toBeUndefined();
  });
});
