import { formatCount, formatDays, formatRate, type FunnelModel, type StageTime } from './model';

/** Texts a chart shows, in the reader's language. */
export interface ChartText {
  stage(id: string): string;
  group(key: string | null): string;
  entered: string;
  wonPerEntered: string;
  wonPerClosed: string;
  median: string;
  p90: string;
}

const COLORS = ['#3b6fd8', '#2e9d6b', '#e0892b', '#8a5cc2', '#d04d5b', '#3aa6b9', '#a3a13a', '#6b7787'];
/** Split groups drawn at most (the table lists every group). */
export const MAX_CHART_GROUPS = 8;

const tooltipRow = (marker: unknown, name: string, value: string) => `${String(marker ?? '')}${name}: <b>${value}</b>`;

/**
 * The conversion chart's ECharts option. Without a split: records that entered each stage as
 * bars (left axis) and the two rates as lines on a percent axis (right), each named in the
 * legend (not drawn at won and lost stages, where they are 100% and 0% by definition). With a split: the records that entered each stage per value of the split (the first
 * {@link MAX_CHART_GROUPS} by records entered).
 *
 * @example
 * ```ts
 * funnelChartOption(model, text, 'en');
 * ```
 */
export function funnelChartOption(model: FunnelModel, text: ChartText, locale: string, split: boolean): Record<string, unknown> {
  const categories = model.stages.map((s) => text.stage(s));
  const base = {
    color: COLORS,
    grid: { left: 56, right: split ? 24 : 56, top: 40, bottom: 32, containLabel: false },
    legend: { top: 0, type: 'scroll' },
    xAxis: { type: 'category', data: categories, axisLabel: { interval: 0 } },
  };
  if (split) {
    const groups = [...model.groups].sort((a, b) => (b.stages[0]?.entered ?? 0) - (a.stages[0]?.entered ?? 0)).slice(0, MAX_CHART_GROUPS);
    return {
      ...base,
      tooltip: { trigger: 'axis', formatter: (items: { marker?: unknown; seriesName: string; value: number }[]) => [items[0] ? categories[(items[0] as { dataIndex?: number }).dataIndex ?? 0] : '', ...items.map((i) => tooltipRow(i.marker, i.seriesName, formatCount(i.value, locale)))].join('<br/>') },
      yAxis: { type: 'value', name: text.entered, axisLabel: { formatter: (v: number) => formatCount(v, locale) } },
      series: groups.map((g) => ({ type: 'bar', name: text.group(g.key), data: g.stages.map((s) => s.entered) })),
    };
  }
  return {
    ...base,
    tooltip: {
      trigger: 'axis',
      formatter: (items: { marker?: unknown; seriesName: string; seriesIndex: number; value: number | null; dataIndex: number }[]) =>
        [categories[items[0]?.dataIndex ?? 0] ?? '', ...items.map((i) => tooltipRow(i.marker, i.seriesName, i.seriesIndex === 0 ? formatCount(Number(i.value), locale) : formatRate(i.value, locale)))].join('<br/>'),
    },
    yAxis: [
      { type: 'value', name: text.entered, axisLabel: { formatter: (v: number) => formatCount(v, locale) } },
      { type: 'value', min: 0, max: 1, splitLine: { show: false }, axisLabel: { formatter: (v: number) => formatRate(v, locale).replace(/[.,]0(?=\D*$)/, '') } },
    ],
    series: [
      { type: 'bar', name: text.entered, data: model.total.map((s) => s.entered), barMaxWidth: 56, label: { show: true, position: 'top', formatter: (p: { value: number }) => formatCount(p.value, locale) } },
      // won and lost stages convert at 100% and 0% by definition: no point drawn there
      { type: 'line', name: text.wonPerEntered, yAxisIndex: 1, data: model.total.map((s) => (model.terminal.includes(s.stage) ? null : s.wonPerEntered)), symbolSize: 8 },
      { type: 'line', name: text.wonPerClosed, yAxisIndex: 1, data: model.total.map((s) => (model.terminal.includes(s.stage) ? null : s.wonPerClosed)), symbolSize: 8, lineStyle: { type: 'dashed' } },
    ],
  };
}

/**
 * The time-in-stage chart's ECharts option: the median and 90th percentile of finished stays,
 * in days, per stage that has finished stays.
 *
 * @example
 * ```ts
 * timeChartOption(timeInStageModel(stages, answer.stages), text, 'zh-CN');
 * ```
 */
export function timeChartOption(stages: readonly StageTime[], text: ChartText, locale: string): Record<string, unknown> {
  const shown = stages.filter((s) => s.finished > 0);
  const categories = shown.map((s) => text.stage(s.stage));
  return {
    color: [COLORS[0], COLORS[2]],
    grid: { left: 56, right: 24, top: 40, bottom: 32 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', formatter: (items: { marker?: unknown; seriesName: string; value: number | null; dataIndex: number }[]) => [categories[items[0]?.dataIndex ?? 0] ?? '', ...items.map((i) => tooltipRow(i.marker, i.seriesName, formatDays(i.value, locale)))].join('<br/>') },
    xAxis: { type: 'category', data: categories, axisLabel: { interval: 0 } },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatDays(v, locale) } },
    series: [
      { type: 'bar', name: text.median, data: shown.map((s) => s.medianDays), barMaxWidth: 40 },
      { type: 'bar', name: text.p90, data: shown.map((s) => s.p90Days), barMaxWidth: 40 },
    ],
  };
}
