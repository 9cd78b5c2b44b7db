import type { TimeGrain, Widget, WidgetKind, WidgetQuery } from '@pipewright/core/dashboards';
import type { MetricInfo } from './api';

/** Dimensions one metric may be grouped by (org levels first, as the metric API lists them). */
export const dimensionsOf = (metric: MetricInfo | undefined): string[] => (metric?.dimensions ?? []).map((d) => d.name);

/** Dimensions every metric of the query may be grouped by. */
export function sharedDimensions(query: WidgetQuery, metrics: Map<string, MetricInfo> | null): string[] {
  const lists = query.metrics.map((m) => dimensionsOf(metrics?.get(m)));
  const [first = [], ...rest] = lists;
  return first.filter((d) => rest.every((l) => l.includes(d)));
}

/** Grains every metric of the query has (none when one of them has no time field). */
export function sharedGrains(query: WidgetQuery, metrics: Map<string, MetricInfo> | null): TimeGrain[] {
  const lists = query.metrics.map((m) => metrics?.get(m)?.grains ?? []);
  const [first = [], ...rest] = lists;
  return first.filter((g) => rest.every((l) => l.includes(g)));
}

const prefer = <T>(options: readonly T[], ...wanted: T[]): T | undefined => wanted.find((w) => options.includes(w)) ?? options[0];

/**
 * Makes a widget's query fit its kind (as the dashboard schema requires) with what its metrics
 * allow: a number has one metric and no grouping; a line needs a grain; a funnel or leaderboard
 * exactly one group-by and no grain; a bar a grain or a group-by. Members the metrics do not
 * allow are dropped.
 *
 * @example
 * ```ts
 * fitQuery({ ...widget, kind: 'line' }, catalogue); // query gains grain 'month'
 * ```
 */
export function fitQuery(widget: Widget, metrics: Map<string, MetricInfo> | null): Widget {
  const kind: WidgetKind = widget.kind;
  let q: WidgetQuery = { ...widget.query, metrics: widget.query.metrics.length ? [...widget.query.metrics] : [] };
  if (kind === 'number') q.metrics = q.metrics.slice(0, 1);
  if (kind === 'funnel' || kind === 'leaderboard') q.metrics = q.metrics.slice(0, 3);
  const dims = sharedDimensions(q, metrics);
  const grains = sharedGrains(q, metrics);
  let groupBy = (q.groupBy ?? []).filter((d) => metrics === null || dims.includes(d));
  let grain = q.grain && (metrics === null || grains.includes(q.grain)) ? q.grain : undefined;
  switch (kind) {
    case 'number':
      groupBy = [];
      grain = undefined;
      break;
    case 'line':
      groupBy = groupBy.slice(0, 1);
      grain ??= prefer(grains, 'month', 'quarter');
      break;
    case 'funnel':
    case 'leaderboard':
      grain = undefined;
      groupBy = groupBy.slice(0, 1);
      if (groupBy.length === 0) {
        const d = kind === 'funnel' ? prefer(dims, 'stage') : prefer(dims, 'owner', 'team');
        if (d) groupBy = [d];
      }
      break;
    case 'bar':
      groupBy = groupBy.slice(0, 2);
      if (groupBy.length === 0 && !grain) {
        const d = prefer(dims, 'stage', 'owner');
        if (d) groupBy = [d];
        else grain = prefer(grains, 'month');
      }
      break;
    case 'table':
      groupBy = groupBy.slice(0, 3);
      break;
  }
  q = { metrics: q.metrics, ...(groupBy.length ? { groupBy } : {}), ...(grain ? { grain } : {}), ...(q.where !== undefined ? { where: q.where } : {}) };
  const { limit, ...rest } = widget;
  const keepLimit = kind === 'table' || kind === 'leaderboard' || kind === 'bar';
  return { ...rest, query: q, ...(keepLimit && limit ? { limit } : {}) };
}

/**
 * An unused widget id: `widget-1`, `widget-2`...
 *
 * @example
 * ```ts
 * newWidgetId([{ id: 'widget-1' }]); // 'widget-2'
 * ```
 */
export function newWidgetId(widgets: readonly { id: string }[]): string {
  const taken = new Set(widgets.map((w) => w.id));
  let n = 1;
  while (taken.has(`widget-${n}`)) n++;
  return `widget-${n}`;
}
