import type { ApiFetch, TestServer } from '../../../runtime/test/harness';
import { eventually, expectJson, move, type View } from '../../../runtime/test/process/helpers';

export const CONTRACT = 'pipeline.contract';
export const BASE = '/api/plugins/pipeline/contracts';

/** A contract as the routes answer it. */
export interface ContractView {
  contract: { id: string; version: number; number: string; owner: string | null; value: number; currency: string; collected: number; outstanding: number; overpaid: number; status: string; next_due_date: string | null; deal_id: string; overdue: { amount: number; days: number; bucket: string | null } };
  instalments: { id: string; seq: number; due_date: string; amount: number; paid: number; remaining: number; status: string; paid_on: string | null; overdue_days: number }[];
  payments: { id: string; code: string; amount: number; paid_on: string; instalment_id: string | null; reversed_at?: string | null; reversal_reason?: string | null }[];
  changes: { id: string; status: string; value: number; previous_value: number; requested_by: string; decided_by: string | null }[];
  can: { record: boolean; request: boolean; approve: boolean };
}

let n = 0;

/**
 * A deal the given user wins through the default process (qualify, propose, win), with its own
 * account, product and decision maker; returns the deal once its contract exists.
 */
export async function wonDeal(server: TestServer, api: ApiFetch, o: { value: number; closeDate: string; name?: string }): Promise<{ deal: View; contract: ContractView }> {
  n++;
  const name = o.name ?? `Contract deal ${n} ${Math.random().toString(36).slice(2, 8)}`;
  const account = await expectJson<View>(api('/api/records/crm.account', { method: 'POST', json: { data: { name: `${name} Ltd`, status: 'active' } } }), 201);
  const product = await expectJson<View>(api('/api/records/pipeline.product', { method: 'POST', json: { data: { name: `${name} product` } } }), 201);
  const contact = await expectJson<View>(api('/api/records/crm.contact', { method: 'POST', json: { data: { first_name: 'Dana', last_name: `Maker ${n}`, email: `dana${n}.${Math.random().toString(36).slice(2, 8)}@example.com`, account_id: account.id } } }), 201);
  let deal = await expectJson<View>(api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name, account_id: account.id, product_id: product.id, decision_maker_id: contact.id, amount: { amount: o.value, currency: 'USD' }, engage_date: '2026-01-05', next_step: 'Sign', expected_close_date: o.closeDate } } }), 201);
  for (const to of ['engaging', 'proposal']) deal = (await expectJson<{ record: View }>(move(api, deal.id, deal.version, { to }), 200)).record;
  deal = (await expectJson<{ record: View }>(move(api, deal.id, deal.version, { to: 'won', data: { close_date: o.closeDate, close_value: { amount: o.value, currency: 'USD' } } }), 200)).record;
  const contract = await contractOfDeal(server, deal.id);
  return { deal, contract };
}

/** Waits for the contract the won deal's action creates (read as the harness admin). */
export async function contractOfDeal(server: TestServer, dealId: string): Promise<ContractView> {
  const id = await eventually(async () => {
    const list = await expectJson<{ items: { id: string }[] }>(server.api(`${BASE}?deal_id=${dealId}`), 200);
    return list.items[0]?.id;
  }, 60_000, 200);
  return eventually(async () => {
    const v = await expectJson<ContractView>(server.api(`${BASE}/${id}`), 200);
    // The action writes the contract, then its instalments one by one: wait for the whole plan.
    const planned = v.instalments.reduce((t, i) => t + Math.round(i.amount * 100), 0);
    return v.instalments.length > 0 && planned === Math.round(v.contract.value * 100) ? v : undefined;
  }, 60_000, 200);
}
