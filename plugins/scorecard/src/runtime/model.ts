/**
 * The scorecard model without I/O: definitions and their checks, periods, normalisation, the
 * exact decomposition of a total, Spearman rank correlation and forced-distribution bands.
 * Everything here is a pure function of its arguments, so the server, the designer's preview and
 * the tests share it.
 */

/** How an indicator's raw value becomes a 0-100 score. */
export interface Normalisation {
  method: 'percent_of_target' | 'min_max' | 'percentile' | 'tiers' | 'none';
  /**
   * percent_of_target: the value that scores 100 when the OKR plugin has no sales target
   * (`okr.target`) for the person, period and metric (a metric indicator reads those first).
   */
  target?: number;
  /** percent_of_target: the highest score (default 100). */
  cap?: number;
  /** tiers: the first tier (highest `min` first) whose `min` the raw value reaches gives its score. */
  tiers?: { min: number; score: number }[];
  /** min_max and percentile: lower raw values are better (e.g. sales cycle days). */
  lower_is_better?: boolean;
}

export interface Indicator {
  id: string;
  label: string;
  kind: 'metric' | 'rule' | 'rating';
  weight: number;
  /** metric: a metric of the metric layer (`pipeline.won_count`). */
  metric?: string;
  /** rule: the metrics the rule reads (`{"var": "pipeline.won_count"}`). */
  inputs?: string[];
  /** rule: a json-logic rule over the person's metric values, giving points. */
  rule?: unknown;
  /** rating: whose 1-5 ratings count. */
  rater?: 'self' | 'peer' | 'manager';
  /** rating: what each score 1-5 means. */
  rubric?: string[];
  normalise?: Normalisation;
}

export interface Dimension {
  id: string;
  label: string;
  weight: number;
  indicators?: Indicator[];
}

export interface Definition {
  name?: string;
  period?: string;
  dimensions: Dimension[];
  noise?: { method?: 'halves' | 'previous' };
  forced_distribution?: { top: number; middle: number; bottom: number };
  /** The saved-rule versions pinned when the scorecard was saved (id to version; ADR 032 addendum). */
  rule_versions?: Record<string, number>;
}

