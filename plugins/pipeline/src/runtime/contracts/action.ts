import type { ActionContext, PluginRecord } from '@pipewright/plugin-sdk';
import { addDays, fromCents, splitPlan, toCents } from './allocate';
import { CONTRACT, DEAL, INSTALMENT, amountOf, currencyOf, listAll, money } from './store';

/**
 * `pipeline.create_contract`: the contract of a won deal, with its payment plan. Value: the deal's
 * close value (else its expected value); signed on the close date (else today); the plan splits
 * the value into `instalments` equal parts (cents; the last takes the rounding) due every
 * `interval_days` from `first_due_days` after signing. Owner and org unit are the deal's.
 *
 * One contract per deal, however often the action runs: a contract already made for the deal is
 * returned (a deal won, reopened and won again, or a retried delivery), the unique index on
 * `deal_id` refuses a second one made at the same moment, and the records are created with ids
 * derived from the action's idempotency key.
 *
 * @example
 * ```ts
 * // in a process: { "type": "pipeline.create_contract", "config": { "instalments": 3, "interval_days": 30 } }
 * ```
 */
export async function createContract(ctx: ActionContext): Promise<{ contract: string; created: boolean }> {
  const deal = ctx.record;
  if (!deal || deal.type !== DEAL) throw new Error('pipeline.create_contract runs on a deal, and that deal no longer exists.');
  const existing = await listAll(ctx.records, CONTRACT, { deal_id: deal.id });
  if (existing[0]) {
    await ensurePlan(ctx, existing[0]);
    return { contract: existing[0].id, created: false };
  }
  const value = amountOf(deal.data.close_value) || amountOf(deal.data.amount);
  if (!(value > 0)) throw new Error('pipeline.create_contract needs a close value (or expected value) above 0 on the deal.');
  const currency = currencyOf(deal.data.close_value ?? deal.data.amount);
  const signed = typeof deal.data.close_date === 'string' ? deal.data.close_date : ctx.clock.now().toISOString().slice(0, 10);
  const number = `C-${typeof deal.data.external_id === 'string' ? deal.data.external_id : deal.id.slice(0, 8).toUpperCase()}`;
  const first = addDays(signed, Number(ctx.config.first_due_days ?? 30));
  const data: Record<string, unknown> = { number, ...(typeof deal.data.name === 'string' && deal.data.name.trim() ? { name: deal.data.name.slice(0, 200) } : {}), deal_id: deal.id, value: money(value, currency), signed_on: signed, collected: 0, outstanding: fromCents(toCents(value)), overpaid: 0, next_due_date: first, status: 'open' };
  if (typeof deal.data.account_id === 'string') data.account_id = deal.data.account_id;
  let made: { id: string; created: boolean };
  try {
    made = await ctx.records.create(CONTRACT, { data, owner: deal.owner, orgUnit: deal.orgUnit });
  } catch (err) {
    // Another execution made the deal's contract meanwhile (unique deal_id): that one is it.
    const again = await listAll(ctx.records, CONTRACT, { deal_id: deal.id });
    if (again[0]) return { contract: again[0].id, created: false };
    throw err;
  }
  await ensurePlan(ctx, (await ctx.records.get(CONTRACT, made.id)) as PluginRecord);
  return { contract: made.id, created: made.created };
}

/** Creates the configured plan of a contract that has none yet (a delivery that stopped halfway). */
async function ensurePlan(ctx: ActionContext, contract: PluginRecord): Promise<void> {
  if ((await ctx.records.list(INSTALMENT, { filter: { contract_id: contract.id }, limit: 1 })).items.length > 0) return;
  const value = amountOf(contract.data.value);
  const currency = currencyOf(contract.data.value);
  const signed = typeof contract.data.signed_on === 'string' ? contract.data.signed_on : ctx.clock.now().toISOString().slice(0, 10);
  const plan = splitPlan(value, Number(ctx.config.instalments ?? 1), addDays(signed, Number(ctx.config.first_due_days ?? 30)), Number(ctx.config.interval_days ?? 30));
  const number = String(contract.data.number);
  for (const [k, p] of plan.entries()) {
    await ctx.records.create(INSTALMENT, { data: { code: `${number}/${k + 1}`, contract_id: contract.id, seq: k + 1, due_date: p.due_date, amount: money(p.amount, currency), paid: 0, remaining: p.amount, status: 'open' }, owner: contract.owner, orgUnit: contract.orgUnit }, { key: `instalment-${k + 1}` });
  }
}
