import { useEffect, useMemo, useState } from 'react';
import { widgetQueries, type MetricRow, type Period, type Widget } from '@pipewright/core/dashboards';
import { ApiError } from '../api/problem';
import { dashboardsApi, type MetricInfo } from './api';

let catalogue: Promise<Map<string, MetricInfo>> | undefined;

/**
 * Every metric the server offers, by id (fetched once per page load; a failure is retried on
 * the next call).
 *
 * @example
 * ```ts
 * const metrics = useMetricCatalogue();
 * metrics?.get('pipeline.won_value')?.unit; // 'money'
 * ```
 */
export function useMetricCatalogue(): Map<string, MetricInfo> | null {
  const [metrics, setMetrics] = useState<Map<string, MetricInfo> | null>(null);
  useEffect(() => {
    let live = true;
    catalogue ??= dashboardsApi.metrics().then((r) => new Map(r.items.map((m) => [m.id, m])));
    catalogue.then(
      (m) => live && setMetrics(m),
      () => {
        catalogue = undefined;
        if (live) setMetrics(new Map());
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return metrics;
}

/** What a widget's queries answered. */
export type WidgetData =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; rows: MetricRow[]; previous: MetricRow[] | null; previousPeriod: Period | null; asOf: string };

/**
 * Runs a widget's metric queries for a period (the previous period's too, for numbers) and
 * re-runs them when the widget or the period changes; a stale answer is dropped. `compare`
 * false skips the previous period (snapshot metrics have none); null waits.
 *
 * @example
 * ```ts
 * const data = useWidgetData(widget, { from: '2017-01-01', to: '2017-12-31' });
 * ```
 */
export function useWidgetData(widget: Widget, period: Period, compare: boolean | null = true): WidgetData {
  const queries = useMemo(() => widgetQueries(widget, period, { compare: compare ?? false }), [widget, period, compare]);
  // null: not known yet (the metric catalogue is loading); wait rather than ask twice
  const key = compare === null ? '' : JSON.stringify(queries);
  const [data, setData] = useState<WidgetData>({ state: 'loading' });
  useEffect(() => {
    const abort = new AbortController();
    setData({ state: 'loading' });
    if (!key) return () => abort.abort();
    const q = JSON.parse(key) as typeof queries;
    Promise.all([dashboardsApi.query(q.current, abort.signal), q.previous ? dashboardsApi.query(q.previous, abort.signal) : Promise.resolve(null)])
      .then(([current, previous]) => {
        if (abort.signal.aborted) return;
        const before = q.previous ? { ...(q.previous.from ? { from: q.previous.from } : {}), ...(q.previous.to ? { to: q.previous.to } : {}) } : null;
        setData({ state: 'ready', rows: current.rows, previous: previous?.rows ?? null, previousPeriod: before, asOf: current.asOf });
      })
      .catch((err: unknown) => {
        if (abort.signal.aborted) return;
        setData({ state: 'failed', message: err instanceof ApiError ? err.problem.detail : err instanceof Error ? err.message : String(err) });
      });
    return () => abort.abort();
  }, [key]);
  return data;
}
