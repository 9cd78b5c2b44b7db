/** Answers of the forecast routes, and the pure helpers the forecast page draws them with. */
import type { Backtest } from '../../wire/backtest';

export interface Figures {
  closed: number;
  weighted_pipeline: number;
  open: number;
  categories: { pipeline: number; best_case: number; commit: number; omitted: number };
  rollup: { commit: number; best_case: number; pipeline: number };
  model: { forecast: number; p10: number; p90: number };
}

export interface ForecastAnswer {
  period: { grain: 'month' | 'quarter'; start: string; end: string };
  scope: { kind: string; id: string | null; name: string };
  asOf: string;
  total: Figures;
  rows: { kind: string; id: string; name: string; figures: Figures }[];
}

export type { BacktestOrigin } from '../../wire/backtest';
/** The backtest route's answer. */
export type BacktestAnswer = Backtest;

/** The page's query, kept in the address. */
export interface ForecastQuery {
  period: 'month' | 'quarter';
  date: string;
  unit: string;
  from: string;
  to: string;
  horizon: number;
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Default backtest: seven monthly origins, the last one the latest month start whose horizon has passed. */
export function defaultBacktest(today: string, horizon = 91): { from: string; to: string } {
  const t = Date.parse(`${today}T00:00:00Z`) - horizon * 86_400_000;
  const d = new Date(t);
  const to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const e = new Date(to);
  return { from: iso(Date.UTC(e.getUTCFullYear(), e.getUTCMonth() - 6, 1)), to: iso(to) };
}

/** The query from the address (`?period=&date=&unit=&from=&to=&horizon=`), defaults filled in. */
export function readForecastQuery(search: string, today: string): ForecastQuery {
  const p = new URLSearchParams(search);
  const horizon = Number(p.get('horizon') ?? '91');
  const h = Number.isInteger(horizon) && horizon >= 7 && horizon <= 366 ? horizon : 91;
  const d = defaultBacktest(today, h);
  return { period: p.get('period') === 'month' ? 'month' : 'quarter', date: p.get('date') ?? today, unit: p.get('unit') ?? '', from: p.get('from') ?? d.from, to: p.get('to') ?? d.to, horizon: h };
}

/** The address query of a page query. */
export function writeForecastQuery(q: ForecastQuery): string {
  const p = new URLSearchParams({ period: q.period, date: q.date, from: q.from, to: q.to, horizon: String(q.horizon) });
  if (q.unit) p.set('unit', q.unit);
  return `?${p.toString()}`;
}

/** Money without cents, in the reader's locale. */
export function formatMoney(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(value);
}

/** A percentage with one decimal; `–` for none. */
export function formatPercent(value: number | null, locale: string): string {
  return value === null ? '–' : `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(value)}%`;
}

/** Texts the backtest chart shows. */
export interface BacktestChartText {
  actual: string;
  forecast: string;
  range: string;
  weighted: string;
  runRate: string;
}

/**
 * The backtest chart's ECharts option: per origin, the actual won value (bars), the history-based
 * forecast (line) inside its P10-P90 band (a stacked area: P10 invisible, then P90 - P10), and the
 * weighted-pipeline and run-rate baselines (dashed lines).
 */
export function backtestChartOption(bt: BacktestAnswer, text: BacktestChartText, locale: string): Record<string, unknown> {
  const categories = bt.origins.map((o) => o.origin.slice(0, 10));
  const money = (v: number) => formatMoney(v, locale);
  return {
    color: ['#9bb4e6', '#1f4fb3', '#1f4fb3', '#e0892b', '#2e9d6b'],
    grid: { left: 80, right: 24, top: 48, bottom: 32 },
    legend: { top: 0, data: [text.actual, text.forecast, text.range, text.weighted, text.runRate] },
    tooltip: {
      trigger: 'axis',
      formatter: (items: { dataIndex: number }[]) => {
        const o = bt.origins[items[0]?.dataIndex ?? 0];
        if (!o) return '';
        return [o.origin.slice(0, 10), `${text.actual}: <b>${money(o.actual)}</b>`, `${text.forecast}: <b>${money(o.forecast)}</b>`, `${text.range}: ${money(o.p10)} – ${money(o.p90)}`, `${text.weighted}: ${money(o.baselines.weighted_pipeline)}`, `${text.runRate}: ${money(o.baselines.run_rate)}`].join('<br/>');
      },
    },
    xAxis: { type: 'category', data: categories },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => money(v) } },
    series: [
      { type: 'bar', name: text.actual, data: bt.origins.map((o) => o.actual), barMaxWidth: 40 },
      { type: 'line', name: text.range, stack: 'band', data: bt.origins.map((o) => o.p10), lineStyle: { opacity: 0 }, symbol: 'none', areaStyle: { opacity: 0 }, tooltip: { show: false } },
      { type: 'line', name: text.range, stack: 'band', data: bt.origins.map((o) => o.p90 - o.p10), lineStyle: { opacity: 0 }, symbol: 'none', areaStyle: { color: 'rgba(31,79,179,0.18)' } },
      { type: 'line', name: text.forecast, data: bt.origins.map((o) => o.forecast), symbolSize: 8, color: '#1f4fb3' },
      { type: 'line', name: text.weighted, data: bt.origins.map((o) => o.baselines.weighted_pipeline), lineStyle: { type: 'dashed' }, color: '#e0892b' },
      { type: 'line', name: text.runRate, data: bt.origins.map((o) => o.baselines.run_rate), lineStyle: { type: 'dashed' }, color: '#2e9d6b' },
    ],
  };
}
