/**
 * The forecasting engine of the pipeline plugin: plain, deterministic functions over deals and
 * their stage stays (no I/O). The route layer reads the inputs through the plugin services, so
 * every figure counts only the deals the caller may see. See docs/adr/020-forecast.md.
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

/** Parameters of the history-based model (fixed before any origin; see the ADR). */
export interface ModelOptions {
  /** Width of an age bin of the hazard table, days. */
  binDays: number;
  /** Longest look-back of the exposure window, days. */
  lookbackDays: number;
  /** Window of the recent creation rate, days (null: the horizon). */
  creationDays: number | null;
  /** Scale by the model's own error one horizon before the origin (see {@link calibration}). */
  calibrate: boolean;
  /** Pseudo-origins of the calibration (one horizon back, then a week apart). */
  calibrationPoints: number;
  /** Monte Carlo runs. */
  runs: number;
  seed: number;
}

export const DEFAULT_MODEL: ModelOptions = { binDays: 7, lookbackDays: 365, creationDays: null, calibrate: true, calibrationPoints: 13, runs: 1000, seed: 20171001 };

/** What the model learned at an origin, from what was known then. */
export interface Learned {
  /** Per-day hazard of winning / losing, by age bin (age = days since creation). */
  winHazard: number[];
  lossHazard: number[];
  /** Deals created per day in the creation window. */
  creationRate: number;
  /** Close values of the deals won in the exposure window (the new-deal term draws from them). */
  wonValues: number[];
  /** Realised / expected value of the deals won in the exposure window. */
  valueRatio: number;
  /** Start of the exposure window. */
  windowStart: number;
}

/**
 * Learns the model at `origin` from the deals as they stood before it: a discrete-time
 * competing-risks life table (per-day hazard of winning and of losing by age bin) over the exposure
 * of open deals in the window [start, origin), where start is the later of origin - lookback and
 * the first close ever recorded (before any close the history holds no outcome at all).
 */
export function learn(deals: readonly DealInput[], origin: number, o: ModelOptions = DEFAULT_MODEL, horizonDays = 91): Learned {
  const creationDays = o.creationDays ?? horizonDays;
  const known: DealAsOf[] = [];
  let firstClose = Infinity;
  for (const d of deals) {
    const a = asOf(d, origin);
    if (!a) continue;
    known.push(a);
    if (a.closedAt !== null && a.closedAt < firstClose) firstClose = a.closedAt;
  }
  const start = Math.max(origin - o.lookbackDays * DAY, Number.isFinite(firstClose) ? Math.floor(firstClose / DAY) * DAY : origin);
  const bins = Math.ceil((o.lookbackDays + 400) / o.binDays) + 1;
  const exposure = new Array<number>(bins).fill(0);
  const wins = new Array<number>(bins).fill(0);
  const losses = new Array<number>(bins).fill(0);
  const wonValues: number[] = [];
  let wonAmount = 0;
  let wonValue = 0;
  const binOf = (ageDays: number) => Math.min(bins - 1, Math.max(0, Math.floor(ageDays / o.binDays)));
  for (const a of known) {
    const c = a.deal.createdAt;
    const end = a.closedAt ?? origin;
    const from = Math.max(c, start);
    if (end > from) {
      // exposure in days, spread over the age bins the interval crosses
      let t = from;
      while (t < end) {
        const age = (t - c) / DAY;
        const b = binOf(age);
        const binEnd = b === bins - 1 ? Infinity : c + (b + 1) * o.binDays * DAY;
        const next = Math.min(end, binEnd);
        exposure[b]! += (next - t) / DAY;
        t = next;
      }
    }
    if (a.closedAt !== null && a.closedAt >= start) {
      const b = binOf((a.closedAt - c) / DAY);
      if (a.state === 'won') {
        wins[b]! += 1;
        wonValues.push(a.deal.closeValue);
        wonAmount += a.deal.amount;
        wonValue += a.deal.closeValue;
      } else losses[b]! += 1;
    }
  }
  // Pool sparse bins with the previous ones so every rate rests on some exposure.
  const winHazard = new Array<number>(bins).fill(0);
  const lossHazard = new Array<number>(bins).fill(0);
  let lastW = 0;
  let lastL = 0;
  for (let b = 0; b < bins; b++) {
    if (exposure[b]! >= 30) {
      lastW = wins[b]! / exposure[b]!;
      lastL = losses[b]! / exposure[b]!;
    }
    winHazard[b] = Math.min(1, lastW);
    lossHazard[b] = Math.min(1 - winHazard[b]!, lastL);
  }
  let created = 0;
  for (const a of known) if (a.deal.createdAt >= origin - creationDays * DAY) created++;
  return {
    winHazard,
    lossHazard,
    creationRate: created / creationDays,
    wonValues,
    valueRatio: wonAmount > 0 ? wonValue / wonAmount : 1,
    windowStart: start,
  };
}

