/**
 * The pipeline analytics page's pure model: the answers of `POST /api/metrics/funnel`,
 * `GET /api/pipeline/time-in-stage` and `GET /api/pipeline/stuck` put in process stage order,
 * totals, locale formatting and problem+json text. No React, no I/O: unit-tested on its own.
 */

/** A stage of the process, as the funnel answer lists them (latest published version, in order). */
export interface ProcessStage {
  id: string;
  label: string;
  kind: string;
}

/** The answer of `POST /api/metrics/funnel`. */
export interface FunnelAnswer {
  process: string;
  stages: ProcessStage[];
  rows: Record<string, string | number | null>[];
  asOf: string;
}

/** One stage's conversion figures. */
export interface StageConversion {
  stage: string;
  entered: number;
  won: number;
  lost: number;
  /** won / entered (null when nothing entered). */
  wonPerEntered: number | null;
  /** won / (won + lost) (null when nothing closed). */
  wonPerClosed: number | null;
}

/** The conversion of one value of the split dimension (`key` null: the value is empty; `all`: no split). */
export interface FunnelGroup {
  key: string | null;
  stages: StageConversion[];
}

/** The funnel, in stage order, per group, with the totals over every group. */
export interface FunnelModel {
  /** Stage ids in process order (stages of rows unknown to the process last). */
  stages: string[];
  groups: FunnelGroup[];
  /** Per stage, summed over the groups (each record has one value of a dimension). */
  total: StageConversion[];
  /** Won and lost stages: their rates are 100% and 0% by definition. */
  terminal: string[];
}

const rate = (n: number, d: number): number | null => (d > 0 ? n / d : null);

function conversion(stage: string, entered: number, won: number, lost: number): StageConversion {
  return { stage, entered, won, lost, wonPerEntered: rate(won, entered), wonPerClosed: rate(won, won + lost) };
}

/** Stage ids in the process's order, then any other stage the rows name (sorted). */
export function stageOrder(processStages: readonly { id: string }[], seen: Iterable<string>): string[] {
  const order = processStages.map((s) => s.id);
  const extra = [...new Set(seen)].filter((s) => !order.includes(s)).sort();
  return [...order, ...extra];
}

/**
 * The funnel answer as the page shows it: per group (one value of the split dimension, or one
 * group `all` without a split) a figure for every stage of the process (zero when no record
 * entered it), and the totals.
 *
 * @example
 * ```ts
 * funnelModel({ process: 'p', stages: [{ id: 'a', label: 'A', kind: 'open' }], rows: [{ stage: 'a', entered: 4, won: 1, lost: 1 }], asOf: '' }, null);
 * // { stages: ['a'], groups: [{ key: 'all', stages: [{ stage: 'a', entered: 4, won: 1, lost: 1, wonPerEntered: 0.25, wonPerClosed: 0.5 }] }], total: [...] }
 * ```
 */
export function funnelModel(answer: FunnelAnswer, split: string | null): FunnelModel {
  const stages = stageOrder(answer.stages, answer.rows.map((r) => String(r.stage)));
  const byGroup = new Map<string | null, Map<string, { entered: number; won: number; lost: number }>>();
  for (const r of answer.rows) {
    const key = split ? ((r[split] as string | null) ?? null) : 'all';
    const group = byGroup.get(key) ?? new Map();
    byGroup.set(key, group);
    const s = group.get(String(r.stage)) ?? { entered: 0, won: 0, lost: 0 };
    s.entered += Number(r.entered ?? 0);
    s.won += Number(r.won ?? 0);
    s.lost += Number(r.lost ?? 0);
    group.set(String(r.stage), s);
  }
  const figures = (g: Map<string, { entered: number; won: number; lost: number }> | undefined) =>
    stages.map((s) => {
      const f = g?.get(s);
      return conversion(s, f?.entered ?? 0, f?.won ?? 0, f?.lost ?? 0);
    });
  const groups = [...byGroup.entries()].map(([key, g]) => ({ key, stages: figures(g) }));
  const total = stages.map((s) => {
    let entered = 0;
    let won = 0;
    let lost = 0;
    for (const g of byGroup.values()) {
      entered += g.get(s)?.entered ?? 0;
      won += g.get(s)?.won ?? 0;
      lost += g.get(s)?.lost ?? 0;
    }
    return conversion(s, entered, won, lost);
  });
  const terminal = answer.stages.filter((s) => s.kind === 'won' || s.kind === 'lost').map((s) => s.id);
  return { stages, groups, total, terminal };
}

/**
 * The figures of the funnel's first stage (every record of the process enters its start stage):
 * how many records entered the process, and the overall win rates.
 */
export function overall(model: FunnelModel): StageConversion | null {
  return model.total.find((s) => s.entered > 0) ?? null;
}

/** A stage's stays, as `GET /api/pipeline/time-in-stage` answers them. */
export interface StageTime {
  stage: string;
  finished: number;
  meanDays: number | null;
  medianDays: number | null;
  p75Days: number | null;
  p90Days: number | null;
  current: number;
  currentMeanDays: number | null;
}