export interface Problem {
  pointer: string;
  message: string;
  code?: string;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** Weights are percentages given to at most 4 decimals; they sum to 100 within 0.0001. */
const is100 = (n: number) => Math.abs(n - 100) < 1e-4;

/**
 * Problems of a definition a JSON Schema cannot state: dimension weights and each dimension's
 * indicator weights must sum to 100, ids must be unique, each kind needs its members, tiers and
 * targets must make sense. Pointers are relative to the definition (prefix them).
 *
 * @example
 * ```ts
 * checkDefinition({ dimensions: [{ id: 'a', label: 'A', weight: 60 }] }); // [{ pointer: '/dimensions', ... sum 60 }]
 * ```
 */
export function checkDefinition(def: Definition): Problem[] {
  const problems: Problem[] = [];
  const dims = def.dimensions ?? [];
  const dsum = sum(dims.map((d) => d.weight));
  if (dims.length > 0 && !is100(dsum)) problems.push({ pointer: '/dimensions', message: `dimension weights must sum to 100 (they sum to ${round(dsum, 4)})`, code: 'weights-sum' });
  const dimIds = new Set<string>();
  dims.forEach((d, i) => {
    if (dimIds.has(d.id)) problems.push({ pointer: `/dimensions/${i}/id`, message: `dimension id "${d.id}" is used twice`, code: 'duplicate-id' });
    dimIds.add(d.id);
    const inds = d.indicators ?? [];
    const isum = sum(inds.map((x) => x.weight));
    if (inds.length > 0 && !is100(isum)) problems.push({ pointer: `/dimensions/${i}/indicators`, message: `indicator weights of "${d.label}" must sum to 100 (they sum to ${round(isum, 4)})`, code: 'weights-sum' });
    const ids = new Set<string>();
    inds.forEach((x, j) => {
      const at = `/dimensions/${i}/indicators/${j}`;
      if (ids.has(x.id)) problems.push({ pointer: `${at}/id`, message: `indicator id "${x.id}" is used twice in "${d.label}"`, code: 'duplicate-id' });
      ids.add(x.id);
      if (x.kind === 'metric' && !x.metric) problems.push({ pointer: `${at}/metric`, message: 'a metric indicator names a metric', code: 'required' });
      if (x.kind === 'rule' && x.rule === undefined) problems.push({ pointer: `${at}/rule`, message: 'a rule indicator has a rule', code: 'required' });
      if (x.rubric && x.rubric.length !== 5) problems.push({ pointer: `${at}/rubric`, message: `a rubric says what each score 1-5 means: 5 texts (it has ${x.rubric.length})`, code: 'rubric-length' });
      if (x.kind === 'rating' && !x.rater) problems.push({ pointer: `${at}/rater`, message: 'a rating indicator says who rates (self, peer or manager)', code: 'required' });
      const n = x.normalise;
      if (n?.method === 'percent_of_target' && n.target !== undefined && !(typeof n.target === 'number' && n.target > 0)) problems.push({ pointer: `${at}/normalise/target`, message: 'a target is above 0', code: 'invalid-target' });
      // Only a metric indicator has OKR targets (per person, period and metric); anything else needs its own.
      if (n?.method === 'percent_of_target' && x.kind !== 'metric' && n.target === undefined) problems.push({ pointer: `${at}/normalise/target`, message: 'percent of target needs a target above 0 (OKR targets exist for metric indicators only)', code: 'required' });
      if (n?.method === 'tiers' && !(n.tiers && n.tiers.length > 0)) problems.push({ pointer: `${at}/normalise/tiers`, message: 'tiers need at least one tier', code: 'required' });
    });
  });
  const fd = def.forced_distribution;
  if (fd && !is100(fd.top + fd.middle + fd.bottom)) problems.push({ pointer: '/forced_distribution', message: `the forced distribution must sum to 100 (it sums to ${round(fd.top + fd.middle + fd.bottom, 4)})`, code: 'weights-sum' });
  return problems;
}

/** Metric names a definition reads (metric indicators and rule inputs), each with where it is named. */
export function metricsOf(def: Definition): { metric: string; pointer: string }[] {
  const out: { metric: string; pointer: string }[] = [];
  (def.dimensions ?? []).forEach((d, i) =>
    (d.indicators ?? []).forEach((x, j) => {
      if (x.kind === 'metric' && x.metric) out.push({ metric: x.metric, pointer: `/dimensions/${i}/indicators/${j}/metric` });
      if (x.kind === 'rule') (x.inputs ?? []).forEach((m, k) => out.push({ metric: m, pointer: `/dimensions/${i}/indicators/${j}/inputs/${k}` }));
    }),
  );
  return out;
}

export interface Period {
  id: string;
  from: string;
  to: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const day = (s: string) => new Date(`${s}T00:00:00Z`);
const addDays = (s: string, n: number) => iso(new Date(day(s).getTime() + n * 86_400_000));
const lastDayOfMonth = (y: number, m: number) => iso(new Date(Date.UTC(y, m, 0)));

/**
 * The dates of a period id: `2017`, `2017-H2`, `2017-Q4` or `2017-03` (inclusive, ISO dates).
 *
 * @example
 * ```ts
 * periodRange('2017-Q4'); // { id: '2017-Q4', from: '2017-10-01', to: '2017-12-31' }
 * ```
 */
export function periodRange(id: string): Period {
  const m = /^(\d{4})(?:-(Q[1-4]|H[12]|0[1-9]|1[0-2]))?$/.exec(id);
  if (!m) throw new RangeError(`not a period: ${id}`);
  const y = Number(m[1]);
  const part = m[2];
  let first = 1;
  let months = 12;
  if (part?.startsWith('Q')) [first, months] = [(Number(part[1]) - 1) * 3 + 1, 3];
  else if (part?.startsWith('H')) [first, months] = [part === 'H1' ? 1 : 7, 6];
  else if (part) [first, months] = [Number(part), 1];
  return { id, from: `${y}-${pad(first)}-01`, to: lastDayOfMonth(y, first + months - 1) };
}

/**
 * The periods of OKR sales targets (months and quarters) that make up a scorecard period: a
 * month or quarter itself, a half-year's two quarters, a year's four.
 *
 * @example
 * ```ts
 * targetPeriods('2017-H2'); // ['2017-Q3', '2017-Q4']
 * ```
 */
export function targetPeriods(id: string): string[] {
  periodRange(id);
  const y = id.slice(0, 4);
  if (/^\d{4}$/.test(id)) return [1, 2, 3, 4].map((q) => `${y}-Q${q}`);
  if (id.endsWith('-H1')) return [`${y}-Q1`, `${y}-Q2`];
  if (id.endsWith('-H2')) return [`${y}-Q3`, `${y}-Q4`];
  return [id];
}

/** The period before (same length): `2017-Q1` -> `2016-Q4`. */
export function previousPeriod(id: string): string {
  const m = /^(\d{4})(?:-(Q|H)?(\d{1,2}))?$/.exec(id);
  if (!m) throw new RangeError(`not a period: ${id}`);
  const y = Number(m[1]);
  if (m[3] === undefined) return String(y - 1);
  const n = Number(m[3]);
  if (m[2] === 'Q') return n === 1 ? `${y - 1}-Q4` : `${y}-Q${n - 1}`;
  if (m[2] === 'H') return n === 1 ? `${y - 1}-H2` : `${y}-H1`;
  return n === 1 ? `${y - 1}-12` : `${y}-${pad(n - 1)}`;
}

/**
 * The two halves of a period: a year's and a half-year's by months (H1/H2, two quarters), a
 * quarter's and a month's by days (the first half gets the shorter part).
 */
export function halves(id: string): [Period, Period] {
  const p = periodRange(id);
  const y = id.slice(0, 4);
  if (/^\d{4}$/.test(id)) return [periodRange(`${y}-H1`), periodRange(`${y}-H2`)];
  if (/-H[12]$/.test(id)) {
    const q = id.endsWith('H1') ? 1 : 3;
    return [periodRange(`${y}-Q${q}`), periodRange(`${y}-Q${q + 1}`)];
  }
  const days = Math.round((day(p.to).getTime() - day(p.from).getTime()) / 86_400_000) + 1;
  const mid = addDays(p.from, Math.floor(days / 2) - 1);
  return [
    { id: `${id}/1`, from: p.from, to: mid },
    { id: `${id}/2`, from: addDays(mid, 1), to: p.to },
  ];
}

/** Rounds half away from zero to `digits` decimals. */
export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return (Math.sign(n) * Math.round(Math.abs(n) * f + 1e-9)) / f;
}

/** Average ranks (1-based; ties share the mean of their ranks). */
export function ranks(values: number[]): number[] {
  const idx = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]![0] === idx[i]![0]) j++;
    for (let k = i; k <= j; k++) out[idx[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/**
 * Spearman's rank correlation: Pearson's correlation of the average ranks (exact with ties).
 * Null with fewer than 3 pairs or when either side has no spread.
 *
 * @example
 * ```ts
 * spearman([1, 2, 3, 4], [10, 20, 30, 40]); // 1
 * ```
 */
export function spearman(a: number[], b: number[]): number | null {
  if (a.length !== b.length || a.length < 3) return null;
  const ra = ranks(a);
  const rb = ranks(b);
  const n = ra.length;
  const ma = sum(ra) / n;
  const mb = sum(rb) / n;
  let c = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    c += (ra[i]! - ma) * (rb[i]! - mb);
    va += (ra[i]! - ma) ** 2;
    vb += (rb[i]! - mb) ** 2;
  }
  return va === 0 || vb === 0 ? null : c / Math.sqrt(va * vb);
}

/** Below this rank stability an indicator is flagged "mostly noise". */
export const NOISE_THRESHOLD = 0.5;

/** Explanation of one normalisation step (what the designer and the rep read). */
export interface NormalisationStep {
  method: Normalisation['method'] | 'rating';
  score: number;
  detail: Record<string, number | string | null>;
}

/**
 * A raw value's 0-100 score under the indicator's normalisation, given the cohort's raw values
 * (the same indicator for everyone evaluated together). A missing raw value scores 0.
 */
/** Where a percent-of-target's target came from: an OKR sales target, the definition, or nowhere. */
export interface TargetSource {
  value: number;
  source: 'okr';
  /** The `okr.target` records summed (one, or a period's quarters). */
  records: string[];
  periods: string[];
}

export function normalise(raw: number | null, n: Normalisation, cohort: (number | null)[], okr?: TargetSource | null): NormalisationStep {
  const clamp = (x: number) => Math.max(0, Math.min(100, x));
  if (raw === null || !Number.isFinite(raw)) return { method: n.method, score: 0, detail: { reason: 'no value' } };
  const values = cohort.filter((v): v is number => v !== null && Number.isFinite(v));
  switch (n.method) {
    case 'percent_of_target': {
      const cap = n.cap ?? 100;
      if (okr && okr.value > 0) return { method: n.method, score: Math.max(0, Math.min(cap, (raw / okr.value) * 100)), detail: { target: okr.value, cap, target_source: 'okr', target_records: okr.records.join(','), target_periods: okr.periods.join(',') } };
      const target = n.target;
      if (typeof target !== 'number' || !(target > 0)) return { method: n.method, score: 0, detail: { reason: 'no target', target_source: 'none', cap } };
      return { method: n.method, score: Math.max(0, Math.min(cap, (raw / target) * 100)), detail: { target, cap, target_source: 'definition' } };
    }
    case 'min_max': {
      const min = Math.min(...values);
      const max = Math.max(...values);
      const s = max === min ? 100 : ((raw - min) / (max - min)) * 100;
      return { method: n.method, score: clamp(n.lower_is_better ? 100 - s : s), detail: { min, max, n: values.length } };
    }
    case 'percentile': {
      const below = values.filter((v) => (n.lower_is_better ? v > raw : v < raw)).length;
      const equal = values.filter((v) => v === raw).length;
      // Mid-rank percentile: the share of the others below, ties counting half.
      const others = values.length - 1;
      const s = others <= 0 ? 100 : ((below + (equal - 1) / 2) / others) * 100;
      return { method: n.method, score: clamp(s), detail: { below, ties: equal - 1, others } };
    }
    case 'tiers': {
      const tiers = [...(n.tiers ?? [])].sort((a, b) => b.min - a.min);
      const tier = tiers.find((t) => raw >= t.min);
      return { method: n.method, score: clamp(tier?.score ?? 0), detail: { tier_min: tier?.min ?? null } };
    }
    default:
      return { method: 'none', score: clamp(raw), detail: {} };
  }
}

/** A 1-5 rating as a 0-100 score (1 -> 0, 5 -> 100). */
export const ratingScore = (r: number) => ((r - 1) / 4) * 100;

/**
 * Rounds numbers to cents so that the rounded parts sum exactly to the rounded sum (largest
 * remainder): the decomposition a reader checks adds up to the cent.
 *
 * @example
 * ```ts
 * centsSummingTo([33.333, 33.333, 33.334]); // [33.33, 33.33, 33.34]
 * ```
 */
export function centsSummingTo(values: number[]): number[] {
  const total = Math.round(sum(values) * 100);
  const floors = values.map((v) => Math.floor(v * 100 + 1e-9));
  let rest = total - sum(floors);
  const order = values.map((v, i) => [v * 100 - floors[i]!, i] as const).sort((a, b) => b[0] - a[0]);
  const out = [...floors];
  for (let k = 0; rest > 0 && k < order.length; k++, rest--) out[order[k]![1]]! += 1;
  for (let k = order.length - 1; rest < 0 && k >= 0; k--, rest++) out[order[k]![1]]! -= 1;
  return out.map((c) => c / 100);
}

/** Forced-distribution band of each person by rank of total (advisory). */
export function bands(totals: { id: string; total: number }[], fd: { top: number; middle: number; bottom: number }): Map<string, 'top' | 'middle' | 'bottom'> {
  const sorted = [...totals].sort((a, b) => b.total - a.total || a.id.localeCompare(b.id));
  const n = sorted.length;
  const topN = Math.round((n * fd.top) / 100);
  const bottomN = Math.round((n * fd.bottom) / 100);
  // Equal totals share a band: the one of the middle place they hold together.
  const places = new Map<number, number[]>();
  sorted.forEach((t, i) => places.set(t.total, [...(places.get(t.total) ?? []), i]));
  return new Map(
    sorted.map((t) => {
      const p = places.get(t.total)!;
      const i = p[Math.floor((p.length - 1) / 2)]!;
      return [t.id, i < topN ? 'top' : i >= n - bottomN ? 'bottom' : 'middle'] as const;
    }),
  );
}

/** Fewer people than this make a forced distribution meaningless (advisory warning). */
export const FORCED_DISTRIBUTION_MINIMUM = 25;