const learned = new WeakMap<readonly DealInput[], Map<string, Learned>>();

/** {@link learn}, once per deal list, origin, horizon and options (scopes and calibration share it). */
function learnOnce(deals: readonly DealInput[], origin: number, o: ModelOptions, horizonDays: number): Learned {
  let byKey = learned.get(deals);
  if (!byKey) learned.set(deals, (byKey = new Map()));
  const key = `${origin}|${horizonDays}|${o.binDays}|${o.lookbackDays}|${o.creationDays}`;
  let l = byKey.get(key);
  if (!l) byKey.set(key, (l = learn(deals, origin, o, horizonDays)));
  return l;
}

/** P(won within `days` | open at age `ageDays`) under the learned hazards. */
export function winWithin(l: Learned, o: ModelOptions, ageDays: number, days: number): number {
  let alive = 1;
  let won = 0;
  const bins = l.winHazard.length;
  for (let t = 0; t < days; t++) {
    const b = Math.min(bins - 1, Math.floor((ageDays + t) / o.binDays));
    const hw = l.winHazard[b]!;
    const hl = l.lossHazard[b]!;
    won += alive * hw;
    alive *= 1 - hw - hl;
  }
  return won;
}

/** A seeded pseudo-random generator (mulberry32), uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(mean: number, u: () => number): number {
  if (mean > 50) {
    // normal approximation (Box-Muller), rounded and kept non-negative
    const z = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = u();
  while (p > limit) {
    k++;
    p *= u();
  }
  return k;
}

const quantile = (sorted: readonly number[], q: number) => {
  if (sorted.length === 0) return 0;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
};

/** A history-based forecast of the won value in (origin, origin + horizon]. */
export interface ModelForecast {
  forecast: number;
  p10: number;
  p90: number;
  /** Expected part from the deals open at the origin / from deals created after it. */
  fromOpen: number;
  fromNew: number;
  /** The factor applied (1 when not calibrated). */
  calibration: number;
}

/**
 * The history-based forecast at `origin`: learned from `learnFrom` (all the deals known at the
 * origin), applied to the open deals of `scope` (the same set, or a part of it: a rep, a team),
 * plus the new-deal term scaled by the scope's share of recent creations. Monte Carlo with a
 * fixed seed: each run draws each open deal's win, the number of new deals (Poisson at the recent
 * creation rate), their creation day, win and value, and the run's rate uncertainty (a gamma
 * draw on the creation rate and on the win hazards, from their counts).
 */
export function modelForecast(learnFrom: readonly DealInput[], origin: number, horizonDays: number, o: ModelOptions = DEFAULT_MODEL, scope?: (d: DealInput) => boolean): ModelForecast {
  const l = learnOnce(learnFrom, origin, o, horizonDays);
  const creationDays = o.creationDays ?? horizonDays;
  const open: { p: number; value: number }[] = [];
  let scopeCreated = 0;
  let allCreated = 0;
  for (const d of learnFrom) {
    const a = asOf(d, origin);
    if (!a) continue;
    const inScope = !scope || scope(d);
    if (d.createdAt >= origin - creationDays * DAY) {
      allCreated++;
      if (inScope) scopeCreated++;
    }
    if (a.state !== 'open' || !inScope) continue;
    open.push({ p: winWithin(l, o, (origin - d.createdAt) / DAY, horizonDays), value: d.amount * l.valueRatio });
  }
  const share = allCreated > 0 ? scopeCreated / allCreated : 0;
  const newP: number[] = [];
  for (let t = 0; t < horizonDays; t++) newP.push(winWithin(l, o, 0, horizonDays - t));
  const meanNewP = newP.reduce((s, p) => s + p, 0) / Math.max(1, horizonDays);
  const meanWon = l.wonValues.length ? l.wonValues.reduce((s, v) => s + v, 0) / l.wonValues.length : 0;
  const fromOpen = open.reduce((s, d) => s + d.p * d.value, 0);
  const fromNew = l.creationRate * share * horizonDays * meanNewP * meanWon;
  const u = rng(o.seed);
  const totals: number[] = [];
  // Rate uncertainty: relative spread of a rate estimated from n events ~ 1/sqrt(n).
  const createdN = Math.max(1, Math.round(l.creationRate * creationDays * share));
  const winsN = Math.max(1, l.wonValues.length);
  for (let r = 0; r < o.runs; r++) {
    const kNew = gammaFactor(createdN, u);
    const kWin = gammaFactor(winsN, u);
    let total = 0;
    for (const d of open) if (u() < Math.min(1, d.p * kWin)) total += d.value;
    const n = poisson(l.creationRate * share * horizonDays * kNew, u);
    for (let i = 0; i < n; i++) {
      const t = Math.floor(u() * horizonDays);
      if (u() < Math.min(1, newP[t]! * kWin) && l.wonValues.length) total += l.wonValues[Math.floor(u() * l.wonValues.length)]!;
    }
    totals.push(total);
  }
  totals.sort((a, b) => a - b);
  const c = o.calibrate ? calibration(learnFrom, origin, horizonDays, o, scope) : { factor: 1, low: 1, high: 1 };
  const k = c.factor;
  return { forecast: k * (fromOpen + fromNew), p10: k * c.low * quantile(totals, 0.1), p90: k * c.high * quantile(totals, 0.9), fromOpen: k * fromOpen, fromNew: k * fromNew, calibration: k };
}

