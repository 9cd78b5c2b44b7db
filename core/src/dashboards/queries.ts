import { previousPeriod } from './range';
import type { MetricQueryBody, MetricRecordsBody, MetricRow, Period, Widget } from './types';

/** The queries one widget needs: its own, and for numbers the previous period's. */
export interface WidgetQueries {
  current: MetricQueryBody;
  /** Numbers over a bounded period: the same query over the period before (for the change). */
  previous?: MetricQueryBody;
}

function body(widget: Widget, period: Period): MetricQueryBody {
  const q = widget.query;
  return {
    metrics: [...q.metrics],
    ...(q.groupBy?.length ? { groupBy: [...q.groupBy] } : {}),
    ...(q.grain ? { grain: q.grain } : {}),
    ...(period.from ? { from: period.from } : {}),
    ...(period.to ? { to: period.to } : {}),
    ...(q.where !== undefined ? { where: q.where } : {}),
  };
}

/**
 * Maps a widget and the dashboard's period to `POST /api/metrics/query` bodies. A number asks
 * for the total over the period and, when the period is bounded, the total over the period of
 * the same length before it; every other kind asks for its grouping and grain over the period.
 *
 * @example
 * ```ts
 * widgetQueries(wonWidget, { from: '2017-04-01', to: '2017-06-30' });
 * // { current: { metrics: ['pipeline.won_value'], from: '2017-04-01', to: '2017-06-30' },
 * //   previous: { metrics: ['pipeline.won_value'], from: '2017-01-01', to: '2017-03-31' } }
 * ```
 */
export function widgetQueries(widget: Widget, period: Period): WidgetQueries {
  const current = body(widget, period);
  if (widget.kind !== 'number') return { current };
  const before = previousPeriod(period);
  return before ? { current, previous: body(widget, before) } : { current };
}

/**
 * The dimension values that identify a row of a widget's answer: each group-by dimension (by
 * its `<dim>_id` when the answer has one, names being ambiguous) and the period of its grain.
 *
 * @example
 * ```ts
 * rowCell(widget, { office: 'West', office_id: 'region-west', quarter: '2017-Q3', 'pipeline.won_value': 1234 });
 * // { office: 'region-west', quarter: '2017-Q3' }
 * ```
 */
export function rowCell(widget: Widget, row: MetricRow): Record<string, string | number | null> {
  const cell: Record<string, string | number | null> = {};
  for (const dim of widget.query.groupBy ?? []) {
    const id = row[`${dim}_id`];
    cell[dim] = id !== undefined ? id : (row[dim] ?? null);
  }
  const grain = widget.query.grain;
  if (grain && row[grain] !== undefined) cell[grain] = row[grain] ?? null;
  return cell;
}

/**
 * The body of `POST /api/metrics/records` for the records behind one figure: the widget's query
 * for one metric over the period, and the cell of the row (empty for a number: every record of
 * the period).
 *
 * @example
 * ```ts
 * drillBody(widget, period, 'pipeline.won_value', row, { limit: 50 });
 * ```
 */
export function drillBody(widget: Widget, period: Period, metric: string, row: MetricRow | null, page: { limit?: number; cursor?: string } = {}): MetricRecordsBody {
  const q = body(widget, period);
  return {
    ...q,
    metrics: [metric],
    cell: row ? rowCell(widget, row) : {},
    ...(page.limit ? { limit: page.limit } : {}),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}
