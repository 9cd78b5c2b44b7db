/**
 * The forecasting engine of the pipeline plugin: plain, deterministic functions over deals and
 * their stage stays (no I/O): what a deal was at a time, won values and the weighted pipeline.
 * The route layer reads the inputs through the plugin services, so every figure counts only the
 * deals the caller may see. The history-based forecast is in `stacked.ts`, the backtest in
 * `backtest.ts`. See docs/adr/020-forecast.md.
 */

export const DAY = 86_400_000;

/** One stay of a deal in a stage (times in ms since the epoch). */
export interface StayInput {
  stage: string;
  kind: 'open' | 'won' | 'lost' | string;
  /** Win probability of the stage in the process version the deal follows (0..1). */
  probability: number;
  enteredAt: number;
  exitedAt: number | null;
}

/** A deal as the engine needs it. */
export interface DealInput {
  id: string;
  owner: string | null;
  orgUnit: string | null;
  /** Expected value while open. */
  amount: number;
  /** Realised value once won. */
  closeValue: number;
  /** When the deal appeared: its first stay's entry (else the record's creation). */
  createdAt: number;
  /** Stays, oldest first. */
  stays: StayInput[];
}

/** What was known of a deal at a time. */
export interface DealAsOf {
  deal: DealInput;
  state: 'open' | 'won' | 'lost';
  /** The stay the deal was in (null when it had no stay then). */
  stay: StayInput | null;
  /** When it closed (won or lost), if before the time. */
  closedAt: number | null;
}

/** The deal as it stood just before `t` (stays entered strictly before `t`); null if not created yet. */
export function asOf(deal: DealInput, t: number): DealAsOf | null {
  if (deal.createdAt >= t) return null;
  let stay: StayInput | null = null;
  for (const s of deal.stays) if (s.enteredAt < t) stay = s;
  if (stay && (stay.kind === 'won' || stay.kind === 'lost')) return { deal, state: stay.kind, stay, closedAt: stay.enteredAt };
  return { deal, state: 'open', stay, closedAt: null };
}

/** When the deal was won (entry into its first won stay), or null. */
export function wonAt(deal: DealInput): number | null {
  for (const s of deal.stays) if (s.kind === 'won') return s.enteredAt;
  return null;
}

/** Won value closed in the window (from, to]. */
export function wonValueBetween(deals: readonly DealInput[], from: number, to: number): number {
  let sum = 0;
  for (const d of deals) {
    const w = wonAt(d);
    if (w !== null && w > from && w <= to) sum += d.closeValue;
  }
  return sum;
}

/** Sum over deals open at `t` of amount x the probability of their stage then. */
export function weightedPipelineAt(deals: readonly DealInput[], t: number): number {
  let sum = 0;
  for (const d of deals) {
    const a = asOf(d, t);
    if (a && a.state === 'open') sum += d.amount * (a.stay?.probability ?? 0);
  }
  return sum;
}

