/**
 * The history-based forecast of the pipeline plugin (ADR 020, addendum "A stacked forecast"):
 * two estimators, each computed only from what was known at the origin, blended with weights
 * learned from their own errors at earlier pseudo-origins whose outcomes were all known then.
 *
 * - `snapshot`: the deals open one season (a quarter: 91 days; whole quarters, at least the
 *   horizon; see {@link lookBackDays}) before the origin, by age bin, and the share of their amount won within the horizon
 *   that followed (all before the origin), smoothed toward the older bins (empirical Bayes);
 *   applied to the deals open at the origin by age. Plus the value that deals created in that
 *   past window won within it (the new-deal term). Whole quarters back see the same phase of the
 *   quarter as the origin.
 * - `run_rate`: the won value of the same window (for a 91-day horizon: the last 91 days), per
 *   day of it since the first close ever recorded (the history can start less than a horizon
 *   before the origin), times the horizon.
 */
import { asOf, DAY, wonAt, type DealInput } from './engine';

/** The method's constants, fixed (see the ADR addendum for how they were chosen). */
export const METHOD = { binDays: 14, priorDeals: 20, points: 13, stepDays: 7, seasonDays: 91 } as const;

/**
 * How far back the components look for a horizon of `h` days: whole seasons (quarters), at least
 * `h`, so the window seen has the origin's phase of the quarter; only `h` when no close had been
 * recorded by the end of that window (no season of outcomes to learn from yet).
 */
export function lookBackDays(h: number, origin: number, firstClose: number | null): number {
  const seasons = METHOD.seasonDays * Math.max(1, Math.ceil(h / METHOD.seasonDays));
  return firstClose !== null && firstClose < origin - (seasons - h) * DAY ? seasons : h;
}

export type Scope = (d: DealInput) => boolean;
const all: Scope = () => true;

/** Won at `w` inside the open window (from, to): known at `to`. */
const between = (w: number | null, from: number, to: number) => w !== null && w > from && w < to;

const earliest = new WeakMap<readonly DealInput[], number>();

/** The earliest close (won or lost) known at `t`, or null: the earliest close of all, if before `t`. */
function firstCloseBefore(deals: readonly DealInput[], t: number): number | null {
  let first = earliest.get(deals);
  if (first === undefined) {
    first = Infinity;
    for (const d of deals) for (const s of d.stays) if ((s.kind === 'won' || s.kind === 'lost') && s.enteredAt < first) first = s.enteredAt;
    earliest.set(deals, first);
  }
  return first < t ? first : null;
}

/**
 * The won value of the same `h` days one season back (from `origin - lookBack(h)`; for h = 91 the
 * last 91 days), per day of that window since the first close recorded, times `h`.
 */
export function observedRunRate(deals: readonly DealInput[], origin: number, h: number, scope: Scope = all): number {
  const first = firstCloseBefore(deals, origin);
  if (first === null) return 0;
  const end = origin - (lookBackDays(h, origin, first) - h) * DAY;
  const start = Math.max(end - h * DAY, Math.floor(first / DAY) * DAY);
  const span = (end - start) / DAY;
  if (!(span > 0)) return 0;
  let won = 0;
  for (const d of deals) if (scope(d) && between(wonAt(d), start, end)) won += d.closeValue;
  return (won * h) / span;
}

const yieldCache = new WeakMap<readonly DealInput[], Map<string, number[]>>();

/**
 * Per 14-day age bin of the deals open at `then` (all the deals given), the share of their amount
 * won in (then, until), shrunk toward the pooled share of the bins at least as old (a prior of 20
 * average deals; with no older bin, toward 0). Cached per deal list: every scope shares it.
 */
function yieldsAt(deals: readonly DealInput[], then: number, until: number): number[] {
  let byKey = yieldCache.get(deals);
  if (!byKey) yieldCache.set(deals, (byKey = new Map()));
  const key = `${then}|${until}`;
  const hit = byKey.get(key);
  if (hit) return hit;
  const amount: number[] = [];
  const won: number[] = [];
  let openDeals = 0;
  for (const d of deals) {
    if (d.createdAt >= then || asOf(d, then)?.state !== 'open') continue;
    const b = Math.floor((then - d.createdAt) / DAY / METHOD.binDays);
    amount[b] = (amount[b] ?? 0) + d.amount;
    if (between(wonAt(d), then, until)) won[b] = (won[b] ?? 0) + d.closeValue;
    openDeals++;
  }
  const prior = openDeals > 0 ? (METHOD.priorDeals * amount.reduce((s, x) => s + (x ?? 0), 0)) / openDeals : 0;
  const yieldOf: number[] = [];
  let olderAmount = 0;
  let olderWon = 0;
  for (let b = amount.length - 1; b >= 0; b--) {
    const pooled = olderAmount > 0 ? olderWon / olderAmount : 0;
    olderAmount += amount[b] ?? 0;
    olderWon += won[b] ?? 0;
    yieldOf[b] = ((won[b] ?? 0) + prior * pooled) / ((amount[b] ?? 0) + prior || 1);
  }
  byKey.set(key, yieldOf);
  return yieldOf;
}

