import type { Widget } from '@pipewright/core/dashboards';
import type { EChartsCoreOption } from './echarts-setup';
import type { MetricInfo } from './api';
import { funnelModel, seriesModel, type SeriesModel } from './chart-model';
import { formatMetric } from './format';
import type { DashboardLabels } from './labels';

/** Fonts with good CJK coverage first on each platform, then the system UI font. */
export const CHART_FONT = "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif";
const PALETTE = ['#1f5fbf', '#27ae60', '#f2994a', '#9b51e0', '#eb5757', '#2d9cdb', '#6fcf97', '#f2c94c'];

interface Context {
  metrics: Map<string, MetricInfo> | null;
  labels: DashboardLabels;
  locale: string;
}

/**
 * The ECharts option of a bar or line widget: one value axis per unit (money left, ratios
 * right...), labels and tooltips formatted for the locale. Returns the model too, so a click
 * can be mapped back to its row.
 *
 * @example
 * ```ts
 * const { option, model } = seriesOption(widget, rows, ctx);
 * ```
 */
export function seriesOption(widget: Widget, rows: Parameters<typeof seriesModel>[1], ctx: Context): { option: EChartsCoreOption; model: SeriesModel } {
  const model = seriesModel(widget, rows, ctx.labels.value, ctx.labels.metric);
  const units: string[] = [];
  for (const m of widget.query.metrics) {
    const u = ctx.metrics?.get(m)?.unit ?? 'number';
    if (!units.includes(u)) units.push(u);
  }
  const axisOf = (metric: string) => Math.min(units.indexOf(ctx.metrics?.get(metric)?.unit ?? 'number'), 1);
  const fmt = (metric: string, v: number | null, compact = false) => formatMetric(v, ctx.metrics?.get(metric), ctx.locale, compact);
  const axisMetric = (i: number) => widget.query.metrics.find((m) => axisOf(m) === i) ?? '';
  const line = widget.kind === 'line';
  return {
    model,
    option: {
      color: PALETTE,
      textStyle: { fontFamily: CHART_FONT },
      grid: { left: 8, right: 16, top: model.series.length > 1 ? 36 : 16, bottom: 8, containLabel: true },
      legend: model.series.length > 1 ? { type: 'scroll', top: 0 } : { show: false },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: line ? 'line' : 'shadow' },
        formatter: (params: unknown) => {
          const list = params as { seriesIndex: number; dataIndex: number; marker: string; seriesName: string; axisValueLabel: string }[];
          const head = list[0]?.axisValueLabel ?? '';
          return [head, ...list.map((p) => `${p.marker}${p.seriesName}: <b>${fmt(model.series[p.seriesIndex]?.metric ?? '', model.series[p.seriesIndex]?.values[p.dataIndex] ?? null)}</b>`)].join('<br/>');
        },
      },
      xAxis: { type: 'category', data: model.categories.map((c) => c.label), axisLabel: { hideOverlap: true, interval: model.categories.length <= 12 ? 0 : 'auto', width: 110, overflow: 'truncate' }, boundaryGap: !line },
      yAxis: units.slice(0, 2).map((_, i) => ({ type: 'value', axisLabel: { formatter: (v: number) => fmt(axisMetric(i), v, true) }, splitLine: { show: i === 0 } })),
      series: model.series.map((s) => ({
        type: line ? 'line' : 'bar',
        name: s.name,
        yAxisIndex: axisOf(s.metric),
        data: s.values,
        ...(line ? { smooth: false, symbolSize: 7, connectNulls: false } : { barMaxWidth: 48 }),
        emphasis: { focus: 'series' },
        cursor: 'pointer',
      })),
    },
  };
}

/**
 * The ECharts option of a funnel widget.
 *
 * @example
 * ```ts
 * const { option, steps } = funnelOption(widget, rows, ctx);
 * ```
 */
export function funnelOption(widget: Widget, rows: Parameters<typeof funnelModel>[1], ctx: Context) {
  const steps = funnelModel(widget, rows, ctx.labels.value);
  const metric = widget.query.metrics[0] ?? '';
  const fmt = (v: number) => formatMetric(v, ctx.metrics?.get(metric), ctx.locale);
  const option: EChartsCoreOption = {
    color: PALETTE,
    textStyle: { fontFamily: CHART_FONT },
    tooltip: { trigger: 'item', formatter: (p: unknown) => { const e = p as { name: string; value: number; marker: string }; return `${e.marker}${e.name}: <b>${fmt(e.value)}</b>`; } },
    series: [
      {
        type: 'funnel',
        sort: 'descending',
        left: '2%',
        width: '62%',
        top: 8,
        bottom: 8,
        minSize: '8%',
        gap: 2,
        label: { show: true, position: 'right', formatter: (p: unknown) => { const e = p as { name: string; value: number }; return `${e.name}\n{v|${fmt(e.value)}}`; }, color: '#1b1f24', rich: { v: { fontWeight: 'bold', fontSize: 13, lineHeight: 18 } } },
        labelLine: { show: true, length: 8 },
        data: steps.map((s) => ({ name: s.label, value: s.value })),
        cursor: 'pointer',
      },
    ],
  };
  return { option, steps };
}
