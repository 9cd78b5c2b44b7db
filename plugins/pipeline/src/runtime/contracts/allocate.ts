/**
 * The arithmetic of a contract's collection, without I/O: money in cents (integers), so sums
 * never drift; payments allocated to instalments; plans split and checked.
 */

/** An instalment of a plan, as the allocation reads it. */
export interface PlanItem {
  id: string;
  seq: number;
  due_date: string;
  /** Amount in cents. */
  cents: number;
}

/** A payment, as the allocation reads it. */
export interface PaymentItem {
  id: string;
  /** The instalment it was recorded against (null or unknown: the earliest unpaid ones). */
  instalment_id: string | null;
  paid_on: string;
  /** Amount in cents. */
  cents: number;
  /** Creation time, the tie-break between payments of one day. */
  created_at: string;
}

/** What one instalment has received. */
export interface InstalmentState {
  paid: number;
  remaining: number;
  paid_on: string | null;
  status: 'open' | 'partial' | 'paid';
}

/** A contract's derived figures, in cents, plus each instalment's state. */
export interface Allocation {
  collected: number;
  outstanding: number;
  overpaid: number;
  next_due_date: string | null;
  status: 'open' | 'paid' | 'overpaid';
  instalments: Map<string, InstalmentState>;
}

/** Whole cents of a decimal amount. */
export const toCents = (amount: number): number => Math.round(amount * 100);
/** A decimal amount of whole cents. */
export const fromCents = (cents: number): number => cents / 100;

const byDue = (a: PlanItem, b: PlanItem) => a.due_date.localeCompare(b.due_date) || a.seq - b.seq;

/**
 * Allocates payments to a plan. Payments are taken in the order they were paid (then recorded);
 * each fills the instalment it names first, and what exceeds that instalment's remainder is
 * carried to the earliest-due instalments still open. What exceeds the whole plan is the
 * contract's overpayment (flagged: status `overpaid`), never silently dropped. A payment naming
 * no instalment (or one no longer in the plan, after an approved change) is carried the same way.
 *
 * @example
 * ```ts
 * allocate([{ id: 'a', seq: 1, due_date: '2026-01-31', cents: 10000 }], [{ id: 'p', instalment_id: 'a', paid_on: '2026-01-02', cents: 4000, created_at: '' }]).outstanding; // 6000
 * ```
 */
export function allocate(plan: readonly PlanItem[], payments: readonly PaymentItem[]): Allocation {
  const items = [...plan].sort(byDue);
  const left = new Map(items.map((i) => [i.id, i.cents]));
  const paidOn = new Map<string, string>();
  let overpaid = 0;
  const ordered = [...payments].sort((a, b) => a.paid_on.localeCompare(b.paid_on) || a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  for (const p of ordered) {
    let rest = p.cents;
    const take = (id: string) => {
      const r = left.get(id) ?? 0;
      const n = Math.min(r, rest);
      if (n <= 0) return;
      left.set(id, r - n);
      rest -= n;
      if (r - n === 0) paidOn.set(id, p.paid_on);
    };
    if (p.instalment_id && left.has(p.instalment_id)) take(p.instalment_id);
    for (const i of items) if (rest > 0) take(i.id);
    overpaid += rest;
  }
  const instalments = new Map<string, InstalmentState>();
  let outstanding = 0;
  let next: string | null = null;
  for (const i of items) {
    const remaining = left.get(i.id) ?? 0;
    outstanding += remaining;
    if (remaining > 0 && next === null) next = i.due_date;
    instalments.set(i.id, { paid: i.cents - remaining, remaining, paid_on: remaining === 0 ? (paidOn.get(i.id) ?? null) : null, status: remaining === 0 ? 'paid' : remaining < i.cents ? 'partial' : 'open' });
  }
  const collected = payments.reduce((s, p) => s + p.cents, 0);
  return { collected, outstanding, overpaid, next_due_date: next, status: overpaid > 0 ? 'overpaid' : outstanding === 0 ? 'paid' : 'open', instalments };
}

/**
 * Splits a value into `n` instalments of equal cents (the last takes the rounding), due every
 * `intervalDays` from `firstDue`.
 *
 * @example
 * ```ts
 * splitPlan(1000, 3, '2026-01-31', 30); // [{ due_date: '2026-01-31', amount: 333.33 }, ..., { due_date: '2026-03-31', amount: 333.34 }]
 * ```
 */
export function splitPlan(value: number, n: number, firstDue: string, intervalDays: number): { due_date: string; amount: number }[] {
  const total = toCents(value);
  const each = Math.floor(total / n);
  return Array.from({ length: n }, (_, i) => ({ due_date: addDays(firstDue, i * intervalDays), amount: fromCents(i === n - 1 ? total - each * (n - 1) : each) }));
}

/** A calendar date plus whole days (UTC). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (dates). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to.slice(0, 10)}T00:00:00Z`) - Date.parse(`${from.slice(0, 10)}T00:00:00Z`)) / 86_400_000);
}

/** The problems of a proposed plan for a value: none, or each with its JSON pointer (relative to the body). */
export function planProblems(value: number, instalments: readonly { due_date: string; amount: number }[]): { pointer: string; message: string; code: string }[] {
  const problems: { pointer: string; message: string; code: string }[] = [];
  instalments.forEach((i, k) => {
    if (toCents(i.amount) <= 0) problems.push({ pointer: `/instalments/${k}/amount`, message: 'must be at least 0.01', code: 'pipeline.instalment-amount' });
    if (Math.abs(toCents(i.amount) - i.amount * 100) > 1e-6) problems.push({ pointer: `/instalments/${k}/amount`, message: 'has more than two decimals', code: 'pipeline.instalment-amount' });
  });
  const sum = instalments.reduce((s, i) => s + toCents(i.amount), 0);
  if (problems.length === 0 && sum !== toCents(value)) problems.push({ pointer: '/instalments', message: `the instalments sum to ${fromCents(sum).toFixed(2)}, not the contract value ${fromCents(toCents(value)).toFixed(2)}`, code: 'pipeline.plan-sum' });
  return problems;
}
