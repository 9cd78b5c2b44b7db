/**
 * A dashboard document (`schemas/dashboard.schema.json`): a grid of widgets, each a metric
 * query plus a chart kind. Types only.
 */

/** A user-visible text in English and Simplified Chinese (other locales optional). */
export type DashboardText = { en: string; 'zh-CN': string } & Record<string, string>;

/** Time grains of the metric API. */
export type TimeGrain = 'day' | 'week' | 'month' | 'quarter' | 'year';
export const TIME_GRAINS: readonly TimeGrain[] = ['day', 'week', 'month', 'quarter', 'year'];

/** Chart kinds a widget can have. */
export type WidgetKind = 'number' | 'bar' | 'line' | 'funnel' | 'table' | 'leaderboard';
export const WIDGET_KINDS: readonly WidgetKind[] = ['number', 'bar', 'line', 'funnel', 'table', 'leaderboard'];

/** Range presets, relative to today in the company's time zone. */
export type RangePreset = 'all' | 'this-month' | 'last-month' | 'this-quarter' | 'last-quarter' | 'this-year' | 'last-year' | 'last-12-months';
export const RANGE_PRESETS: readonly RangePreset[] = ['all', 'this-month', 'last-month', 'this-quarter', 'last-quarter', 'this-year', 'last-year', 'last-12-months'];

/** The period a dashboard opens on: a preset or fixed dates (inclusive). */
export type DashboardRange = { preset: RangePreset } | { from: string; to: string };

/** A widget's metric query, without its period (the dashboard's range gives it). */
export interface WidgetQuery {
  metrics: string[];
  groupBy?: string[];
  grain?: TimeGrain;
  where?: unknown;
}

/** One tile of the grid: 12 columns, rows of about 80 px. */
export interface WidgetLayout {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Widget {
  id: string;
  title: DashboardText;
  kind: WidgetKind;
  layout: WidgetLayout;
  query: WidgetQuery;
  /** Rows shown by tables, leaderboards and bars. */
  limit?: number;
}

/** Roles a dashboard can be the home page of. */
export type HomeRole = 'admin' | 'manager' | 'rep' | 'marketing' | 'presales';

export interface DashboardDocument {
  id: string;
  title: DashboardText;
  description?: DashboardText;
  homeFor?: HomeRole[];
  range?: DashboardRange;
  widgets: Widget[];
}

/** A resolved period: inclusive ISO dates; absent bounds are open. */
export interface Period {
  from?: string;
  to?: string;
}

/** The body of `POST /api/metrics/query`. */
export interface MetricQueryBody {
  metrics: string[];
  groupBy?: string[];
  grain?: TimeGrain;
  from?: string;
  to?: string;
  where?: unknown;
}

/** A row of a metric answer: dimension values (and `<dim>_id`), the period, one value per metric. */
export type MetricRow = Record<string, string | number | null>;

/** The answer of `POST /api/metrics/query`. */
export interface MetricAnswer {
  rows: MetricRow[];
  asOf: string;
}

/** The body of `POST /api/metrics/records`: one metric's query plus the cell whose records are wanted. */
export interface MetricRecordsBody extends Omit<MetricQueryBody, 'metrics' | 'groupBy'> {
  metric: string;
  /** `<dim>_id` for dimensions valued by name (org levels, owners, references), `<dim>` otherwise, and the grain's period. */
  cell: Record<string, string | null>;
  limit?: number;
  cursor?: string;
}
