/** Shapes the scorecard pages read from the API, and small pure helpers (tested without a browser). */

export interface IndicatorDraft {
  id: string;
  label: string;
  kind: 'metric' | 'rule' | 'rating';
  weight: number;
  metric?: string;
  inputs?: string[];
  rule?: unknown;
  rater?: 'self' | 'peer' | 'manager';
  rubric?: string[];
  normalise?: { method: string; target?: number; tiers?: { min: number; score: number }[] };
}
export interface DimensionDraft {
  id: string;
  label: string;
  weight: number;
  indicators: IndicatorDraft[];
}
export interface CardDraft {
  name: string;
  period: string;
  dimensions: DimensionDraft[];
  forced_distribution?: { top: number; middle: number; bottom: number };
}

export interface Noise {
  rho: number | null;
  mostly_noise: boolean;
  periods: [string, string];
  people: number;
}
export interface IndicatorResult {
  id: string;
  label: string;
  kind: string;
  weight: number;
  raw: number | null;
  score: number;
  part: number;
  explanation: { metric?: string; query?: { from: string; to: string }; inputs?: Record<string, number | null>; steps?: { pointer: string; sentence: string }[]; ratings?: { rater_id: string; score: number }[]; rater?: string; note?: string };
  noise?: Noise;
  normalisation?: { method: string; score: number; detail: Record<string, number | string | null> };
}
export interface DimensionResult {
  id: string;
  label: string;
  weight: number;
  score: number;
  part: number;
  indicators: IndicatorResult[];
}

/** A record id from a label: "Won value" -> "won_value". */
export function idFrom(label: string, taken: readonly string[]): string {
  const base = (label.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'item').replace(/^([0-9])/, 'x$1').slice(0, 50);
  let id = /^[a-z]/.test(base) ? base : `x_${base}`;
  for (let n = 2; taken.includes(id); n++) id = `${base}_${n}`;
  return id;
}

/** Sum of weights, to 4 decimals, and whether it is 100. */
export function weightSum(items: readonly { weight: number }[]): { sum: number; ok: boolean } {
  const sum = Math.round(items.reduce((a, x) => a + (Number.isFinite(x.weight) ? x.weight : 0), 0) * 10_000) / 10_000;
  return { sum, ok: Math.abs(sum - 100) < 1e-4 };
}

/** Tiers typed as "80:100, 50:70, 0:40". */
export function parseTiers(text: string): { min: number; score: number }[] {
  return text
    .split(',')
    .map((p) => p.split(':').map((x) => Number(x.trim())))
    .filter((p) => p.length === 2 && p.every((x) => Number.isFinite(x)))
    .map(([min, score]) => ({ min: min!, score: score! }));
}
export const tiersText = (tiers: readonly { min: number; score: number }[] | undefined) => (tiers ?? []).map((t) => `${t.min}:${t.score}`).join(', ');

/** The definition the API takes from a draft (weights as numbers, empty members dropped). */
export function definitionOf(d: CardDraft): Record<string, unknown> {
  return {
    name: d.name,
    period: d.period,
    ...(d.forced_distribution ? { forced_distribution: d.forced_distribution } : {}),
    dimensions: d.dimensions.map((dim) => ({
      id: dim.id,
      label: dim.label,
      weight: dim.weight,
      indicators: dim.indicators.map((x) => {
        const base = { id: x.id, label: x.label, kind: x.kind, weight: x.weight };
        if (x.kind === 'metric') return { ...base, metric: x.metric ?? '', normalise: x.normalise ?? { method: 'percentile' } };
        if (x.kind === 'rule') return { ...base, inputs: x.inputs ?? [], rule: x.rule ?? null, normalise: x.normalise ?? { method: 'none' } };
        return { ...base, rater: x.rater ?? 'manager', ...(x.rubric ? { rubric: x.rubric } : {}) };
      }),
    })),
  };
}

/** The next stage of the review and what a move there must carry. */
export const NEXT_STAGE: Record<string, string> = { self_review: 'peer_review', peer_review: 'manager_review', manager_review: 'calibration', calibration: 'published' };

/** The calibration board's buckets of totals (as the results' distribution counts them): [min, max), the last one closed. */
export const BUCKETS: readonly { label: string; range: readonly [number, number] }[] = [0, 20, 40, 60, 80].map((min) => ({ label: `${min}-${min + 20}`, range: [min, min + 20] as const }));

/** The bucket index of a total. */
export const bucketOf = (total: number) => Math.min(BUCKETS.length - 1, Math.max(0, Math.floor(total / 20)));

/**
 * The total a move to another bucket starts from: the nearest value inside it (its lower edge
 * moving up, just under its upper edge moving down).
 *
 * @example
 * ```ts
 * moveTarget(55, 4); // 80
 * moveTarget(55, 1); // 39.99
 * ```
 */
export function moveTarget(total: number, to: number): number {
  const [lo, hi] = BUCKETS[to]!.range;
  if (to > bucketOf(total)) return lo;
  return to === BUCKETS.length - 1 ? hi : Math.round((hi - 0.01) * 100) / 100;
}

/** A readable line from an API problem (`/pointer: message; ...`). */
export function problemLine(err: unknown): string {
  const p = (err as { problem?: { detail?: string; errors?: { pointer?: string; message?: string }[] } } | null)?.problem;
  if (p) {
    const errors = (p.errors ?? []).map((e) => (e.pointer ? `${e.pointer}: ${e.message ?? ''}` : (e.message ?? '')));
    return errors.length > 0 ? errors.join('; ') : (p.detail ?? '');
  }
  return err instanceof Error ? err.message : String(err);
}
