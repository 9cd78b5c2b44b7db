import type { MetricRow, Widget } from '@pipewright/core/dashboards';

/** How a dimension value is shown: its name (or formatted period), given its raw value. */
export type LabelOf = (dimension: string, row: MetricRow) => string;

/** One category of a chart axis: the key that identifies it and its label. */
export interface Category {
  key: string;
  label: string;
}

/** Bar and line charts: categories along the axis, one series per metric (and split value). */
export interface SeriesModel {
  categories: Category[];
  series: { name: string; metric: string; values: (number | null)[]; rows: (MetricRow | null)[] }[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** Identity of a dimension value in a row: its id when the answer has one (names can repeat). */
export const dimensionKey = (dimension: string, row: MetricRow): string => String(row[`${dimension}_id`] ?? row[dimension] ?? '');

/** Rows ordered by a metric, largest first, missing values last. */
export function rankBy(rows: readonly MetricRow[], metric: string): MetricRow[] {
  return [...rows].sort((a, b) => (num(b[metric]) ?? -Infinity) - (num(a[metric]) ?? -Infinity));
}

/**
 * Shapes a bar or line widget's answer: the axis is the grain's periods (in time order) or else
 * the first group-by (largest first, up to the widget's limit); a second dimension (the
 * group-by beside a grain, or the second group-by) splits each metric into one series per value.
 *
 * @example
 * ```ts
 * seriesModel(widget, rows, label, (m) => metricLabel(m));
 * // { categories: [{ key: '2017-Q1', label: 'Q1 2017' }, ...], series: [{ name: 'West', metric: 'pipeline.won_value', values: [...] }] }
 * ```
 */
export function seriesModel(widget: Widget, rows: readonly MetricRow[], label: LabelOf, metricLabel: (metric: string) => string): SeriesModel {
  const q = widget.query;
  const groupBy = q.groupBy ?? [];
  const axis = q.grain ?? groupBy[0];
  const split = q.grain ? groupBy[0] : groupBy[1];
  const first = q.metrics[0] ?? '';
  if (!axis) return { categories: [], series: q.metrics.map((m) => ({ name: metricLabel(m), metric: m, values: [num(rows[0]?.[m])], rows: [rows[0] ?? null] })) };

  const categories = new Map<string, Category>();
  let ordered = [...rows];
  if (q.grain) ordered.sort((a, b) => String(a[axis] ?? '').localeCompare(String(b[axis] ?? '')));
  else if (!split) ordered = rankBy(ordered, first).slice(0, widget.limit ?? ordered.length);
  for (const r of ordered) {
    const key = dimensionKey(axis, r);
    if (!categories.has(key)) categories.set(key, { key, label: label(axis, r) });
  }
  if (!q.grain && split && widget.limit) {
    // keep the categories with the largest totals of the first metric
    const totals = new Map<string, number>();
    for (const r of rows) totals.set(dimensionKey(axis, r), (totals.get(dimensionKey(axis, r)) ?? 0) + (num(r[first]) ?? 0));
    const keep = new Set([...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, widget.limit).map(([k]) => k));
    for (const k of [...categories.keys()]) if (!keep.has(k)) categories.delete(k);
  }
  const cats = [...categories.values()];
  const index = new Map(cats.map((c, i) => [c.key, i]));
  const splits = new Map<string, string>();
  if (split) for (const r of rows) if (!splits.has(dimensionKey(split, r))) splits.set(dimensionKey(split, r), label(split, r));
  const splitKeys = split ? [...splits.keys()] : [''];
  const series: SeriesModel['series'] = [];
  for (const m of q.metrics) {
    for (const s of splitKeys) {
      const values: (number | null)[] = cats.map(() => null);
      const cellRows: (MetricRow | null)[] = cats.map(() => null);
      for (const r of rows) {
        if (split && dimensionKey(split, r) !== s) continue;
        const i = index.get(dimensionKey(axis, r));
        if (i === undefined) continue;
        values[i] = num(r[m]);
        cellRows[i] = r;
      }
      const name = split ? (q.metrics.length > 1 ? `${splits.get(s) ?? s} · ${metricLabel(m)}` : (splits.get(s) ?? s)) : metricLabel(m);
      series.push({ name, metric: m, values, rows: cellRows });
    }
  }
  return { categories: cats, series };
}

/**
 * A funnel: the first metric per value of the one group-by, largest first.
 *
 * @example
 * ```ts
 * funnelModel(widget, rows, label); // [{ key: 'prospecting', label: 'Prospecting', value: 500, row }, ...]
 * ```
 */
export function funnelModel(widget: Widget, rows: readonly MetricRow[], label: LabelOf): { key: string; label: string; value: number; row: MetricRow }[] {
  const dim = widget.query.groupBy?.[0] ?? '';
  const metric = widget.query.metrics[0] ?? '';
  return rankBy(rows, metric)
    .filter((r) => num(r[metric]) !== null)
    .map((r) => ({ key: dimensionKey(dim, r), label: label(dim, r), value: num(r[metric]) as number, row: r }));
}

/**
 * The figure of a number widget and the one before it: the metric's value in the (single) row
 * of each answer; no row means nothing was counted (null).
 *
 * @example
 * ```ts
 * numberModel('pipeline.won_value', [{ 'pipeline.won_value': 120 }], [{ 'pipeline.won_value': 100 }]); // { value: 120, previous: 100 }
 * ```
 */
export function numberModel(metric: string, current: readonly MetricRow[], previous: readonly MetricRow[] | null): { value: number | null; previous: number | null } {
  return { value: num(current[0]?.[metric]), previous: previous ? num(previous[0]?.[metric]) : null };
}
