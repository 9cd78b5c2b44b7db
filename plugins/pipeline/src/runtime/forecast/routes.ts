import type { PluginRoute } from './types';
import { backtest } from './backtest';
import { asOf, DAY, wonAt, type DealInput } from './engine';
import { modelForecast } from './stacked';
import { loadDeals, type LoadedDeal } from './load';

/** A refusal the platform answers as problem+json (duck-typed platform error: code, kind, status, details). */
class ForecastProblem extends Error {
  readonly kind = 'user';
  readonly status: number;
  readonly code: string;
  readonly details: { pointer: string; parameter: string; message: string; code: string }[];
  constructor(status: number, parameter: string, message: string) {
    super(`Bad query parameter ${parameter}: ${message}.`);
    this.status = status;
    this.code = 'query.invalid';
    this.details = [{ pointer: '', parameter, message, code: 'invalid-parameter' }];
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dayOf = (s: string, parameter: string): number => {
  const t = DATE.test(s) ? Date.parse(`${s}T00:00:00Z`) : Number.NaN;
  if (!Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== s) throw new ForecastProblem(422, parameter, 'must be a calendar date (YYYY-MM-DD)');
  return t;
};

const addMonths = (t: number, n: number) => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, d.getUTCDate());
};

/** Origins from `from` to `to` (both days, UTC midnight), a month or a quarter apart. */
export function originsBetween(from: number, to: number, step: 'monthly' | 'quarterly'): number[] {
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const t = addMonths(from, i * (step === 'monthly' ? 1 : 3));
    if (t > to) break;
    out.push(t);
  }
  return out;
}

const MAX_ORIGINS = 60;

const money = { type: 'number' } as const;
const backtestResponse = {
  type: 'object',
  required: ['horizonDays', 'origins', 'mape', 'coverage'],
  properties: {
    horizonDays: { type: 'integer' },
    origins: {
      type: 'array',
      items: {
        type: 'object',
        required: ['origin', 'actual', 'forecast', 'p10', 'p90', 'baselines'],
        properties: { origin: { type: 'string' }, actual: money, forecast: money, p10: money, p90: money, baselines: { type: 'object', required: ['weighted_pipeline', 'run_rate'], properties: { weighted_pipeline: money, run_rate: money } } },
      },
    },
    mape: { type: 'object', required: ['model', 'weighted_pipeline', 'run_rate'], properties: { model: { type: ['number', 'null'] }, weighted_pipeline: { type: ['number', 'null'] }, run_rate: { type: ['number', 'null'] } } },
    coverage: { type: 'object', required: ['inside', 'of'], properties: { inside: { type: 'integer' }, of: { type: 'integer' } } },
  },
};

/** Forecast categories a rep sets on a deal (closed is derived: won in the period). */
export const CATEGORIES = ['pipeline', 'best_case', 'commit', 'omitted'] as const;
export type Category = (typeof CATEGORIES)[number];

/** A deal's category: the one set on it, else from its stage's probability (>= 0.75 commit, >= 0.5 best case, else pipeline). */
export function categoryOf(d: LoadedDeal, probability: number): Category {
  const set = d.record.data.forecast_category;
  if (typeof set === 'string' && (CATEGORIES as readonly string[]).includes(set)) return set as Category;
  return probability >= 0.75 ? 'commit' : probability >= 0.5 ? 'best_case' : 'pipeline';
}

export interface Figures {
  closed: number;
  weighted_pipeline: number;
  open: number;
  categories: Record<Category, number>;
  /** Cumulative calls: commit = closed + commit; best case = commit + best case; pipeline = best case + pipeline. */
  rollup: { commit: number; best_case: number; pipeline: number };
  /** History-based: closed so far plus the model's forecast from now to the period's end. */
  model: { forecast: number; p10: number; p90: number };
}

const r2 = (n: number) => Math.round(n * 100) / 100;

/** The period (grain month or quarter) containing the day `t`. */
export function periodOf(t: number, grain: 'month' | 'quarter'): { start: number; end: number } {
  const d = new Date(t);
  const m = grain === 'month' ? d.getUTCMonth() : d.getUTCMonth() - (d.getUTCMonth() % 3);
  const start = Date.UTC(d.getUTCFullYear(), m, 1);
  return { start, end: Date.UTC(d.getUTCFullYear(), m + (grain === 'month' ? 1 : 3), 1) };
}

