import { checkRule, explain, PipewrightError, ValidationError, type ExplainNode, type PluginServices, type PluginUser } from '@pipewright/plugin-sdk';
import { centsSummingTo, checkDefinition, halves, metricsOf, normalise, NOISE_THRESHOLD, periodRange, previousPeriod, ratingScore, round, spearman, targetPeriods, type Definition, type TargetSource, type Indicator, type NormalisationStep, type Period, type Problem } from './model';

export const RATING = 'scorecard.rating';

/** A metric query the score came from (what the explanation names and the records API can replay). */
export interface MetricQuery {
  metrics: string[];
  groupBy: string[];
  from: string;
  to: string;
}

/** Rank stability of a metric indicator across the people evaluated together. */
export interface Noise {
  method: 'halves' | 'previous';
  periods: [string, string];
  rho: number | null;
  people: number;
  mostly_noise: boolean;
}

export interface IndicatorResult {
  id: string;
  label: string;
  kind: Indicator['kind'];
  weight: number;
  raw: number | null;
  score: number;
  part: number;
  normalisation: NormalisationStep;
  explanation: {
    metric?: string;
    query?: MetricQuery;
    inputs?: Record<string, number | null>;
    steps?: { pointer: string; sentence: string; value: unknown }[];
    ratings?: { rater_id: string; score: number }[];
    rater?: string;
    note?: string;
  };
  noise?: Noise;
}

export interface DimensionResult {
  id: string;
  label: string;
  weight: number;
  score: number;
  part: number;
  indicators: IndicatorResult[];
}

export interface PersonResult {
  rep_id: string;
  name: string;
  org_unit_id: string | null;
  total: number;
  dimensions: DimensionResult[];
}

export interface Computation {
  period: Period;
  as_of: string;
  people: PersonResult[];
  noise: Record<string, Noise>;
  /** What the percent-of-target indicators found: OKR targets per indicator, or why none. */
  targets: Record<string, TargetsFound>;
}

/** For one percent-of-target metric indicator: how many people had an OKR target, and the fallback. */
export interface TargetsFound {
  metric: string;
  periods: string[];
  /** False when the OKR plugin is not installed (or its targets cannot be read). */
  okr: boolean;
  people_with_target: number;
  people_without_target: number;
  /** The definition's target, used for the people without an OKR target (null: they score 0). */
  fallback: number | null;
}

export const OKR_TARGET = 'okr.target';

/**
 * The OKR plugin's sales targets (`okr.target`) of people for some metrics over a scorecard
 * period: person -> metric -> target. A year or half-year sums its quarters' targets, and counts
 * only when every quarter has one. Read through the records API with the caller's visibility
 * (targets are readable by everyone); `available` is false when no such entity is installed.
 */
