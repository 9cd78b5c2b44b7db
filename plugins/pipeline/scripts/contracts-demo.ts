/**
 * Writes the demo's contracts, instalments and payments (`demo/*.demo.json`) from the data set's
 * won deals: a deterministic sample and payment pattern, so the demo's collection metrics show
 * real numbers and a test can recompute them. Run: `npx tsx plugins/pipeline/scripts/contracts-demo.ts`.
 *
 * - Contracts: every third won deal (by opportunity id) closed from 2017-06-01 to 2017-11-30;
 *   value = the deal's close value, signed on the close date, owner = the deal's agent.
 * - Plan: three instalments due 30, 60 and 90 days after signing (equal cents, the last takes
 *   the rounding).
 * - Payments, by the deal's position k in the sample (k mod 10), only on or before 2017-12-01
 *   (the data set's "today" before the demo's year shift): 0-4 each instalment in full 5 days
 *   before it is due; 5-6 in full 7 days after; 7 half of the first, 3 days late; 8 nothing;
 *   9 the first instalment 120% on its due date (the excess carried to the second).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays, allocate, fromCents, toCents } from '../src/runtime/contracts/allocate';

const DATA = '/work/shared/datasets/crm-sales-opportunities/sales_pipeline.csv';
const OUT = join(import.meta.dirname, '..', 'demo');
const CUTOFF = '2017-12-01';

const [head, ...lines] = readFileSync(process.env.PIPEWRIGHT_DEMO_DATA ?? DATA, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
const cols = (head ?? '').split(',');
const deals = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i] ?? '', v])) as Record<string, string>);
const sample = deals
  .filter((d) => d.deal_stage === 'Won' && (d.close_date ?? '') >= '2017-06-01' && (d.close_date ?? '') <= '2017-11-30')
  .sort((a, b) => String(a.opportunity_id).localeCompare(String(b.opportunity_id)))
  .filter((_, i) => i % 3 === 0);

const contracts: Record<string, string | number | null>[] = [];
const instalments: Record<string, string | number | null>[] = [];
const payments: Record<string, string | number | null>[] = [];
sample.forEach((d, k) => {
  const number = `C-${d.opportunity_id}`;
  const total = toCents(Number(d.close_value));
  const each = Math.floor(total / 3);
  const plan = [0, 1, 2].map((i) => ({ id: `${number}/${i + 1}`, seq: i + 1, due_date: addDays(String(d.close_date), 30 * (i + 1)), cents: i === 2 ? total - 2 * each : each }));
  const pays: { instalment: string; paid_on: string; cents: number }[] = [];
  const p = k % 10;
  for (const i of plan) {
    if (p <= 4) pays.push({ instalment: i.id, paid_on: addDays(i.due_date, -5), cents: i.cents });
    else if (p <= 6) pays.push({ instalment: i.id, paid_on: addDays(i.due_date, 7), cents: i.cents });
    else if (p === 7 && i.seq === 1) pays.push({ instalment: i.id, paid_on: addDays(i.due_date, 3), cents: Math.round(i.cents / 2) });
    else if (p === 9 && i.seq === 1) pays.push({ instalment: i.id, paid_on: i.due_date, cents: Math.round(i.cents * 1.2) });
  }
  const kept = pays.filter((x) => x.paid_on <= CUTOFF);
  const a = allocate(plan, kept.map((x, n) => ({ id: `${number}-P${n + 1}`, instalment_id: x.instalment, paid_on: x.paid_on, cents: x.cents, created_at: '' })));
  contracts.push({ number, name: `${d.account || 'No account'} · ${d.product === 'GTXPro' ? 'GTX Pro' : d.product}`, deal: String(d.opportunity_id), account: d.account || null, agent: String(d.sales_agent), value: fromCents(total), signed_on: String(d.close_date), collected: fromCents(a.collected), outstanding: fromCents(a.outstanding), overpaid: fromCents(a.overpaid), next_due_date: a.next_due_date, status: a.status });
  for (const i of plan) {
    const st = a.instalments.get(i.id);
    instalments.push({ code: i.id, contract: number, agent: String(d.sales_agent), seq: i.seq, due_date: i.due_date, amount: fromCents(i.cents), paid: fromCents(st?.paid ?? 0), remaining: fromCents(st?.remaining ?? i.cents), paid_on: st?.paid_on ?? null, status: st?.status ?? 'open' });
  }
  kept.forEach((x, n) => payments.push({ code: `${number}-P${n + 1}`, contract: number, instalment: x.instalment, agent: String(d.sales_agent), amount: fromCents(x.cents), paid_on: x.paid_on }));
});

const write = (file: string, doc: unknown) => writeFileSync(join(OUT, file), `${JSON.stringify(doc)}\n`);
write('contracts.demo.json', {
  mapping: { entity: 'pipeline.contract', fields: { number: 'number', name: 'name', deal_id: 'deal', account_id: { column: 'account', emptyNote: 'the deal has no account' }, value: { column: 'value', type: 'money', currency: 'USD' }, signed_on: 'signed_on', collected: { column: 'collected', type: 'number' }, outstanding: { column: 'outstanding', type: 'number' }, overpaid: { column: 'overpaid', type: 'number' }, next_due_date: { column: 'next_due_date', emptyNote: 'fully paid' }, status: 'status', $owner: 'agent' } },
  dateColumns: ['signed_on', 'next_due_date'],
  rows: contracts,
});
write('instalments.demo.json', {
  mapping: { entity: 'pipeline.instalment', fields: { code: 'code', contract_id: 'contract', seq: { column: 'seq', type: 'integer' }, due_date: 'due_date', amount: { column: 'amount', type: 'money', currency: 'USD' }, paid: { column: 'paid', type: 'number' }, remaining: { column: 'remaining', type: 'number' }, paid_on: { column: 'paid_on', emptyNote: 'not fully paid' }, status: 'status', $owner: 'agent' } },
  dateColumns: ['due_date', 'paid_on'],
  rows: instalments,
});
write('payments.demo.json', {
  mapping: { entity: 'pipeline.payment', fields: { code: 'code', contract_id: 'contract', instalment_id: 'instalment', amount: { column: 'amount', type: 'money', currency: 'USD' }, paid_on: 'paid_on', $owner: 'agent' } },
  dateColumns: ['paid_on'],
  rows: payments,
});
console.log(JSON.stringify({ contracts: contracts.length, instalments: instalments.length, payments: payments.length, collected: fromCents(payments.reduce((s, x) => s + toCents(Number(x.amount)), 0)) }));