/** The snapshot estimator's two terms at `origin` for a horizon of `h` days. */
export function snapshotForecast(deals: readonly DealInput[], origin: number, h: number, scope: Scope = all): { fromOpen: number; fromNew: number } {
  const then = origin - lookBackDays(h, origin, firstCloseBefore(deals, origin)) * DAY;
  const until = then + h * DAY;
  const bin = (t: number, d: DealInput) => Math.floor((t - d.createdAt) / DAY / METHOD.binDays);
  const yieldOf = yieldsAt(deals, then, until);
  let fromNew = 0;
  for (const d of deals) if (scope(d) && d.createdAt >= then && d.createdAt < until && between(wonAt(d), then, until)) fromNew += d.closeValue;
  let fromOpen = 0;
  for (const d of deals) {
    if (!scope(d) || asOf(d, origin)?.state !== 'open') continue;
    fromOpen += d.amount * (yieldOf[Math.min(yieldOf.length - 1, bin(origin, d))] ?? 0);
  }
  return { fromOpen, fromNew };
}

/** The components at an origin, each from what was known then. */
export function components(deals: readonly DealInput[], origin: number, h: number, scope: Scope = all): { snapshot: number; run_rate: number } {
  const s = snapshotForecast(deals, origin, h, scope);
  return { snapshot: s.fromOpen + s.fromNew, run_rate: observedRunRate(deals, origin, h, scope) };
}

export const quantile = (sorted: readonly number[], q: number) => {
  if (sorted.length === 0) return 0;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
};

/** A history-based forecast of the won value in (origin, origin + h]. */
export interface ModelForecast {
  forecast: number;
  p10: number;
  p90: number;
  components: { snapshot: number; run_rate: number };
  weights: { snapshot: number; run_rate: number };
  /** Pseudo-origins whose errors set the weights and the range. */
  points: number;
}

type Key = 'snapshot' | 'run_rate';
const KEYS: Key[] = ['snapshot', 'run_rate'];

/**
 * The stacked forecast. At the pseudo-origins `origin - h - 7j days` (j < 13), whose whole
 * horizon ended before the origin, each component is run from what was known at that point and
 * compared with the scope's won value that followed. Weights are the inverse mean squared
 * relative errors (equal when no point has a non-zero actual and both components). The P10-P90
 * range spans the components and, with three or more points, the 10th-90th percentile of the
 * blend's past relative errors applied to the forecast.
 */
export function modelForecast(deals: readonly DealInput[], origin: number, h: number, scope: Scope = all): ModelForecast {
  const now = components(deals, origin, h, scope);
  const past: { c: Record<Key, number>; actual: number }[] = [];
  for (let j = 0; j < METHOD.points; j++) {
    const p = origin - h * DAY - j * METHOD.stepDays * DAY;
    let actual = 0;
    for (const d of deals) if (d.createdAt < origin && scope(d) && between(wonAt(d), p, p + h * DAY)) actual += d.closeValue;
    const c = components(deals, p, h, scope);
    if (actual > 0 && c.snapshot > 0 && c.run_rate > 0) past.push({ c, actual });
  }
  const usable = KEYS.filter((k) => now[k] > 0);
  const raw = Object.fromEntries(KEYS.map((k) => [k, !usable.includes(k) ? 0 : past.length === 0 ? 1 : 1 / (past.reduce((s, x) => s + (x.c[k] / x.actual - 1) ** 2, 0) / past.length + 1e-4)])) as Record<Key, number>;
  const total = raw.snapshot + raw.run_rate;
  const weights = { snapshot: total > 0 ? raw.snapshot / total : 0, run_rate: total > 0 ? raw.run_rate / total : 0 };
  const forecast = weights.snapshot * now.snapshot + weights.run_rate * now.run_rate;
  const values = usable.map((k) => now[k]);
  let p10 = values.length ? Math.min(...values) : 0;
  let p90 = values.length ? Math.max(...values) : 0;
  if (past.length >= 3 && forecast > 0) {
    const errors = past.map((x) => weights.snapshot * (x.c.snapshot / x.actual) + weights.run_rate * (x.c.run_rate / x.actual) - 1).sort((a, b) => a - b);
    p10 = Math.min(p10, forecast / Math.max(0.05, 1 + quantile(errors, 0.9)));
    p90 = Math.max(p90, forecast / Math.max(0.05, 1 + quantile(errors, 0.1)));
  }
  return { forecast, p10, p90, components: now, weights, points: past.length };
}