export async function okrTargets(services: PluginServices, metrics: string[], periodId: string): Promise<{ available: boolean; periods: string[]; byPerson: Map<string, Map<string, TargetSource>> }> {
  const periods = targetPeriods(periodId);
  const byPerson = new Map<string, Map<string, TargetSource>>();
  if (metrics.length === 0) return { available: true, periods, byPerson };
  const parts = new Map<string, { value: number; records: string[]; periods: Set<string> }>();
  try {
    for (const metric of metrics) {
      for (const period of periods) {
        let cursor: string | undefined;
        do {
          const page = await services.records.list(OKR_TARGET, { filter: { metric, period }, limit: 1000, ...(cursor ? { cursor } : {}) });
          for (const t of page.items) {
            const user = t.data.scope_user;
            const value = t.data.value;
            if (typeof user !== 'string' || user === '' || typeof value !== 'number') continue;
            const key = `${user}\u0000${metric}`;
            const p = parts.get(key) ?? { value: 0, records: [], periods: new Set<string>() };
            p.value += value;
            p.records.push(t.id);
            p.periods.add(period);
            parts.set(key, p);
          }
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }
    }
  } catch (err) {
    // No OKR plugin installed: its entity is unknown (404); the definition's targets apply.
    if (err instanceof PipewrightError && err.status === 404) return { available: false, periods, byPerson };
    throw err;
  }
  for (const [key, p] of parts) {
    if (p.periods.size !== periods.length) continue;
    const [user, metric] = key.split('\u0000') as [string, string];
    const mine = byPerson.get(user) ?? new Map<string, TargetSource>();
    mine.set(metric, { value: p.value, source: 'okr', records: p.records, periods });
    byPerson.set(user, mine);
  }
  return { available: true, periods, byPerson };
}

/** Throws 422 naming every problem of a definition (pointers under `prefix`), including metrics unknown to the catalogue and rules the engine refuses. */
export async function assertDefinition(def: Definition, services: Pick<PluginServices, 'metrics' | 'rules'>, prefix: string): Promise<void> {
  const problems = await definitionProblems(def, services);
  if (problems.length > 0) {
    throw new ValidationError({ code: 'scorecard.invalid-definition', message: problems.map((p) => p.message).join('; '), details: problems.map((p) => ({ ...p, pointer: prefix + p.pointer })) });
  }
}

/** Every problem of a definition: weights, members, unknown metrics, invalid rules. */
export async function definitionProblems(def: Definition, services: Pick<PluginServices, 'metrics' | 'rules'>): Promise<Problem[]> {
  const problems = checkDefinition(def);
  const named = metricsOf(def);
  const distinct = [...new Set(named.map((n) => n.metric))];
  if (distinct.length > 0) {
    try {
      // One query names every metric; the metric layer answers 422 with /metrics/<i> for each it does not know.
      await services.metrics.query({ metrics: distinct, from: '1970-01-01', to: '1970-01-01' });
    } catch (err) {
      if (!(err instanceof PipewrightError) || err.status !== 422) throw err;
      const unknown = new Set<string>();
      for (const d of err.details) {
        const m = /^\/metrics\/(\d+)/.exec(d.pointer);
        if (m) unknown.add(distinct[Number(m[1])]!);
      }
      if (unknown.size === 0) throw err;
      for (const n of named) if (unknown.has(n.metric)) problems.push({ pointer: n.pointer, message: `"${n.metric}" is not a metric of the metric layer (GET /api/metrics lists them)`, code: 'unknown-metric' });
    }
  }
  // A rule may name saved rules of the rule library ({"rule": "<id>"}, ADR 032): checked expanded.
  for (const [i, d] of def.dimensions.entries()) {
    for (const [j, x] of (d.indicators ?? []).entries()) {
      if (x.kind !== 'rule' || x.rule === undefined) continue;
      try {
        checkRule(await services.rules.expand(x.rule));
      } catch (err) {
        if (!(err instanceof PipewrightError)) throw err;
        const details = err.details.length > 0 ? err.details : [{ pointer: err.pointer ?? '', message: err.message }];
        for (const e of details) problems.push({ pointer: `/dimensions/${i}/indicators/${j}/rule${e.pointer}`, message: e.message, code: 'invalid-rule' });
      }
    }
  }
  return problems;
}

type Values = Map<string, Record<string, number | null>>;

/** Metric values per owner for a period: owner id -> metric -> value (absent rows: no value). */
async function valuesByOwner(services: PluginServices, metrics: string[], period: Period): Promise<Values> {
  const out: Values = new Map();
  if (metrics.length === 0) return out;
  const { rows } = await services.metrics.query({ metrics, groupBy: ['owner'], from: period.from, to: period.to });
  for (const r of rows) {
    const id = r.owner_id;
    if (typeof id !== 'string') continue;
    out.set(id, Object.fromEntries(metrics.map((m) => [m, typeof r[m] === 'number' ? (r[m] as number) : null])));
  }
  return out;
}

/** `{ "pipeline.won_count": 3 }` -> `{ pipeline: { won_count: 3 } }`, so `{"var": "pipeline.won_count"}` reads it. */
function nested(values: Record<string, number | null>): Record<string, unknown> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(values)) {
    const dot = k.indexOf('.');
    const plugin = k.slice(0, dot);
    (out[plugin] ??= {})[k.slice(dot + 1)] = v;
  }
  return out;
}

function steps(node: ExplainNode, out: { pointer: string; sentence: string; value: unknown }[] = []) {
  out.push({ pointer: node.pointer, sentence: node.sentence, value: node.value });
  for (const c of node.children) steps(c, out);
  return out;
}

