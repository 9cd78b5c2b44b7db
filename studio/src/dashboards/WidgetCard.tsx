import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { MetricRow, Period, Widget } from '@pipewright/core/dashboards';
import type { MetricInfo } from './api';
import { rankBy } from './chart-model';
import { funnelOption, seriesOption } from './chart-options';
import { EChart } from './EChart';
import { figureChange, formatChange, formatDate, formatMetric, localText } from './format';
import type { DashboardLabels } from './labels';
import { useWidgetData } from './use-dashboard-data';

/** A figure the reader asked to drill into: the widget, one of its metrics, the row (null: the whole period). */
export interface DrillTarget {
  widget: Widget;
  metric: string;
  row: MetricRow | null;
  /** How the figure reads ("Won value · West · Q3 2017"). */
  label: string;
}

interface Props {
  widget: Widget;
  period: Period;
  metrics: Map<string, MetricInfo> | null;
  labels: DashboardLabels;
  onDrill: (target: DrillTarget) => void;
}

/**
 * One tile of a dashboard: runs its queries and shows a number (with its change vs the previous
 * period), a bar, line or funnel chart, a table or a leaderboard. Every figure drills down.
 *
 * @example
 * ```tsx
 * <WidgetCard widget={w} period={period} metrics={metrics} labels={labels} onDrill={setDrill} />
 * ```
 */
export function WidgetCard({ widget, period, metrics, labels, onDrill }: Props) {
  const { t, i18n } = useTranslation();
  // a metric without time field is a snapshot: it has no value for an earlier period
  const compare = widget.kind !== 'number' ? false : metrics === null ? null : (metrics.get(widget.query.metrics[0] ?? '')?.grains.length ?? 0) > 0;
  const data = useWidgetData(widget, period, compare);
  const title = localText(widget.title, i18n.language);
  const cellLabel = (row: MetricRow | null, metric: string) =>
    [labels.metric(metric), ...(row ? [...(widget.query.groupBy ?? []), ...(widget.query.grain ? [widget.query.grain] : [])].map((d) => labels.value(d, row)) : [])].join(' · ');
  const drill = (metric: string, row: MetricRow | null) => onDrill({ widget, metric, row, label: cellLabel(row, metric) });

  let body;
  if (data.state === 'loading') body = <p className="widget-status muted" role="status">{t('status.loading')}</p>;
  else if (data.state === 'failed') body = <p className="widget-status text-danger" role="alert">{t('dashboards.widget.failed', { message: data.message })}</p>;
  else if (widget.kind === 'number') body = <NumberBody widget={widget} rows={data.rows} previous={data.previous} previousPeriod={data.previousPeriod} metrics={metrics} onDrill={drill} />;
  else if (data.rows.length === 0) body = <p className="widget-status muted">{t('dashboards.widget.noData')}</p>;
  else if (widget.kind === 'table' || widget.kind === 'leaderboard') body = <TableBody widget={widget} rows={data.rows} metrics={metrics} labels={labels} onDrill={drill} />;
  else body = <ChartBody widget={widget} rows={data.rows} metrics={metrics} labels={labels} title={title} onDrill={drill} />;

  return (
    <section className={`widget widget-${widget.kind}`} aria-labelledby={`widget-${widget.id}`} data-widget={widget.id}>
      <h2 id={`widget-${widget.id}`} className="widget-title">{title}</h2>
      <div className="widget-body">{body}</div>
    </section>
  );
}

function NumberBody({ widget, rows, previous, previousPeriod, metrics, onDrill }: { widget: Widget; rows: MetricRow[]; previous: MetricRow[] | null; previousPeriod: Period | null; metrics: Map<string, MetricInfo> | null; onDrill: (metric: string, row: MetricRow | null) => void }) {
  const { t, i18n } = useTranslation();
  const metric = widget.query.metrics[0] ?? '';
  const info = metrics?.get(metric);
  const value = typeof rows[0]?.[metric] === 'number' ? (rows[0][metric] as number) : null;
  const before = typeof previous?.[0]?.[metric] === 'number' ? (previous[0][metric] as number) : null;
  const change = previous ? figureChange(value, before, info?.unit) : null;
  const text = formatMetric(value, info, i18n.language);
  return (
    <div className="number-figure">
      <button type="button" className="figure" data-testid={`figure-${widget.id}`} data-value={value ?? ''} onClick={() => onDrill(metric, null)} aria-label={t('dashboards.widget.drill', { figure: text })}>
        {text}
      </button>
      {change && previousPeriod?.from && previousPeriod.to ? (
        <p className={`change ${change.value > 0 ? 'up' : change.value < 0 ? 'down' : 'flat'}`}>
          <span aria-hidden="true">{change.value > 0 ? '▲' : change.value < 0 ? '▼' : '■'}</span> {formatChange(change, i18n.language, t('dashboards.change.points'))}{' '}
          <span className="muted">{t('dashboards.change.vsPrevious', { from: formatDate(previousPeriod.from, i18n.language), to: formatDate(previousPeriod.to, i18n.language) })}</span>
        </p>
      ) : previous ? (
        <p className="change muted">{t('dashboards.change.none')}</p>
      ) : null}
    </div>
  );
}

