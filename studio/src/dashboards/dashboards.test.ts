import { describe, expect, it } from 'vitest';
import type { MetricRow, Widget } from '@pipewright/core/dashboards';
import { funnelModel, numberModel, seriesModel } from './chart-model';
import { figureChange, formatChange, formatMetric, periodLabel } from './format';
import { freeSpot, packLayout } from './layout';

const t = { en: 'W', 'zh-CN': 'W' };
const widget = (over: Partial<Widget> & Pick<Widget, 'kind' | 'query'>): Widget => ({ id: 'w', title: t, layout: { x: 0, y: 0, w: 4, h: 3 }, ...over });
const label = (dim: string, row: MetricRow) => String(row[dim] ?? '(none)');
const metricLabel = (m: string) => m.split('.')[1] ?? m;
const WON = 'pipeline.won_value';
const RATE = 'pipeline.win_rate';

describe('chart models', () => {
  it('puts periods in time order on the axis and splits series by the group-by', () => {
    const rows: MetricRow[] = [
      { office: 'West', office_id: 'w', quarter: '2017-Q2', [WON]: 5 },
      { office: 'East', office_id: 'e', quarter: '2017-Q1', [WON]: 3 },
      { office: 'West', office_id: 'w', quarter: '2017-Q1', [WON]: 4 },
    ];
    const m = seriesModel(widget({ kind: 'bar', query: { metrics: [WON], groupBy: ['office'], grain: 'quarter' } }), rows, label, metricLabel);
    expect(m.categories.map((c) => c.key)).toEqual(['2017-Q1', '2017-Q2']);
    expect(m.series.map((s) => [s.name, s.values])).toEqual([
      ['West', [4, 5]],
      ['East', [3, null]],
    ]);
    expect(m.series[0]?.rows[1]).toBe(rows[0]);
  });

  it('ranks a grouped bar largest first, keeps the limit, and names series by metric', () => {
    const rows: MetricRow[] = [
      { owner: 'Ann', owner_id: 'a', [WON]: 1, [RATE]: 0.5 },
      { owner: 'Bob', owner_id: 'b', [WON]: 9, [RATE]: 0.25 },
      { owner: 'Cy', owner_id: 'c', [WON]: 4, [RATE]: null },
    ];
    const m = seriesModel(widget({ kind: 'bar', limit: 2, query: { metrics: [WON, RATE], groupBy: ['owner'] } }), rows, label, metricLabel);
    expect(m.categories.map((c) => c.label)).toEqual(['Bob', 'Cy']);
    expect(m.series.map((s) => [s.name, s.values])).toEqual([
      ['won_value', [9, 4]],
      ['win_rate', [0.25, null]],
    ]);
  });

  it('identifies dimension values by id, so two reps of one name stay apart', () => {
    const rows: MetricRow[] = [
      { owner: 'Sam', owner_id: 's1', [WON]: 2 },
      { owner: 'Sam', owner_id: 's2', [WON]: 3 },
    ];
    expect(seriesModel(widget({ kind: 'bar', query: { metrics: [WON], groupBy: ['owner'] } }), rows, label, metricLabel).categories.map((c) => c.key)).toEqual(['s2', 's1']);
  });

  it('builds a funnel from the first metric, largest first, and a number with its previous value', () => {
    const rows: MetricRow[] = [
      { stage: 'won', [WON]: 10 },
      { stage: 'prospecting', [WON]: 40 },
      { stage: 'lost', [WON]: null },
    ];
    expect(funnelModel(widget({ kind: 'funnel', query: { metrics: [WON], groupBy: ['stage'] } }), rows, label).map((s) => [s.key, s.value])).toEqual([
      ['prospecting', 40],
      ['won', 10],
    ]);
    expect(numberModel(WON, [{ [WON]: 120 }], [{ [WON]: 100 }])).toEqual({ value: 120, previous: 100 });
    expect(numberModel(WON, [], null)).toEqual({ value: null, previous: null });
  });
});