/**
 * The figures of one scope for a period [start, end) seen at `now`: won so far, and the deals
 * open now that are expected in the period (expected close date in it; without one, in the
 * period that holds `now`), weighted and by category, and the history-based forecast.
 */
export function figures(all: readonly LoadedDeal[], inScope: (d: DealInput) => boolean, period: { start: number; end: number }, now: number): Figures {
  const current = period.start <= now && now < period.end;
  const cats: Record<Category, number> = { pipeline: 0, best_case: 0, commit: 0, omitted: 0 };
  let closed = 0;
  let weighted = 0;
  let open = 0;
  for (const d of all) {
    if (!inScope(d)) continue;
    const w = wonAt(d);
    if (w !== null && w >= period.start && w < period.end && w <= now) closed += d.closeValue;
    const a = asOf(d, now + 1);
    if (!a || a.state !== 'open') continue;
    const expected = typeof d.record.data.expected_close_date === 'string' ? Date.parse(`${d.record.data.expected_close_date}T00:00:00Z`) : null;
    if (expected === null ? !current : expected < period.start || expected >= period.end) continue;
    const p = a.stay?.probability ?? 0;
    open += d.amount;
    weighted += d.amount * p;
    cats[categoryOf(d, p)] += d.amount;
  }
  let model = { forecast: closed, p10: closed, p90: closed };
  if (period.end > now) {
    const horizon = Math.max(1, Math.round((period.end - Math.max(now, period.start)) / DAY));
    const m = modelForecast(all, now, horizon, inScope);
    model = { forecast: closed + m.forecast, p10: closed + m.p10, p90: closed + m.p90 };
  }
  return {
    closed: r2(closed),
    weighted_pipeline: r2(weighted),
    open: r2(open),
    categories: { pipeline: r2(cats.pipeline), best_case: r2(cats.best_case), commit: r2(cats.commit), omitted: r2(cats.omitted) },
    rollup: { commit: r2(closed + cats.commit), best_case: r2(closed + cats.commit + cats.best_case), pipeline: r2(closed + cats.commit + cats.best_case + cats.pipeline) },
    model: { forecast: r2(model.forecast), p10: r2(model.p10), p90: r2(model.p90) },
  };
}

const figuresSchema = {
  type: 'object',
  required: ['closed', 'weighted_pipeline', 'open', 'categories', 'rollup', 'model'],
  properties: {
    closed: money,
    weighted_pipeline: money,
    open: money,
    categories: { type: 'object', required: [...CATEGORIES], properties: Object.fromEntries(CATEGORIES.map((c) => [c, money])) },
    rollup: { type: 'object', required: ['commit', 'best_case', 'pipeline'], properties: { commit: money, best_case: money, pipeline: money } },
    model: { type: 'object', required: ['forecast', 'p10', 'p90'], properties: { forecast: money, p10: money, p90: money } },
  },
};

