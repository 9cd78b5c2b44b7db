import type { PluginRecord, PluginServices } from '@pipewright/plugin-sdk';
import { daysBetween } from './allocate';
import { DEAL, amountOf, currencyOf, loadBundle, today, type Bundle } from './store';

/** Overdue age buckets (days past due), as the metrics cut them. */
export const BUCKETS = [
  { id: '0_30', from: 1, to: 30 },
  { id: '31_60', from: 31, to: 60 },
  { id: '61_90', from: 61, to: 90 },
  { id: '90_plus', from: 91, to: Infinity },
] as const;

/** The bucket of an age in days past due (null when not overdue). */
export const bucketOf = (days: number): string | null => BUCKETS.find((b) => days >= b.from && days <= b.to)?.id ?? null;

/** What the caller may do with a contract. */
export interface Abilities {
  record: boolean;
  request: boolean;
  approve: boolean;
}

/** Owner, a manager who sees the contract, or an admin works it (records payments, asks for changes). */
export function mayWork(s: Pick<PluginServices, 'caller'>, c: PluginRecord): boolean {
  return s.caller.roles.includes('admin') || (s.caller.userId !== null && s.caller.userId === c.owner) || s.caller.roles.includes('manager');
}

/** The owner's manager (the nearest holders of the role above the owner) or an admin approves changes. */
export async function mayApprove(s: Pick<PluginServices, 'caller' | 'directory'>, c: PluginRecord): Promise<boolean> {
  if (s.caller.roles.includes('admin')) return true;
  if (!c.owner || !s.caller.userId) return false;
  return (await s.directory.managersOf(c.owner)).some((m) => m.id === s.caller.userId);
}

/** A contract as the routes answer it: its figures, overdue state, plan, payments and changes. */
export async function contractView(s: PluginServices, b: Bundle): Promise<Record<string, unknown>> {
  const c = b.contract;
  const now = today(s);
  const instalments = b.instalments.map((i) => {
    const remaining = Number(i.data.remaining ?? amountOf(i.data.amount));
    const late = remaining > 0 ? daysBetween(String(i.data.due_date), now) : 0;
    return { id: i.id, seq: Number(i.data.seq), code: String(i.data.code), due_date: String(i.data.due_date), amount: amountOf(i.data.amount), paid: Number(i.data.paid ?? 0), remaining, status: String(i.data.status ?? 'open'), paid_on: (i.data.paid_on as string | null | undefined) ?? null, overdue_days: late > 0 ? late : 0, reminded_at: (i.data.reminded_at as string | null | undefined) ?? null, escalated_at: (i.data.escalated_at as string | null | undefined) ?? null };
  });
  const overdue = instalments.filter((i) => i.overdue_days > 0);
  const days = Math.max(0, ...overdue.map((i) => i.overdue_days));
  const deal = typeof c.data.deal_id === 'string' ? await s.records.get(DEAL, c.data.deal_id) : null;
  const owner = c.owner ? await s.directory.user(c.owner) : null;
  const approve = await mayApprove(s, c);
  const names = new Map<string, string>();
  for (const x of b.changes) for (const u of [x.data.requested_by, x.data.decided_by]) if (typeof u === 'string' && !names.has(u)) names.set(u, (await s.directory.user(u))?.name ?? u);
  const nameOf = (u: unknown) => (typeof u === 'string' ? (names.get(u) ?? u) : null);
  return {
    contract: {
      id: c.id,
      version: c.version,
      number: String(c.data.number),
      name: typeof c.data.name === 'string' ? c.data.name : null,
      deal_id: (c.data.deal_id as string | undefined) ?? null,
      deal_name: deal && typeof deal.data.name === 'string' ? deal.data.name : null,
      account_id: (c.data.account_id as string | undefined) ?? null,
      owner: c.owner,
      owner_name: owner?.name ?? null,
      currency: currencyOf(c.data.value),
      value: amountOf(c.data.value),
      signed_on: (c.data.signed_on as string | undefined) ?? null,
      collected: Number(c.data.collected ?? 0),
      outstanding: Number(c.data.outstanding ?? 0),
      overpaid: Number(c.data.overpaid ?? 0),
      next_due_date: (c.data.next_due_date as string | null | undefined) ?? null,
      status: String(c.data.status ?? 'open'),
      overdue: { amount: Math.round(overdue.reduce((t, i) => t + i.remaining * 100, 0)) / 100, days, bucket: bucketOf(days) },
    },
    instalments,
    payments: b.payments.map((p) => ({ id: p.id, code: String(p.data.code), amount: amountOf(p.data.amount), paid_on: String(p.data.paid_on), instalment_id: (p.data.instalment_id as string | undefined) ?? null, reference: (p.data.reference as string | undefined) ?? null, recorded_at: p.createdAt, reversed_at: (p.data.reversed_at as string | undefined) ?? null, reversal_reason: (p.data.reversal_reason as string | undefined) ?? null })),
    changes: b.changes.map((x) => ({ id: x.id, summary: String(x.data.summary), status: String(x.data.status), previous_value: amountOf(x.data.previous_value), value: amountOf(x.data.value), instalments: x.data.instalments, reason: (x.data.reason as string | undefined) ?? null, requested_by: (x.data.requested_by as string | undefined) ?? null, requested_by_name: nameOf(x.data.requested_by), decided_by: (x.data.decided_by as string | undefined) ?? null, decided_by_name: nameOf(x.data.decided_by), decided_at: (x.data.decided_at as string | undefined) ?? null, decision_note: (x.data.decision_note as string | undefined) ?? null, created_at: x.createdAt })),
    can: { record: mayWork(s, c), request: mayWork(s, c), approve } satisfies Abilities,
  };
}

/** Loads and answers a contract. */
export async function viewOf(s: PluginServices, c: PluginRecord): Promise<Record<string, unknown>> {
  return contractView(s, await loadBundle(s.records, c));
}
