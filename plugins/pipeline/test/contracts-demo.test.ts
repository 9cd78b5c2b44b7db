import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../runtime/src/demo/seed';
import { backends, startServer, type TestServer } from '../../../runtime/test/harness';
import { expectJson } from '../../../runtime/test/process/helpers';
import type { ContractView } from './contracts.test-support';

// ---- Independent figures: plain CSV and JSON reading and arithmetic in cents, no platform code.
const DIR = '/work/shared/datasets/crm-sales-opportunities/';
const [head, ...lines] = readFileSync(`${DIR}sales_pipeline.csv`, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
const cols = (head ?? '').split(',');
const csvDeals = new Map(lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i] ?? '', v])) as Record<string, string>).map((d) => [d.opportunity_id, d]));
const demo = (f: string) => JSON.parse(readFileSync(join(import.meta.dirname, '..', 'demo', f), 'utf8')) as { rows: Record<string, string | number | null>[] };
const contracts = demo('contracts.demo.json').rows;
const instalments = demo('instalments.demo.json').rows;
const payments = demo('payments.demo.json').rows;
const cents = (v: unknown) => Math.round(Number(v) * 100);
const collectedCents = payments.reduce((s, p) => s + cents(p.amount), 0);
const valueCents = contracts.reduce((s, c) => s + cents(csvDeals.get(String(c.deal))?.close_value), 0);

/**
 * The demo's contracts (the dates unshifted: the harness keeps PIPEWRIGHT_DEMO_SHIFT_YEARS=0):
 * made for won deals of the data set at their close value, with plans that sum to it; the
 * collected value in the metric layer and on the company dashboard's widget equals the demo
 * payments added up by hand; every contract's figures agree with its instalments and payments.
 */
describe.each(backends())('contracts on the demo data on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
    await seedDemo(server.platform);
  }, 600_000);
  afterAll(() => server?.close());

  it('makes contracts only for won deals, each at the deal\'s close value, its plan summing to it', () => {
    expect(contracts.length).toBeGreaterThan(500);
    for (const c of contracts) {
      const d = csvDeals.get(String(c.deal));
      expect(d?.deal_stage, String(c.deal)).toBe('Won');
      expect(cents(c.value)).toBe(cents(d?.close_value));
    }
    const plan = new Map<string, number>();
    for (const i of instalments) plan.set(String(i.contract), (plan.get(String(i.contract)) ?? 0) + cents(i.amount));
    for (const c of contracts) expect(plan.get(String(c.number))).toBe(cents(c.value));
  });

  it('shows the collected value in the metric layer and on the company dashboard as the demo payments add up', async () => {
    const q = await expectJson<{ rows: Record<string, number>[] }>(server.api('/api/metrics/query', { method: 'POST', json: { metrics: ['pipeline.collected_value', 'pipeline.contract_value', 'pipeline.outstanding_value'] } }), 200);
    expect(collectedCents).toBeGreaterThan(0);
    expect(cents(q.rows[0]?.['pipeline.collected_value'])).toBe(collectedCents);
    expect(cents(q.rows[0]?.['pipeline.contract_value'])).toBe(valueCents);
    // Outstanding: each instalment's amount less what was paid against the contract, by hand.
    const paidBy = new Map<string, number>();
    for (const p of payments) paidBy.set(String(p.contract), (paidBy.get(String(p.contract)) ?? 0) + cents(p.amount));
    const outstanding = contracts.reduce((s, c) => s + Math.max(0, cents(c.value) - (paidBy.get(String(c.number)) ?? 0)), 0);
    expect(cents(q.rows[0]?.['pipeline.outstanding_value'])).toBe(outstanding);
    // By month paid, November 2017.
    const nov = payments.filter((p) => String(p.paid_on).startsWith('2017-11')).reduce((s, p) => s + cents(p.amount), 0);
    const m = await expectJson<{ rows: Record<string, number>[] }>(server.api('/api/metrics/query', { method: 'POST', json: { metrics: ['pipeline.collected_value'], from: '2017-11-01', to: '2017-11-30' } }), 200);
    expect(cents(m.rows[0]?.['pipeline.collected_value'])).toBe(nov);
    // The company dashboard carries the widget.
    const { dashboard: board } = await expectJson<{ dashboard: { widgets: { id: string; query: { metrics: string[] } }[] } }>(server.api('/api/dashboards/pipeline.company_home'), 200);
    expect(board.widgets.find((w) => w.id === 'collected')?.query.metrics).toEqual(['pipeline.collected_value']);
    expect(board.widgets.find((w) => w.id === 'overdue-age')?.query.metrics).toEqual(['pipeline.overdue_0_30', 'pipeline.overdue_31_60', 'pipeline.overdue_61_90', 'pipeline.overdue_90_plus']);
  });

  it('answers each demo contract with figures that agree with its plan and payments', async () => {
    const list = await expectJson<{ items: { id: string; number: string; name: string | null; owner_name: string | null }[] }>(server.api('/api/plugins/pipeline/contracts'), 200);
    expect(list.items.length).toBe(contracts.length);
    const first = contracts[0];
    const row = list.items.find((c) => c.number === first?.number);
    expect(row).toMatchObject({ name: first?.name, owner_name: first?.agent });
    const someLeft = contracts.find((c) => Number(c.collected) > 0 && Number(c.outstanding) > 0);
    const partial = instalments.find((i) => i.status === 'partial');
    const paid = contracts.find((c) => c.status === 'paid');
    const picked = [someLeft?.number, partial?.contract, paid?.number];
    expect(picked.every((n) => typeof n === 'string')).toBe(true);
    for (const number of picked) {
      const id = list.items.find((c) => c.number === number)?.id;
      const v = await expectJson<ContractView>(server.api(`/api/plugins/pipeline/contracts/${String(id)}`), 200);
      const paid = payments.filter((p) => p.contract === number).reduce((s, p) => s + cents(p.amount), 0);
      expect(cents(v.contract.collected)).toBe(paid);
      expect(cents(v.contract.outstanding)).toBe(v.instalments.reduce((s, i) => s + cents(i.remaining), 0));
      expect(cents(v.contract.collected) - cents(v.contract.overpaid) + cents(v.contract.outstanding)).toBe(cents(v.contract.value));
    }
  });
});