describe('formatting per locale', () => {
  it('formats money, ratios, days and counts in en and zh-CN', () => {
    const money = { unit: 'money', currency: 'USD' };
    expect(formatMetric(1234567, money, 'en')).toBe('$1,234,567');
    expect(formatMetric(1234567, money, 'zh-CN')).toBe('US$1,234,567');
    expect(formatMetric(1234567, money, 'en', true)).toBe('$1.2M');
    expect(formatMetric(1234567, money, 'zh-CN', true)).toBe('US$123.5万');
    expect(formatMetric(0.6312, { unit: 'ratio', currency: null }, 'en')).toBe('63.1%');
    expect(formatMetric(57, { unit: 'days', currency: null }, 'en')).toBe('57 days');
    expect(formatMetric(57, { unit: 'days', currency: null }, 'zh-CN')).toBe('57天');
    expect(formatMetric(4238, { unit: 'count', currency: null }, 'en')).toBe('4,238');
    expect(formatMetric(null, undefined, 'en')).toBe('–');
  });

  it('labels periods as each locale writes them', () => {
    expect(periodLabel('2017-Q3', 'quarter', 'en')).toBe('Q3 2017');
    expect(periodLabel('2017-Q3', 'quarter', 'zh-CN')).toBe('2017年第3季度');
    expect(periodLabel('2017-03', 'month', 'en')).toBe('Mar 2017');
    expect(periodLabel('2017-03', 'month', 'zh-CN')).toBe('2017年3月');
    expect(periodLabel('2017-W09', 'week', 'zh-CN')).toBe('2017年第9周');
    expect(periodLabel('2017', 'year', 'zh-CN')).toBe('2017年');
  });

  it('gives changes relative for amounts and in points for ratios', () => {
    expect(figureChange(120, 100, 'money')).toEqual({ kind: 'relative', value: 0.2 });
    expect(figureChange(5, 0, 'count')).toBeNull();
    expect(figureChange(0.5, null, 'ratio')).toBeNull();
    const points = figureChange(0.55, 0.5, 'ratio');
    expect(points?.kind).toBe('points');
    expect(formatChange({ kind: 'relative', value: -0.125 }, 'en', 'pts')).toBe('-12.5%');
    expect(formatChange({ kind: 'points', value: 5 }, 'zh-CN', '个百分点')).toBe('+5 个百分点');
  });
});

describe('grid layout', () => {
  const at = (id: string, x: number, y: number, w: number, h: number) => widget({ id, kind: 'number', layout: { x, y, w, h }, query: { metrics: [WON] } });
  it('moves widgets up without overlaps and clamps them into the 12 columns', () => {
    const packed = packLayout([at('a', 0, 3, 6, 2), at('b', 4, 4, 6, 2), at('c', 10, 0, 6, 1)]);
    expect(packed.map((w) => [w.id, w.layout])).toEqual([
      ['a', { x: 0, y: 0, w: 6, h: 2 }],
      ['b', { x: 4, y: 2, w: 6, h: 2 }],
      ['c', { x: 6, y: 0, w: 6, h: 1 }],
    ]);
    expect(freeSpot(packed, 4, 2)).toEqual({ x: 0, y: 2, w: 4, h: 2 });
    expect(freeSpot([at('a', 0, 0, 6, 2)], 6, 2)).toEqual({ x: 6, y: 0, w: 6, h: 2 });
  });
});

describe('widget editing', () => {
  const catalogue = new Map([
    [WON, { id: WON, entity: 'pipeline.deal', label: t, description: null, unit: 'money', currency: 'USD', time: 'close_date', grains: ['day', 'week', 'month', 'quarter', 'year'] as const, dimensions: ['company', 'office', 'team', 'owner', 'stage', 'product'].map((name) => ({ name, kind: 'x' })) }],
    ['pipeline.open_value', { id: 'pipeline.open_value', entity: 'pipeline.deal', label: t, description: null, unit: 'money', currency: 'USD', time: null, grains: [] as const, dimensions: ['owner', 'stage'].map((name) => ({ name, kind: 'x' })) }],
  ].map(([k, v]) => [k as string, { ...(v as object), grains: [...(v as { grains: readonly string[] }).grains] } as never]));
  const base = widget({ kind: 'table', limit: 20, query: { metrics: [WON, 'pipeline.open_value'], groupBy: ['office', 'owner'], grain: 'quarter' } });

  it('fits the query to the kind and to what the metrics allow', async () => {
    const { fitQuery } = await import('./widget-edit');
    expect(fitQuery({ ...base, kind: 'number' }, catalogue)).toEqual({ ...base, kind: 'number', limit: undefined, query: { metrics: [WON] } } as never);
    // office is not a dimension of open_value, and open_value has no time field
    expect(fitQuery({ ...base, kind: 'table' }, catalogue).query).toEqual({ metrics: [WON, 'pipeline.open_value'], groupBy: ['owner'] });
    expect(fitQuery({ ...base, kind: 'line', query: { metrics: [WON] } }, catalogue).query).toEqual({ metrics: [WON], grain: 'month' });
    expect(fitQuery({ ...base, kind: 'funnel', query: { metrics: [WON], grain: 'year' } }, catalogue).query).toEqual({ metrics: [WON], groupBy: ['stage'] });
    expect(fitQuery({ ...base, kind: 'leaderboard', query: { metrics: [WON] } }, catalogue)).toMatchObject({ limit: 20, query: { metrics: [WON], groupBy: ['owner'] } });
    expect(fitQuery({ ...base, kind: 'bar', query: { metrics: [WON] } }, catalogue).query).toEqual({ metrics: [WON], groupBy: ['stage'] });
  });
});
