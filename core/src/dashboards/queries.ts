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
 * the same length before it (unless `compare` is false: a snapshot metric, without time field,
 * has no earlier value); every other kind asks for its grouping and grain over the period.
 *
 * @example
 * ```ts
 * widgetQueries(wonWidget, { from: '2017-04-01', to: '2017-06-30' });
 * // { current: { metrics: ['pipeline.won_value'], from: '2017-04-01', to: '2017-06-30' },
 * //   previous: { metrics: ['pipeline.won_value'], from: '2017-01-01', to: '2017-03-31' } }
 * ```
 */
export function widgetQueries(widget: Widget, period: Period, options: { compare?: boolean } = {}): WidgetQueries {
  const current = body(widget, period);
  if (widget.kind !== 'number' || options.compare === false) return { current };
  const before = previousPeriod(period);
  return before ? { current, previous: body(widget, before) } : { current };
}

/**
 * The dimension values that identify a row of a widget's answer, as the records API reads
 * them: `<dim>_id` for dimensions the answer values by name (org levels, owners, references;
 * names can repeat), `<dim>` for the others (stage, process, enums), and the period under its
 * grain.
 *
 * @example
 * ```ts
 * rowCell(widget, { office: 'West', office_id: 'region-west', stage: 'won', quarter: '2017-Q3', 'pipeline.won_value': 1234 });
 * // { office_id: 'region-west', stage: 'won', quarter: '2017-Q3' }
 * ```
 */
export function rowCell(widget: Widget, row: MetricRow): Record<string, string | null> {
  const cell: Record<string, string | null> = {};
  const text = (v: string | number | null | undefined) => (v === null || v === undefined ? null : String(v));
  for (const dim of widget.query.groupBy ?? []) {
    if (`${dim}_id` in row) cell[`${dim}_id`] = text(row[`${dim}_id`]);
    else cell[dim] = text(row[dim]);
  }
  const grain = widget.query.grain;
  if (grain && grain in row) cell[grain] = text(row[grain]);
  return cell;
}

/**
 * The body of `POST /api/metrics/records` for the records behind one figure: one metric of the
 * widget's query over the period, and the cell of the row (empty for a number: every record
 * of the period).
 *
 * @example
 * ```ts
 * drillBody(widget, period, 'pipeline.won_value', row, { limit: 50 });
 * ```
 */
export function drillBody(widget: Widget, period: Period, metric: string, row: MetricRow | null, page: { limit?: number; cursor?: string } = {}): MetricRecordsBody {
  const { metrics: _m, groupBy: _g, ...q } = body(widget, period);
  return {
    metric,
    ...q,
    cell: row ? rowCell(widget, row) : {},
    ...(page.limit ? { limit: page.limit } : {}),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}