/** The time-in-stage answer's stages in process order (stages without stays left out). */
export function timeInStageModel(processStages: readonly { id: string }[], stages: readonly StageTime[]): StageTime[] {
  const order = stageOrder(processStages, stages.map((s) => s.stage));
  return [...stages].sort((a, b) => order.indexOf(a.stage) - order.indexOf(b.stage));
}

/** A stuck record, as `GET /api/pipeline/stuck` answers it. */
export interface StuckRecord {
  record: string;
  name: string | null;
  owner: string | null;
  stage: string;
  enteredAt: string;
  dueAt: string | null;
  days: number;
  p75Days: number | null;
  reasons: string[];
}

/** A count in the reader's locale (`8,800`, `8,800`). */
export function formatCount(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

/**
 * A rate as a percentage in the reader's locale, one decimal; `–` when there is none.
 *
 * @example
 * ```ts
 * formatRate(0.6312, 'en'); // '63.1%'
 * formatRate(null, 'zh-CN'); // '–'
 * ```
 */
export function formatRate(value: number | null, locale: string): string {
  if (value === null || Number.isNaN(value)) return '–';
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
}

/**
 * Days in the reader's locale, one decimal; `–` when there are none.
 *
 * @example
 * ```ts
 * formatDays(12.25, 'en'); // '12.3 days'
 * formatDays(1, 'zh-CN'); // '1天'
 * ```
 */
export function formatDays(value: number | null, locale: string): string {
  if (value === null || Number.isNaN(value)) return '–';
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'day', unitDisplay: 'long', maximumFractionDigits: 1 }).format(value);
}

/** A timestamp's calendar date in the reader's locale (UTC, as stage history's dates are stored). */
export function formatDate(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

/** A failed call, readable: the problem's title and detail, and one line per member it names. */
export interface ProblemText {
  status: number | null;
  title: string;
  detail: string;
  errors: string[];
}

/**
 * Reads an error thrown by the host's API client (which carries the RFC 9457 problem document
 * as `problem`) or any other error into text for the page.
 *
 * @example
 * ```ts
 * problemText({ problem: { status: 422, title: 'Unprocessable Content', detail: 'The funnel query is invalid', errors: [{ pointer: '/from', message: 'is after "to"' }] } });
 * // { status: 422, title: 'Unprocessable Content', detail: 'The funnel query is invalid', errors: ['/from: is after "to"'] }
 * ```
 */
export function problemText(err: unknown): ProblemText {
  const p = (err as { problem?: unknown } | null)?.problem;
  if (p && typeof p === 'object') {
    const doc = p as { status?: unknown; title?: unknown; detail?: unknown; errors?: unknown };
    const errors = Array.isArray(doc.errors)
      ? doc.errors.map((e: { pointer?: unknown; message?: unknown; parameter?: unknown }) => {
          const where = typeof e.pointer === 'string' && e.pointer !== '' ? e.pointer : typeof e.parameter === 'string' ? e.parameter : '';
          return where ? `${where}: ${String(e.message ?? '')}` : String(e.message ?? '');
        })
      : [];
    return { status: typeof doc.status === 'number' ? doc.status : null, title: typeof doc.title === 'string' ? doc.title : '', detail: typeof doc.detail === 'string' ? doc.detail : '', errors };
  }
  return { status: null, title: '', detail: err instanceof Error ? err.message : String(err), errors: [] };
}

/** The page's query: process, period and split; kept in the address so a view can be shared. */
export interface AnalyticsQuery {
  process: string;
  from: string;
  to: string;
  split: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * The query an address's search string holds (unknown or malformed members fall back to the
 * defaults: process `new_business`, all time, no split).
 *
 * @example
 * ```ts
 * readQuery('?from=2017-01-01&split=office'); // { process: 'new_business', from: '2017-01-01', to: '', split: 'office' }
 * ```
 */
export function readQuery(search: string): AnalyticsQuery {
  const s = new URLSearchParams(search);
  const get = (k: string, ok: RegExp, fallback: string) => {
    const v = s.get(k) ?? '';
    return ok.test(v) ? v : fallback;
  };
  return { process: get('process', ID, 'new_business'), from: get('from', DATE, ''), to: get('to', DATE, ''), split: get('split', ID, '') };
}

/** The search string of a query (defaults left out). */
export function writeQuery(q: AnalyticsQuery): string {
  const s = new URLSearchParams();
  if (q.process !== 'new_business') s.set('process', q.process);
  if (q.from) s.set('from', q.from);
  if (q.to) s.set('to', q.to);
  if (q.split) s.set('split', q.split);
  const text = s.toString();
  return text ? `?${text}` : '';
}

/** The body of `POST /api/metrics/funnel` for a query. */
export function funnelRequest(q: AnalyticsQuery): Record<string, unknown> {
  return { process: q.process, ...(q.split ? { groupBy: [q.split] } : {}), ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) };
}
