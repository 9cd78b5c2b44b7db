import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, type TestServer } from './harness';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const accountsCsv = ['account,sector,employees,parent', 'Zeta Corp,retail,120,', 'Zeta Child,technolgy,40,Zeta Corp', 'Omega Ltd,finance,5000,'].join('\n');
const accountsMapping = {
  entity: 'crm.account',
  key: 'name',
  fields: { name: 'account', sector: { column: 'sector', aliases: { technolgy: 'technology' } }, employees: 'employees', parent_account_id: 'parent', status: { default: 'active' } },
};
const dealsMapping = {
  entity: 'pipeline.deal',
  fields: { name: 'name', account_id: 'account', close_date: 'close', amount: { column: 'amount', type: 'money', currency: 'USD' } },
};

describe.each(backends())('CSV import on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
  });
  afterAll(() => server?.close());

  it('imports with aliases and references within the file, and reports every row', async () => {
    const res = await server.api('/api/imports', { method: 'POST', json: { mapping: accountsMapping, csv: accountsCsv } });
    expect(res.status, await res.clone().text()).toBe(201);
    const report = (await res.json()) as { totalRows: number; importedRows: number; rejectedRows: number; notes: { message: string; rows: number }[]; importId: string };
    expect([report.totalRows, report.importedRows, report.rejectedRows]).toEqual([3, 3, 0]);
    expect(report.notes).toContainEqual({ message: 'sector: "technolgy" read as "technology"', rows: 1 });
    expect(report.notes).toContainEqual({ message: 'parent empty: parent_account_id left unset', rows: 2 });
    const list = (await (await server.api('/api/records/crm.account?sort=name')).json()) as { items: { id: string; data: Record<string, unknown> }[] };
    const byName = new Map(list.items.map((a) => [a.data.name, a]));
    expect(byName.get('Zeta Child')?.data.parent_account_id).toBe(byName.get('Zeta Corp')?.id);
    expect(byName.get('Zeta Child')?.data.sector).toBe('technology');
    const stored = await server.api(`/api/imports/${report.importId}`);
    expect(((await stored.json()) as { importedRows: number }).importedRows).toBe(3);
  });

  it('rejects a file with broken rows atomically, naming row and reason', async () => {
    const before = await countRows(server.platform);
    const csv = ['name,account,close,amount', 'Good deal,Zeta Corp,2027-01-31,1000', 'Ghost deal,Nobody Inc,2027-01-31,1000', 'Bad date,Omega Ltd,31/01/2027,1000', 'Bad number,Omega Ltd,2027-02-01,"1,000"', 'Short row,Omega Ltd', ',Omega Ltd,2027-02-01,5'].join('\n');
    const res = await server.api('/api/imports', { method: 'POST', json: { mapping: dealsMapping, csv } });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { report: { totalRows: number; importedRows: number; rejectedRows: number; problems: { row: number; reason: string }[] }; errors: { pointer: string }[] };
    expect(problem.report).toMatchObject({ totalRows: 6, importedRows: 0, rejectedRows: 6 });
    const reasons = problem.report.problems.map((p) => `${p.row}: ${p.reason}`);
    expect(reasons).toEqual([
      '3: unknown crm.account "Nobody Inc" (looked up by name)',
      '4: not a date (YYYY-MM-DD): "31/01/2027"',
      '5: not a number: "1,000"',
      '6: has 2 cells; the header has 4',
      '7: /name is required',
    ]);
    expect(problem.errors[0]?.pointer).toBe('/csv/rows/3');
    expect(await countRows(server.platform)).toEqual({ records: before.records, events: before.events });

    const skip = await server.api('/api/imports', { method: 'POST', json: { mapping: { ...dealsMapping, onError: 'skip' }, csv } });
    expect(skip.status).toBe(201);
    const report = (await skip.json()) as { totalRows: number; importedRows: number; rejectedRows: number; problems: unknown[] };
    expect([report.totalRows, report.importedRows, report.rejectedRows, report.problems.length]).toEqual([6, 1, 5, 5]);
  });

  it('refuses a bad mapping or a malformed CSV with 422 and pointers', async () => {
    const cases: [unknown, string, string][] = [
      [{ entity: 'crm.account', fields: { nme: 'account' } }, accountsCsv, '/mapping/fields/nme'],
      [{ entity: 'crm.account', fields: { name: 'acount' } }, accountsCsv, '/mapping/fields/name'],
      [{ entity: 'crm.account' }, accountsCsv, '/mapping/fields'],
      [accountsMapping, 'account,sector\n"unterminated,retail', '/csv'],
    ];
    for (const [mapping, csv, pointer] of cases) {
      const res = await server.api('/api/imports', { method: 'POST', json: { mapping, csv } });
      expect(res.status, pointer).toBe(422);
      expect(((await res.json()) as { errors: { pointer: string }[] }).errors.map((e) => e.pointer), pointer).toContain(pointer);
    }
    const unknownEntity = await server.api('/api/imports', { method: 'POST', json: { mapping: { entity: 'crm.unicorn', fields: { name: 'x' } }, csv: 'x\n1' } });
    expect(unknownEntity.status).toBe(404);
  });

  it('checks a JSON body against its declared schema and a form in the handler, naming each member, writing nothing', async () => {
    const before = await countRows(server.platform);
    const problem = async (res: Response, status: number) => {
      expect(res.status, await res.clone().text()).toBe(status);
      const p = (await res.json()) as { code: string; errors?: { pointer: string }[] };
      return [p.code, (p.errors ?? []).map((e) => e.pointer).sort()];
    };
    // JSON: one 422 naming every member at fault (a missing csv was 422 import.missing-file before the route was declared).
    expect(await problem(await server.api('/api/imports', { method: 'POST', json: { mapping: 'crm.account', fileName: 7 } }), 422)).toEqual(['body.invalid', ['/csv', '/fileName', '/mapping']]);
    expect(await problem(await server.api('/api/imports', { method: 'POST', json: { mapping: accountsMapping, csv: accountsCsv, file: 'x' } }), 422)).toEqual(['body.unknown-member', ['/file']]);
    expect((await server.api('/api/imports', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: accountsCsv })).status).toBe(415);
    // A form: the handler names the field.
    const noFile = new FormData();
    noFile.set('mapping', JSON.stringify(accountsMapping));
    expect(await problem(await server.api('/api/imports', { method: 'POST', body: noFile }), 422)).toEqual(['import.missing-file', ['/file']]);
    const badMapping = new FormData();
    badMapping.set('mapping', '{not json');
    badMapping.set('file', new File([accountsCsv], 'accounts.csv', { type: 'text/csv' }));
    expect(await problem(await server.api('/api/imports', { method: 'POST', body: badMapping }), 422)).toEqual(['import.invalid-mapping', ['/mapping']]);
    // A body that says it is a form but is not one: 400, not a failure of the server.
    expect(await problem(await server.api('/api/imports', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=xyz' }, body: 'no parts here' }), 400)).toEqual(['malformed-form', []]);
    expect(await countRows(server.platform)).toEqual(before);
  });

  it('accepts multipart uploads and refuses duplicates of the key column', async () => {
    const form = new FormData();
    form.set('mapping', JSON.stringify(accountsMapping));
    form.set('file', new File(['account,sector,employees,parent\nOmega Ltd,finance,1,\nNew One,retail,2,\nNew One,retail,3,'], 'accounts.csv', { type: 'text/csv' }));
    const res = await server.api('/api/imports', { method: 'POST', body: form });
    expect(res.status).toBe(422);
    const { report } = (await res.json()) as { report: { problems: { row: number; reason: string }[] } };
    expect(report.problems.map((p) => `${p.row}: ${p.reason}`)).toEqual(['2: a record with name "Omega Ltd" already exists', '4: name "New One" repeats row 3']);
  });
});