function ChartBody({ widget, rows, metrics, labels, title, onDrill }: { widget: Widget; rows: MetricRow[]; metrics: Map<string, MetricInfo> | null; labels: DashboardLabels; title: string; onDrill: (metric: string, row: MetricRow | null) => void }) {
  const { t, i18n } = useTranslation();
  const ctx = { metrics, labels, locale: i18n.language };
  const built = useMemo(() => (widget.kind === 'funnel' ? { kind: 'funnel' as const, ...funnelOption(widget, rows, ctx) } : { kind: 'series' as const, ...seriesOption(widget, rows, ctx) }), [widget, rows, metrics, labels, i18n.language]); // eslint-disable-line react-hooks/exhaustive-deps
  const click = ({ seriesIndex, dataIndex }: { seriesIndex: number; dataIndex: number }) => {
    if (built.kind === 'funnel') {
      const step = built.steps[dataIndex];
      if (step) onDrill(widget.query.metrics[0] ?? '', step.row);
      return;
    }
    const s = built.model.series[seriesIndex];
    const row = s?.rows[dataIndex];
    if (s && row) onDrill(s.metric, row);
  };
  return <EChart option={built.option} label={t('dashboards.widget.chart', { title })} onClick={click} />;
}

function TableBody({ widget, rows, metrics, labels, onDrill }: { widget: Widget; rows: MetricRow[]; metrics: Map<string, MetricInfo> | null; labels: DashboardLabels; onDrill: (metric: string, row: MetricRow | null) => void }) {
  const { t, i18n } = useTranslation();
  const dims = [...(widget.query.groupBy ?? []), ...(widget.query.grain ? [widget.query.grain] : [])];
  const first = widget.query.metrics[0] ?? '';
  const leaderboard = widget.kind === 'leaderboard';
  const sorted = leaderboard ? rankBy(rows, first) : widget.query.grain ? [...rows].sort((a, b) => String(a[widget.query.grain ?? ''] ?? '').localeCompare(String(b[widget.query.grain ?? ''] ?? ''))) : rows;
  const shown = sorted.slice(0, widget.limit ?? (leaderboard ? 10 : 100));
  const max = Math.max(0, ...shown.map((r) => (typeof r[first] === 'number' ? (r[first] as number) : 0)));
  return (
    <div className="widget-table-wrap">
      <table className="records widget-table">
        <thead>
          <tr>
            {leaderboard && <th scope="col" className="rank">{t('dashboards.widget.rank')}</th>}
            {dims.map((d) => <th key={d} scope="col">{labels.dimension(d)}</th>)}
            {widget.query.metrics.map((m) => <th key={m} scope="col" className="num">{labels.metric(m)}</th>)}
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) => (
            <tr key={dims.map((d) => String(r[`${d}_id`] ?? r[d])).join('|') || i}>
              {leaderboard && <td className="rank" data-label={t('dashboards.widget.rank')}>{i + 1}</td>}
              {dims.map((d) => <td key={d} data-label={labels.dimension(d)}>{labels.value(d, r)}</td>)}
              {widget.query.metrics.map((m, j) => {
                const v = typeof r[m] === 'number' ? (r[m] as number) : null;
                const text = formatMetric(v, metrics?.get(m), i18n.language);
                return (
                  <td key={m} className="num" data-label={labels.metric(m)}>
                    {leaderboard && j === 0 && max > 0 && v !== null && <span className="bar" style={{ width: `${Math.max(2, (v / max) * 100)}%` }} aria-hidden="true" />}
                    <button type="button" className="link-button figure-link" data-metric={m} data-value={v ?? ''} onClick={() => onDrill(m, r)} aria-label={t('dashboards.widget.drill', { figure: `${labels.value(dims[0] ?? '', r)} ${text}` })}>
                      {text}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