/**
 * The model's own error in the recent past: at pseudo-origins one horizon before the origin and
 * then a week apart (`calibrationPoints` of them), the won value that followed over what the
 * uncalibrated model said then (from what was known then). All of it is known at the origin. The
 * factor is the ratio of the sums; the spread of the single ratios (10th and 90th percentile,
 * relative to the factor) widens the range when there are at least three. Factor 1 and no
 * widening when the model said nothing at any of them (no close before).
 */
export function calibration(deals: readonly DealInput[], origin: number, horizonDays: number, o: ModelOptions = DEFAULT_MODEL, scope?: (d: DealInput) => boolean): { factor: number; low: number; high: number } {
  // Deals created after the origin are no part of what the pseudo-origins (all before it) saw,
  // nor of the wins that followed them (before the origin): the full list serves, and shares
  // the learned tables with the scopes.
  const scoped = scope ? deals.filter(scope) : deals;
  let said = 0;
  let happened = 0;
  const ratios: number[] = [];
  for (let j = 0; j < o.calibrationPoints; j++) {
    const past = origin - horizonDays * DAY - j * 7 * DAY;
    const then = modelForecast(deals, past, horizonDays, { ...o, calibrate: false, runs: 0 }, scope);
    if (!(then.forecast > 0)) continue;
    const actual = wonValueBetween(scoped, past, past + horizonDays * DAY - 1);
    said += then.forecast;
    happened += actual;
    ratios.push(actual / then.forecast);
  }
  if (!(said > 0)) return { factor: 1, low: 1, high: 1 };
  const factor = happened / said;
  if (ratios.length < 3 || factor === 0) return { factor, low: 1, high: 1 };
  ratios.sort((a, b) => a - b);
  return { factor, low: Math.min(1, quantile(ratios, 0.1) / factor), high: Math.max(1, quantile(ratios, 0.9) / factor) };
}

/** A multiplicative factor with mean 1 and relative spread 1/sqrt(n) (gamma(n, 1/n) by Marsaglia-Tsang). */
function gammaFactor(n: number, u: () => number): number {
  const d = n - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (w < 1 - 0.0331 * x * x * x * x || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / n;
  }
}

/** One origin of a backtest. */
export interface BacktestOrigin {
  origin: string;
  actual: number;
  forecast: number;
  p10: number;
  p90: number;
  baselines: { weighted_pipeline: number; run_rate: number };
}

export interface Backtest {
  horizonDays: number;
  origins: BacktestOrigin[];
  mape: { model: number | null; weighted_pipeline: number | null; run_rate: number | null };
  coverage: { inside: number; of: number };
}

/** Mean absolute percentage error, in percent (origins with a zero actual are left out); null when none counts. */
export function mape(pairs: readonly { actual: number; forecast: number }[]): number | null {
  const usable = pairs.filter((p) => p.actual !== 0);
  if (usable.length === 0) return null;
  return (100 * usable.reduce((s, p) => s + Math.abs(p.forecast - p.actual) / Math.abs(p.actual), 0)) / usable.length;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Replays the model and the two baselines at each origin (times in ms). */
export function backtest(deals: readonly DealInput[], origins: readonly number[], horizonDays: number, o: ModelOptions = DEFAULT_MODEL): Backtest {
  const out: BacktestOrigin[] = [];
  for (const origin of origins) {
    const end = origin + horizonDays * DAY;
    const m = modelForecast(deals, origin, horizonDays, o);
    out.push({
      origin: new Date(origin).toISOString(),
      actual: round2(wonValueBetween(deals, origin, end)),
      forecast: round2(m.forecast),
      p10: round2(m.p10),
      p90: round2(m.p90),
      baselines: { weighted_pipeline: round2(weightedPipelineAt(deals, origin)), run_rate: round2(wonValueBetween(deals, origin - horizonDays * DAY, origin)) },
    });
  }
  const pct = (k: (x: BacktestOrigin) => number) => {
    const v = mape(out.map((x) => ({ actual: x.actual, forecast: k(x) })));
    return v === null ? null : round2(v);
  };
  return {
    horizonDays,
    origins: out,
    mape: { model: pct((x) => x.forecast), weighted_pipeline: pct((x) => x.baselines.weighted_pipeline), run_rate: pct((x) => x.baselines.run_rate) },
    coverage: { inside: out.filter((x) => x.actual >= x.p10 && x.actual <= x.p90).length, of: out.length },
  };
}
