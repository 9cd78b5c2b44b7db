import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, type TestServer } from '../harness';
import { count, expectJson, publish, type Problem, type View } from './helpers';

type Deal = View & { process: { id: string; version: number } | null };
interface Report {
  importId: string;
  importedRows: number;
  rejectedRows: number;
  problems: { row: number; field?: string; value?: string; reason: string }[];
}

const mapping = { entity: 'pipeline.deal', fields: { name: 'name', $stage: 'stage', close_date: 'close', close_value: { column: 'value', type: 'money', currency: 'USD' } } };

/** Issue 11, item 1: bringing in history is the admin-only importer, which writes stage history and refuses unknown stages. */
describe.each(backends())('importing stageful records on $name', (backend) => {
  let server: TestServer;
  const writes = async () => ({ ...(await countRows(server.platform)), history: await count(server, 'stage_history') });
  const importCsv = (csv: string, m: unknown = mapping) => server.api('/api/imports', { method: 'POST', json: { mapping: m, csv } });

  beforeAll(async () => {
    server = await startServer(backend, {}, { drafts: true });
  });
  afterAll(() => server?.close());

  it('refuses to import deals before a process is published', async () => {
    const before = await writes();
    expect((await expectJson<Problem>(importCsv('name,stage,close,value\nEarly,,,\n'), 409)).code).toBe('process.none-published');
    expect(await writes()).toEqual(before);
  });

  it('refuses a row whose stage the process does not have, naming it, and writes nothing', async () => {
    await publish(server.api, 'new_business');
    const before = await writes();
    const p = await expectJson<Problem & { report: Report }>(importCsv('name,stage,close,value\nFine,won,2025-01-02,100\nMade up,stage_7,,\n'), 422);
    expect(p.report.problems).toEqual([expect.objectContaining({ row: 3, field: '$stage', value: 'stage_7', reason: expect.stringContaining('unknown stage "stage_7"') })]);
    expect(p.errors?.map((e) => e.pointer)).toEqual(['/csv/rows/3']);
    expect(await writes()).toEqual(before);
  });

  it('puts imported deals on the published version with one open stay each and an import event', async () => {
    const report = await expectJson<Report>(importCsv('name,stage,close,value\nClosed one,won,2025-01-02,100\nNew one,,,\n'), 201);
    expect(report.importedRows).toBe(2);
    const list = await expectJson<{ items: Deal[] }>(server.api('/api/records/pipeline.deal?sort=name'), 200);
    expect(list.items.map((d) => [d.data.name, d.stage, d.process])).toEqual([
      ['Closed one', 'won', { id: 'new_business', version: 1 }],
      ['New one', 'prospecting', { id: 'new_business', version: 1 }],
    ]);
    for (const d of list.items) {
      const history = await expectJson<{ items: { stage: string; exitedAt: string | null; enteredBy: string }[] }>(server.api(`/api/deals/${d.id}/history`), 200);
      expect(history.items).toEqual([expect.objectContaining({ stage: d.stage, exitedAt: null, enteredBy: expect.stringMatching(/^(user|token):/) })]);
      const events = await expectJson<{ items: { action: string; meta: { importId: string } }[] }>(server.api(`/api/records/pipeline.deal/${d.id}/events`), 200);
      expect(events.items).toEqual([expect.objectContaining({ action: 'import', meta: expect.objectContaining({ importId: report.importId }) })]);
    }
    // The imported won deal is locked like any other.
    const won = list.items[0] as Deal;
    const locked = await expectJson<Problem>(server.api(`/api/records/pipeline.deal/${won.id}`, { method: 'PATCH', headers: { 'if-match': `"${won.version}"` }, json: { data: { close_value: { amount: 1, currency: 'USD' } } } }), 422);
    expect(locked.code).toBe('record.locked-fields');
  });

  it('keeps importing entities without stages as before', async () => {
    const report = await expectJson<Report>(importCsv('account\nPlain Co\n', { entity: 'crm.account', fields: { name: 'account', status: { default: 'active' } } }), 201);
    expect(report.importedRows).toBe(1);
  });
});
