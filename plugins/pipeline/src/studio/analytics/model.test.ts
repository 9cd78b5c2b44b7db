import { describe, expect, it } from 'vitest';
import { funnelChartOption, MAX_CHART_GROUPS, timeChartOption, type ChartText } from './chart-options';
import { formatCount, formatDate, formatDays, formatRate, funnelModel, funnelRequest, overall, problemText, readQuery, stageOrder, timeInStageModel, writeQuery, type FunnelAnswer, type StageTime } from './model';

const stages = [
  { id: 'prospecting', label: 'Prospecting', kind: 'open' },
  { id: 'engaging', label: 'Engaging', kind: 'open' },
  { id: 'won', label: 'Won', kind: 'won' },
  { id: 'lost', label: 'Lost', kind: 'lost' },
];
const answer = (rows: FunnelAnswer['rows']): FunnelAnswer => ({ process: 'new_business', stages, rows, asOf: '2026-12-05T00:00:00Z' });

describe('funnel model', () => {
  it('puts stages in process order, fills stages nobody entered with zeros and computes both rates', () => {
    const m = funnelModel(answer([
      { stage: 'won', entered: 3, won: 3, lost: 0 },
      { stage: 'prospecting', entered: 10, won: 3, lost: 2 },
      { stage: 'engaging', entered: 6, won: 3, lost: 2 },
    ]), null);
    expect(m.stages).toEqual(['prospecting', 'engaging', 'won', 'lost']);
    expect(m.groups).toHaveLength(1);
    expect(m.total.map((s) => [s.stage, s.entered, s.wonPerEntered, s.wonPerClosed])).toEqual([
      ['prospecting', 10, 0.3, 0.6],
      ['engaging', 6, 0.5, 0.6],
      ['won', 3, 1, 1],
      ['lost', 0, null, null],
    ]);
    expect(overall(m)).toMatchObject({ stage: 'prospecting', entered: 10, won: 3, lost: 2, wonPerClosed: 0.6 });
  });

  it('groups by the split dimension (empty values as one group) and sums the groups into the totals', () => {
    const m = funnelModel(answer([
      { office: 'East', office_id: 'e', stage: 'prospecting', entered: 4, won: 1, lost: 1 },
      { office: 'West', office_id: 'w', stage: 'prospecting', entered: 6, won: 3, lost: 0 },
      { office: null, office_id: null, stage: 'prospecting', entered: 1, won: 0, lost: 1 },
      { office: 'West', office_id: 'w', stage: 'custom', entered: 2, won: 1, lost: 0 },
    ]), 'office');
    expect(m.stages).toEqual(['prospecting', 'engaging', 'won', 'lost', 'custom']);
    expect(m.groups.map((g) => g.key)).toEqual(['East', 'West', null]);
    expect(m.groups[1]?.stages.find((s) => s.stage === 'custom')?.entered).toBe(2);
    expect(m.total[0]).toEqual({ stage: 'prospecting', entered: 11, won: 4, lost: 2, wonPerEntered: 4 / 11, wonPerClosed: 4 / 6 });
  });

  it('has no overall figure when nothing entered', () => {
    expect(overall(funnelModel(answer([]), null))).toBeNull();
  });

  it('orders stages unknown to the process after its own', () => {
    expect(stageOrder([{ id: 'b' }, { id: 'a' }], ['z', 'a', 'y'])).toEqual(['b', 'a', 'y', 'z']);
  });
});

describe('time in stage model', () => {
  const t = (stage: string, finished = 1): StageTime => ({ stage, finished, meanDays: 2, medianDays: 1.5, p75Days: 3, p90Days: 4, current: 0, currentMeanDays: null });
  it('orders the stays by the process', () => {
    expect(timeInStageModel(stages, [t('lost'), t('prospecting'), t('x'), t('engaging')]).map((s) => s.stage)).toEqual(['prospecting', 'engaging', 'lost', 'x']);
  });
});

describe('formatting per locale', () => {
  it('formats counts, rates, days and dates in en and zh-CN', () => {
    expect(formatCount(8800, 'en')).toBe('8,800');
    expect(formatRate(0.63124, 'en')).toBe('63.1%');
    expect(formatRate(0.5, 'zh-CN')).toBe('50.0%');
    expect(formatRate(null, 'en')).toBe('–');
    expect(formatDays(12.25, 'en')).toBe('12.3 days');
    expect(formatDays(1, 'en')).toBe('1 day');
    expect(formatDays(3.5, 'zh-CN')).toBe('3.5天');
    expect(formatDays(null, 'zh-CN')).toBe('–');
    expect(formatDate('2017-03-31T10:00:00.000Z', 'en')).toBe('Mar 31, 2017');
    expect(formatDate('2017-03-31T10:00:00.000Z', 'zh-CN')).toBe('2017年3月31日');
  });
});

describe('problem text', () => {
  it('reads the problem document of a failed call, naming each member', () => {
    const err = Object.assign(new Error('x'), { problem: { status: 422, title: 'Unprocessable Content', detail: 'The funnel query is invalid', code: 'metrics.invalid-query', errors: [{ pointer: '/from', message: 'is after "to"' }, { parameter: 'ids', message: 'up to 500 uuids' }] } });
    expect(problemText(err)).toEqual({ status: 422, title: 'Unprocessable Content', detail: 'The funnel query is invalid', errors: ['/from: is after "to"', 'ids: up to 500 uuids'] });
  });
  it('falls back to the message of any other error', () => {
    expect(problemText(new TypeError('Failed to fetch'))).toEqual({ status: null, title: '', detail: 'Failed to fetch', errors: [] });
  });
});

