import type { DashboardDocument, DashboardText, MetricAnswer, MetricQueryBody, MetricRecordsBody, TimeGrain } from '@pipewright/core/dashboards';
import type { DashboardSummary, DashboardView, RecordView } from '@pipewright/core/api';
import { request } from '../api/client';

/** How a metric's values read: `GET /api/metrics` says it per metric. */
export type MetricUnit = 'count' | 'money' | 'days' | 'hours' | 'ratio' | 'number';

/** A metric as `GET /api/metrics` describes it. */
export interface MetricInfo {
  id: string;
  entity: string;
  label: DashboardText;
  description: DashboardText | null;
  unit: MetricUnit | string;
  currency: string | null;
  time: string | null;
  grains: TimeGrain[];
  dimensions: { name: string; kind: string }[];
}

/** A page of the records behind a figure. */
export interface RecordPage {
  items: RecordView[];
  nextCursor: string | null;
}

const enc = encodeURIComponent;

/**
 * The studio's calls to the dashboards and metric APIs.
 *
 * @example
 * ```ts
 * const home = await dashboardsApi.home();
 * const answer = await dashboardsApi.query({ metrics: ['pipeline.won_value'], groupBy: ['office'] });
 * ```
 */
export const dashboardsApi = {
  list: (signal?: AbortSignal) => request<{ items: DashboardSummary[] }>('GET', '/api/dashboards', signal ? { signal } : {}),
  home: (signal?: AbortSignal) => request<DashboardView>('GET', '/api/dashboards/home', signal ? { signal } : {}),
  get: (id: string, signal?: AbortSignal) => request<DashboardView>('GET', `/api/dashboards/${enc(id)}`, signal ? { signal } : {}),
  save: (doc: DashboardDocument, revision: number) => request<DashboardView>('PUT', `/api/dashboards/${enc(doc.id)}`, { json: doc, headers: { 'if-match': `"${revision}"` } }),
  create: (doc: DashboardDocument) => request<DashboardView>('POST', '/api/dashboards', { json: doc }),
  remove: (id: string, revision: number) => request<void>('DELETE', `/api/dashboards/${enc(id)}`, { headers: { 'if-match': `"${revision}"` } }),
  metrics: (signal?: AbortSignal) => request<{ items: MetricInfo[] }>('GET', '/api/metrics', signal ? { signal } : {}),
  query: (body: MetricQueryBody, signal?: AbortSignal) => request<MetricAnswer>('POST', '/api/metrics/query', { json: body, read: true, ...(signal ? { signal } : {}) }),
  records: (body: MetricRecordsBody, signal?: AbortSignal) => request<RecordPage>('POST', '/api/metrics/records', { json: body, ...(signal ? { signal } : {}) }),
};
