import { AsyncLocalStorage } from 'node:async_hooks';
import type { PluginRecord, PluginServices } from '@pipewright/plugin-sdk';
import { allocate, fromCents, toCents, type Allocation } from './allocate';

export const CONTRACT = 'pipeline.contract';
export const INSTALMENT = 'pipeline.instalment';
export const PAYMENT = 'pipeline.payment';
export const CHANGE = 'pipeline.contract_change';
export const DEAL = 'pipeline.deal';

// Writes of the plugin's own contract code run inside `trusted.run`: the record hooks let them
// change the derived fields, the plan and the value; the same change through the records API
// (or any other path) is refused. AsyncLocalStorage follows the awaits from the route into the
// record writer and its hooks, and nothing outside this module can enter it.
const trusted = new AsyncLocalStorage<true>();

/** Runs `fn` as the plugin's contract code (see the hooks in hooks.ts). */
export function asContracts<T>(fn: () => Promise<T>): Promise<T> {
  return trusted.run(true, fn);
}

/** Whether the write under way is the plugin's contract code or the platform's own work. */
export function isTrusted(s: Pick<PluginServices, 'caller'>): boolean {
  return trusted.getStore() === true || s.caller.id.startsWith('system:');
}

/** A money amount of the contract's currency. */
export const money = (amount: number, currency: string) => ({ amount: fromCents(toCents(amount)), currency });
/** The amount of a money field (0 if absent). */
export const amountOf = (m: unknown): number => (m && typeof m === 'object' && typeof (m as { amount?: unknown }).amount === 'number' ? (m as { amount: number }).amount : 0);
/** The currency of a money field. */
export const currencyOf = (m: unknown): string => (m && typeof m === 'object' && typeof (m as { currency?: unknown }).currency === 'string' ? (m as { currency: string }).currency : 'USD');

/** A contract with its plan, payments and change requests. */
export interface Bundle {
  contract: PluginRecord;
  instalments: PluginRecord[];
  payments: PluginRecord[];
  changes: PluginRecord[];
}

type Reader = Pick<PluginServices['records'], 'list'>;

/** Every record of a type whose `field` equals `value` (all pages). */
export async function listAll(records: Reader, type: string, filter: Record<string, string>, sort = 'createdAt'): Promise<PluginRecord[]> {
  const out: PluginRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await records.list(type, { filter, sort, limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** Loads a contract's plan (by due date), payments (oldest first) and change requests. */
export async function loadBundle(records: Reader, contract: PluginRecord): Promise<Bundle> {
  const [instalments, payments, changes] = await Promise.all([
    listAll(records, INSTALMENT, { contract_id: contract.id }, 'due_date'),
    listAll(records, PAYMENT, { contract_id: contract.id }, 'paid_on'),
    listAll(records, CHANGE, { contract_id: contract.id }, '-createdAt'),
  ]);
  instalments.sort((a, b) => String(a.data.due_date).localeCompare(String(b.data.due_date)) || Number(a.data.seq) - Number(b.data.seq));
  return { contract, instalments, payments, changes };
}

/** The allocation of a bundle's payments to its plan. */
export function allocationOf(b: Pick<Bundle, 'instalments' | 'payments'>): Allocation {
  return allocate(
    b.instalments.map((i) => ({ id: i.id, seq: Number(i.data.seq), due_date: String(i.data.due_date), cents: toCents(amountOf(i.data.amount)) })),
    // A reversed payment stays on record (the audit) but no longer counts.
    b.payments.filter((p) => typeof p.data.reversed_at !== 'string').map((p) => ({ id: p.id, instalment_id: typeof p.data.instalment_id === 'string' ? p.data.instalment_id : null, paid_on: String(p.data.paid_on), cents: toCents(amountOf(p.data.amount)), created_at: p.createdAt })),
  );
}

type Writer = Pick<PluginServices['records'], 'list' | 'update'>;

/**
 * Writes what the payments make of the plan: each instalment's paid, remaining, paid-on date and
 * status, and the contract's collected, outstanding, overpaid, next due date and status. Only
 * records whose figures change are written. Call inside {@link asContracts}; `expectedVersion` is
 * the contract version the figures were computed from.
 */
export async function settle(records: Writer, b: Bundle, expectedVersion?: number): Promise<{ contract: PluginRecord; allocation: Allocation }> {
  const a = allocationOf(b);
  for (const i of b.instalments) {
    const st = a.instalments.get(i.id);
    if (!st) continue;
    const next = { paid: fromCents(st.paid), remaining: fromCents(st.remaining), paid_on: st.paid_on, status: st.status };
    if (i.data.paid !== next.paid || i.data.remaining !== next.remaining || (i.data.paid_on ?? null) !== next.paid_on || i.data.status !== next.status) await records.update(INSTALMENT, i.id, { data: next });
  }
  const c = b.contract;
  const figures = { collected: fromCents(a.collected), outstanding: fromCents(a.outstanding), overpaid: fromCents(a.overpaid), next_due_date: a.next_due_date, status: a.status };
  const changed = (Object.keys(figures) as (keyof typeof figures)[]).some((k) => (c.data[k] ?? null) !== figures[k]);
  // With the version the caller read, two payments recorded at once cannot both write figures
  // computed without the other: the second answers 412 and its transaction rolls back.
  const contract = changed ? await records.update(CONTRACT, c.id, { data: figures }, expectedVersion === undefined ? {} : { expectedVersion }) : c;
  return { contract, allocation: a };
}

/**
 * Replaces a contract's plan with the given instalments (sorted by due date, numbered from 1):
 * the existing instalments are updated in place in due-date order, so payments recorded against
 * instalment 1 stay against instalment 1; extra old ones are removed, extra new ones created
 * (owned as the contract). An instalment whose due date moves loses its overdue stamps, so a new
 * lateness is reminded again. Call inside {@link asContracts}, then {@link settle}.
 */
export async function replacePlan(records: PluginServices['records'], contract: PluginRecord, old: readonly PluginRecord[], plan: readonly { due_date: string; amount: number }[]): Promise<PluginRecord[]> {
  const currency = currencyOf(contract.data.value);
  const sorted = [...plan].sort((a, b) => a.due_date.localeCompare(b.due_date));
  const before = [...old].sort((a, b) => String(a.data.due_date).localeCompare(String(b.data.due_date)) || Number(a.data.seq) - Number(b.data.seq));
  for (const extra of before.slice(sorted.length)) await records.remove(INSTALMENT, extra.id);
  const out: PluginRecord[] = [];
  for (const [k, p] of sorted.entries()) {
    const data = { code: `${String(contract.data.number)}/${k + 1}`, contract_id: contract.id, seq: k + 1, due_date: p.due_date, amount: money(p.amount, currency) };
    const existing = before[k];
    if (existing) {
      const moved = existing.data.due_date !== p.due_date;
      out.push(await records.update(INSTALMENT, existing.id, { data: { ...data, ...(moved ? { reminded_at: null, escalated_at: null } : {}) } }));
    } else {
      out.push(await records.create(INSTALMENT, { data: { ...data, paid: 0, remaining: fromCents(toCents(p.amount)), status: 'open' }, owner: contract.owner, orgUnit: contract.orgUnit }));
    }
  }
  return out;
}

/** Today's date (UTC) by the platform clock. */
export const today = (s: Pick<PluginServices, 'clock'>) => s.clock.now().toISOString().slice(0, 10);