describe('query in the address', () => {
  it('reads defaults and valid members, ignores malformed ones, and writes them back', () => {
    expect(readQuery('')).toEqual({ process: 'new_business', from: '', to: '', split: '' });
    const q = readQuery('?process=renewal&from=2017-01-01&to=2017-06-30&split=office');
    expect(q).toEqual({ process: 'renewal', from: '2017-01-01', to: '2017-06-30', split: 'office' });
    expect(readQuery('?process=Bad-Id&from=yesterday&split=__proto__x')).toEqual({ process: 'new_business', from: '', to: '', split: '' });
    expect(writeQuery(q)).toBe('?process=renewal&from=2017-01-01&to=2017-06-30&split=office');
    expect(writeQuery(readQuery(''))).toBe('');
    expect(funnelRequest(q)).toEqual({ process: 'renewal', groupBy: ['office'], from: '2017-01-01', to: '2017-06-30' });
    expect(funnelRequest(readQuery(''))).toEqual({ process: 'new_business' });
  });
});

describe('chart options', () => {
  const text: ChartText = { stage: (id) => `S:${id}`, group: (k) => k ?? 'none', entered: 'Entered', wonPerEntered: 'Won / entered', wonPerClosed: 'Won / closed', median: 'Median', p90: 'P90' };
  type Series = { type: string; name: string; data: (number | null)[]; yAxisIndex?: number };

  it('draws entered as bars and both rates as labelled lines on a percent axis without a split', () => {
    const m = funnelModel(answer([{ stage: 'prospecting', entered: 10, won: 3, lost: 2 }, { stage: 'won', entered: 3, won: 3, lost: 0 }]), null);
    expect(m.terminal).toEqual(['won', 'lost']);
    const o = funnelChartOption(m, text, 'en', false) as { xAxis: { data: string[] }; series: Series[]; yAxis: { max?: number; axisLabel: { formatter(v: number): string } }[] };
    expect(o.xAxis.data).toEqual(['S:prospecting', 'S:engaging', 'S:won', 'S:lost']);
    expect(o.series.map((s) => [s.type, s.name, s.yAxisIndex ?? 0])).toEqual([['bar', 'Entered', 0], ['line', 'Won / entered', 1], ['line', 'Won / closed', 1]]);
    expect(o.series[0]?.data).toEqual([10, 0, 3, 0]);
    // no rate drawn at the won stage (100% by definition) nor where nothing entered
    expect(o.series[1]?.data).toEqual([0.3, null, null, null]);
    expect(o.series[2]?.data).toEqual([0.6, null, null, null]);
    expect(o.yAxis[1]?.max).toBe(1);
    expect(o.yAxis[1]?.axisLabel.formatter(0.5)).toBe('50%');
    expect(o.yAxis[0]?.axisLabel.formatter(12000)).toBe('12,000');
  });

  it('draws one bar series per group with a split, the largest groups first, at most a few', () => {
    const rows = Array.from({ length: MAX_CHART_GROUPS + 2 }, (_, i) => ({ owner: `rep ${i}`, stage: 'prospecting', entered: i + 1, won: 0, lost: 0 }));
    const o = funnelChartOption(funnelModel(answer(rows), 'owner'), text, 'en', true) as { series: Series[] };
    expect(o.series).toHaveLength(MAX_CHART_GROUPS);
    expect(o.series[0]).toMatchObject({ type: 'bar', name: `rep ${MAX_CHART_GROUPS + 1}` });
  });

  it('draws median and 90th percentile days of the stages with finished stays', () => {
    const s: StageTime[] = [
      { stage: 'prospecting', finished: 5, meanDays: 9, medianDays: 8, p75Days: 10, p90Days: 14, current: 1, currentMeanDays: 3 },
      { stage: 'won', finished: 0, meanDays: null, medianDays: null, p75Days: null, p90Days: null, current: 4, currentMeanDays: 100 },
    ];
    const o = timeChartOption(s, text, 'zh-CN') as { xAxis: { data: string[] }; series: Series[]; yAxis: { axisLabel: { formatter(v: number): string } } };
    expect(o.xAxis.data).toEqual(['S:prospecting']);
    expect(o.series.map((x) => [x.name, x.data])).toEqual([['Median', [8]], ['P90', [14]]]);
    expect(o.yAxis.axisLabel.formatter(20)).toBe('20天');
  });
});

describe('process labels', () => {
  it('read a bilingual label in the reader\'s language, with fallbacks', async () => {
    const { labelIn } = await import('./AnalyticsPage');
    expect(labelIn('New business', 'zh-CN')).toBe('New business');
    expect(labelIn({ en: 'Leads', 'zh-CN': '线索' }, 'zh-CN')).toBe('线索');
    expect(labelIn({ en: 'Leads', 'zh-CN': '线索' }, 'fr')).toBe('Leads');
    expect(labelIn({ zh: '线索' }, 'zh-CN')).toBe('线索');
  });
});