describe('CLI import', () => {
  it('imports into the embedded database, prints progress and a summary, and refuses broken rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-cli-'));
    writeFileSync(join(dir, 'accounts.csv'), accountsCsv);
    writeFileSync(join(dir, 'accounts.json'), JSON.stringify(accountsMapping));
    writeFileSync(join(dir, 'bad.csv'), 'account,sector,employees,parent\nBroken,retail,many,');
    const env = { ...process.env, PIPEWRIGHT_DATA_DIR: join(dir, 'db') };
    const ok = await run('node', ['--import', 'tsx', 'runtime/src/cli.ts', 'import', '--file', join(dir, 'accounts.csv'), '--mapping', join(dir, 'accounts.json'), '--report', join(dir, 'report.json')], { cwd: ROOT, env });
    expect(ok.stdout).toContain('completed: 3 imported, 0 rejected of 3 rows');
    expect(ok.stderr).toContain('importing 3/3 rows');
    const bad = await run('node', ['--import', 'tsx', 'runtime/src/cli.ts', 'import', '--file', join(dir, 'bad.csv'), '--mapping', join(dir, 'accounts.json')], { cwd: ROOT, env }).then(
      () => null,
      (e: { code: number; stdout: string }) => e,
    );
    expect(bad?.code).toBe(3);
    expect(bad?.stdout).toContain('row 2 [employees]: not a number: "many"');
  }, 120_000);
});
