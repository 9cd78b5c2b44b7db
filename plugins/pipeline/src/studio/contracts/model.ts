/** A contract as `GET /api/plugins/pipeline/contracts/:id` answers it. */
export interface ContractDetail {
  contract: { id: string; number: string; deal_id: string | null; deal_name: string | null; owner: string | null; owner_name: string | null; currency: string; value: number; signed_on: string | null; collected: number; outstanding: number; overpaid: number; next_due_date: string | null; status: 'open' | 'paid' | 'overpaid'; overdue: { amount: number; days: number; bucket: string | null } };
  instalments: { id: string; seq: number; due_date: string; amount: number; paid: number; remaining: number; status: 'open' | 'partial' | 'paid'; overdue_days: number }[];
  payments: { id: string; code: string; amount: number; paid_on: string; instalment_id: string | null; reference: string | null; reversed_at?: string | null; reversal_reason?: string | null }[];
  changes: { id: string; summary: string; status: 'pending' | 'applied' | 'rejected'; previous_value: number; value: number; reason: string | null; requested_by: string | null; requested_by_name: string | null; decided_by: string | null; decided_by_name: string | null; decision_note: string | null }[];
  can: { record: boolean; request: boolean; approve: boolean };
}

/** A row of `GET /api/plugins/pipeline/contracts`. */
export interface ContractRow {
  id: string;
  number: string;
  name: string | null;
  owner_name: string | null;
  currency: string;
  value: number;
  collected: number;
  outstanding: number;
  overpaid: number;
  next_due_date: string | null;
  status: 'open' | 'paid' | 'overpaid';
  overdue_days: number;
}

export const BASE = '/api/plugins/pipeline/contracts';

/**
 * A money amount for the reader.
 *
 * @example
 * ```ts
 * formatMoney(1234.5, 'USD', 'zh-CN'); // 'US$1,234.50'
 * ```
 */
export function formatMoney(amount: number, currency: string, language: string): string {
  return new Intl.NumberFormat(language, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
}

/** Whole cents of an amount the user typed ('1,200.50' -> 120050); null when it is not a number. */
export function centsOf(text: string): number | null {
  const n = Number(text.replace(/[,\s]/g, ''));
  return text.trim() !== '' && Number.isFinite(n) ? Math.round(n * 100) : null;
}

/** A problem's detail and its located errors, as one line (the server words it in the reader's language). */
export function problemMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { detail?: unknown; message?: unknown; problem?: { detail?: unknown; errors?: { message?: string; pointer?: string }[] } };
    const detail = e.problem?.detail ?? e.detail ?? e.message;
    const errors = e.problem?.errors?.map((x) => `${x.pointer ?? ''} ${x.message ?? ''}`.trim()) ?? [];
    return [typeof detail === 'string' ? detail : String(detail ?? ''), ...errors].filter(Boolean).join(' ');
  }
  return String(err);
}

/** Today as YYYY-MM-DD in the reader's time zone. */
export function todayIso(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