/** Who is evaluated: users holding one of the roles under the scope unit (the whole org without one). */
export async function peopleInScope(services: PluginServices, scope: string | null, roles: string[]): Promise<PluginUser[]> {
  const seen = new Map<string, PluginUser>();
  // Without a scope: everyone under the roots of the org tree (users outside it are not evaluated).
  const units = scope ? [scope] : (await services.directory.orgUnits()).filter((u) => u.parentId === null).map((u) => u.id);
  for (const under of units) for (const role of roles) for (const u of await services.directory.users({ under, role })) seen.set(u.id, u);
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

interface RatingRecord {
  rep_id: string;
  relation: string;
  rater_id: string;
  scores: { dimension_id: string; indicator_id: string; score: number }[];
}

/**
 * Computes the evaluations of the given people for a period: raw value -> normalised -> weighted
 * -> dimension -> total, each score explained, and the rank stability of every metric indicator.
 * Reads with the caller's visibility (metrics and ratings).
 */
export async function compute(services: PluginServices, def: Definition, periodId: string, people: PluginUser[], scorecardId: string | null): Promise<Computation> {
  const period = periodRange(periodId);
  const metricIndicators = def.dimensions.flatMap((d) => (d.indicators ?? []).filter((x) => x.kind === 'metric' && x.metric).map((x) => ({ key: `${d.id}.${x.id}`, metric: x.metric! })));
  const metrics = [...new Set(metricsOf(def).map((m) => m.metric))];
  const values = await valuesByOwner(services, metrics, period);
  const as_of = services.clock.now().toISOString();
  // Saved rules an indicator names are resolved once, at the versions the scorecard pinned when
  // it was saved (a definition never saved, e.g. the designer's preview: the latest). The
  // evaluation keeps the result and its steps, so what a computed evaluation says does not change.
  const rules = new Map<Indicator, unknown>();
  const pinned = def.rule_versions ? { pinned: def.rule_versions } : {};
  for (const d of def.dimensions) for (const x of d.indicators ?? []) if (x.kind === 'rule' && x.rule !== undefined) rules.set(x, (await services.rules.resolve(x.rule, pinned)).logic);

  const ratings: RatingRecord[] = [];
  if (scorecardId && def.dimensions.some((d) => (d.indicators ?? []).some((x) => x.kind === 'rating'))) {
    let cursor: string | undefined;
    do {
      const page = await services.records.list(RATING, { filter: { scorecard_id: scorecardId, period: periodId }, limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const r of page.items) ratings.push(r.data as unknown as RatingRecord);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  const query = (metric: string): MetricQuery => ({ metrics: [metric], groupBy: ['owner'], from: period.from, to: period.to });
  const rawOf = (person: string, d: Definition['dimensions'][number], x: Indicator): { raw: number | null; explanation: IndicatorResult['explanation'] } => {
    const mine = values.get(person) ?? {};
    if (x.kind === 'metric') {
      const raw = mine[x.metric!] ?? null;
      return { raw, explanation: { metric: x.metric!, query: query(x.metric!), ...(raw === null ? { note: 'no value in the period' } : {}) } };
    }
    if (x.kind === 'rule') {
      const inputs = Object.fromEntries((x.inputs ?? []).map((m) => [m, mine[m] ?? null]));
      let tree: ExplainNode;
      try {
        tree = explain(rules.get(x) ?? x.rule, nested(inputs), { budget: { maxSteps: 100_000, maxLength: 10_000 } });
      } catch (err) {
        if (!(err instanceof PipewrightError)) throw err;
        return { raw: null, explanation: { inputs, note: `the rule could not be evaluated: ${err.message}` } };
      }
      const v = typeof tree.value === 'number' && Number.isFinite(tree.value) ? tree.value : typeof tree.value === 'boolean' ? (tree.value ? 100 : 0) : null;
      return { raw: v, explanation: { inputs, steps: steps(tree) } };
    }
    const given = ratings
      .filter((r) => r.rep_id === person && r.relation === x.rater)
      .flatMap((r) => r.scores.filter((s) => s.dimension_id === d.id && s.indicator_id === x.id).map((s) => ({ rater_id: r.rater_id, score: s.score })));
    const raw = given.length === 0 ? null : given.reduce((a, g) => a + g.score, 0) / given.length;
    return { raw, explanation: { rater: x.rater!, ratings: given, ...(raw === null ? { note: 'not rated yet' } : {}) } };
  };

  // Raw values for everyone first: min-max and percentile normalise within the cohort.
  const raws = new Map<string, Map<string, ReturnType<typeof rawOf>>>();
  for (const p of people) {
    const m = new Map<string, ReturnType<typeof rawOf>>();
    for (const d of def.dimensions) for (const x of d.indicators ?? []) m.set(`${d.id}.${x.id}`, rawOf(p.id, d, x));
    raws.set(p.id, m);
  }
  const cohort = (key: string) => people.map((p) => raws.get(p.id)!.get(key)!.raw);

  const noise = await noiseOf(services, def, periodId, people, metricIndicators);

  // Percent of target: the OKR plugin's sales target of the person, period and metric when there is one.
  const targetIndicators = def.dimensions.flatMap((d) => (d.indicators ?? []).filter((x) => x.kind === 'metric' && x.metric && x.normalise?.method === 'percent_of_target').map((x) => ({ key: `${d.id}.${x.id}`, metric: x.metric!, fallback: x.normalise?.target ?? null })));
  const okr = await okrTargets(services, [...new Set(targetIndicators.map((t) => t.metric))], periodId);
  const targets: Record<string, TargetsFound> = {};
  for (const t of targetIndicators) {
    const withTarget = people.filter((p) => okr.byPerson.get(p.id)?.has(t.metric)).length;
    targets[t.key] = { metric: t.metric, periods: okr.periods, okr: okr.available, people_with_target: withTarget, people_without_target: people.length - withTarget, fallback: t.fallback };
  }

  const results: PersonResult[] = people.map((p) => {
    const mine = raws.get(p.id)!;
    const unrounded: number[] = [];
    const dims = def.dimensions.map((d) => {
      const indicators = (d.indicators ?? []).map((x) => {
        const key = `${d.id}.${x.id}`;
        const { raw, explanation } = mine.get(key)!;
        const step: NormalisationStep =
          x.kind === 'rating' ? { method: 'rating', score: raw === null ? 0 : ratingScore(raw), detail: raw === null ? { reason: 'no value' } : { scale: '1-5' } } : normalise(raw, x.normalise ?? { method: x.kind === 'rule' ? 'none' : 'percentile' }, cohort(key), x.kind === 'metric' && x.metric ? okr.byPerson.get(p.id)?.get(x.metric) : null);
        unrounded.push((step.score * x.weight * d.weight) / 10_000);
        return { id: x.id, label: x.label, kind: x.kind, weight: x.weight, raw, score: round(step.score, 4), part: 0, normalisation: step, explanation, ...(noise[key] ? { noise: noise[key] } : {}) } satisfies IndicatorResult;
      });
      const score = (d.indicators ?? []).reduce((a, x, i) => a + (indicators[i]!.normalisation.score * x.weight) / 100, 0);
      return { id: d.id, label: d.label, weight: d.weight, score: round(score, 4), part: 0, indicators } satisfies DimensionResult;
    });
    // The parts, rounded to cents so that they add up to the total exactly.
    const cents = centsSummingTo(unrounded);
    let k = 0;
    for (const d of dims) {
      let c = 0;
      for (const x of d.indicators) {
        x.part = cents[k++]!;
        c += Math.round(x.part * 100);
      }
      d.part = c / 100;
    }
    const total = Math.round(cents.reduce((a, c) => a + Math.round(c * 100), 0)) / 100;
    return { rep_id: p.id, name: p.name, org_unit_id: p.orgUnitId, total, dimensions: dims };
  });
  return { period, as_of, people: results, noise, targets };
}

/**
 * Rank stability of each metric indicator: Spearman's correlation across the people of the
 * metric's values in the two halves of the period (or this period and the previous one), over
 * the people with a value in both. Below 0.5 the indicator is "mostly noise".
 */
export async function noiseOf(services: PluginServices, def: Definition, periodId: string, people: PluginUser[], indicators: { key: string; metric: string }[]): Promise<Record<string, Noise>> {
  const method = def.noise?.method ?? 'halves';
  if (indicators.length === 0) return {};
  const [a, b] = method === 'halves' ? halves(periodId) : [periodRange(previousPeriod(periodId)), periodRange(periodId)];
  const metrics = [...new Set(indicators.map((i) => i.metric))];
  const [va, vb] = [await valuesByOwner(services, metrics, a), await valuesByOwner(services, metrics, b)];
  const out: Record<string, Noise> = {};
  for (const { key, metric } of indicators) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const p of people) {
      const x = va.get(p.id)?.[metric] ?? null;
      const y = vb.get(p.id)?.[metric] ?? null;
      if (x !== null && y !== null) {
        xs.push(x);
        ys.push(y);
      }
    }
    const rho = spearman(xs, ys);
    out[key] = { method, periods: [a.id, b.id], rho: rho === null ? null : round(rho, 4), people: xs.length, mostly_noise: rho === null || rho < NOISE_THRESHOLD };
  }
  return out;
}

/**
 * The saved-rule versions the definition's rule indicators reach now (id to version): what a
 * save of the scorecard pins (ADR 032 addendum). An unknown reference pins nothing here; the
 * definition's check refuses it.
 *
 * @example
 * ```ts
 * await rulePins(card, services); // { 'tiered-wins': 2 }
 * ```
 */
export async function rulePins(def: Definition, services: Pick<PluginServices, 'rules'>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const d of def.dimensions ?? []) {
    for (const x of d.indicators ?? []) {
      if (x.kind !== 'rule' || x.rule === undefined) continue;
      try {
        Object.assign(out, (await services.rules.resolve(x.rule)).versions);
      } catch (err) {
        if (!(err instanceof PipewrightError)) throw err;
      }
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}