export const forecastRoutes: PluginRoute[] = [
  {
    method: 'get',
    path: '/forecast/backtest',
    summary: 'Replays the history-based forecast and two baselines at past origins',
    description:
      'At each origin (from `from` to `to`, a month or a quarter apart) the model is learned from what was known then (deals created before it, their stage then from the stage history, closes before it) and forecasts the won value closed in (origin, origin + horizonDays]; the answer holds that actual value, the P10-P90 range, the weighted-pipeline and run-rate baselines, their MAPE and how often the range held the actual. Counts only the deals the caller may see.',
    query: {
      horizonDays: { type: 'integer', minimum: 7, maximum: 366, default: 91 },
      origins: { type: 'string', enum: ['monthly', 'quarterly'], default: 'monthly' },
      from: { type: 'string', format: 'date', required: true },
      to: { type: 'string', format: 'date', required: true },
    },
    response: backtestResponse,
    async handler(ctx) {
      const horizon = ctx.query.horizonDays ? Number(ctx.query.horizonDays) : 91;
      const from = dayOf(ctx.query.from ?? '', 'from');
      const to = dayOf(ctx.query.to ?? '', 'to');
      if (to < from) throw new ForecastProblem(422, 'to', 'must not be before from');
      const origins = originsBetween(from, to, ctx.query.origins === 'quarterly' ? 'quarterly' : 'monthly');
      if (origins.length > MAX_ORIGINS) throw new ForecastProblem(422, 'to', `at most ${MAX_ORIGINS} origins per backtest`);
      const deals = await loadDeals(ctx);
      return backtest(deals, origins, horizon);
    },
  },
  {
    method: 'get',
    path: '/forecast',
    summary: 'The forecast of a period for a scope: closed, weighted pipeline, categories and the history-based range',
    description:
      'For the month or quarter holding `date` (default today) and a scope (the company, an org unit, or a rep), the won value so far, the deals open now that are expected in the period weighted by their stage probability and summed by forecast category (with the cumulative commit / best case / pipeline calls), and the history-based forecast with its P10-P90 range; `rows` breaks the scope down one level (units below it, or its reps). Counts only the deals the caller may see.',
    query: {
      period: { type: 'string', enum: ['month', 'quarter'], default: 'quarter' },
      date: { type: 'string', format: 'date' },
      unit: { type: 'string', minLength: 1, maxLength: 200 },
      owner: { type: 'string', minLength: 1, maxLength: 200 },
    },
    response: {
      type: 'object',
      required: ['period', 'scope', 'asOf', 'total', 'rows'],
      properties: {
        period: { type: 'object', required: ['grain', 'start', 'end'], properties: { grain: { type: 'string' }, start: { type: 'string' }, end: { type: 'string' } } },
        scope: { type: 'object', required: ['kind', 'id', 'name'], properties: { kind: { type: 'string' }, id: { type: ['string', 'null'] }, name: { type: 'string' } } },
        asOf: { type: 'string' },
        total: figuresSchema,
        rows: { type: 'array', items: { type: 'object', required: ['kind', 'id', 'name', 'figures'], properties: { kind: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, figures: figuresSchema } } },
      },
    },
    async handler(ctx) {
      const grain = ctx.query.period === 'month' ? 'month' : 'quarter';
      const now = ctx.clock.now().getTime();
      const day = ctx.query.date ? dayOf(ctx.query.date, 'date') : now;
      const period = periodOf(day, grain);
      if (period.start > now) throw new ForecastProblem(422, 'date', 'must not lie in a future period (the forecast is made today)');
      if (ctx.query.unit && ctx.query.owner) throw new ForecastProblem(422, 'owner', 'give a unit or an owner, not both');
      const directory = ctx.directory;
      const units = await directory.orgUnits();
      const unitById = new Map(units.map((u) => [u.id, u]));
      const deals = await loadDeals(ctx);
      const under = (unitId: string) => (d: DealInput) => d.orgUnit !== null && (d.orgUnit === unitId || (unitById.get(d.orgUnit)?.path.includes(unitId) ?? false));
      let scope: { kind: string; id: string | null; name: string };
      let inScope: (d: DealInput) => boolean;
      let rows: { kind: string; id: string; name: string; inScope: (d: DealInput) => boolean }[] = [];
      const people = await directory.users({ includeInactive: true });
      const personName = (id: string) => people.find((p) => p.id === id)?.name ?? id;
      const repsOf = (test: (d: DealInput) => boolean) =>
        [...new Set(deals.filter(test).map((d) => d.owner).filter((o): o is string => o !== null))].map((o) => ({ kind: 'rep', id: o, name: personName(o), inScope: (d: DealInput) => d.owner === o })).sort((a, b) => a.name.localeCompare(b.name));
      if (ctx.query.owner) {
        const owner = ctx.query.owner;
        scope = { kind: 'rep', id: owner, name: personName(owner) };
        inScope = (d) => d.owner === owner;
      } else {
        const root = ctx.query.unit ?? units.find((u) => u.parentId === null)?.id ?? null;
        if (ctx.query.unit && !unitById.has(ctx.query.unit)) throw new ForecastProblem(422, 'unit', 'is not an org unit');
        const u = root ? unitById.get(root) : undefined;
        scope = { kind: u?.kind ?? 'company', id: root, name: u?.name ?? 'Company' };
        inScope = root && ctx.query.unit ? under(root) : () => true;
        const children = units.filter((c) => c.parentId === root).sort((a, b) => a.name.localeCompare(b.name));
        rows = children.length ? children.map((c) => ({ kind: c.kind, id: c.id, name: c.name, inScope: under(c.id) })).filter((r) => deals.some(r.inScope)) : repsOf(inScope);
      }
      return {
        period: { grain, start: new Date(period.start).toISOString().slice(0, 10), end: new Date(period.end - DAY).toISOString().slice(0, 10) },
        scope,
        asOf: new Date(now).toISOString(),
        total: figures(deals, inScope, period, now),
        rows: rows.map((r) => ({ kind: r.kind, id: r.id, name: r.name, figures: figures(deals, (d) => inScope(d) && r.inScope(d), period, now) })),
      };
    },
  },
];
