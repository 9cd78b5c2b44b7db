import { describe, expect, it } from 'vitest';
import { PluginError } from '../errors';
import { loadPlugins } from '../plugins/loader';
import { memorySource } from '../plugins/memory-source';
import { createOperatorRegistry } from '../rules/operators/registry';
import { checkDashboard } from './check';
import { drillBody, rowCell, widgetQueries } from './queries';
import { previousPeriod, resolveRange, todayIn } from './range';
import type { DashboardDocument, Widget } from './types';

const t = (en: string) => ({ en, 'zh-CN': `${en}（中文）` });
const widget = (over: Partial<Widget> & Pick<Widget, 'kind' | 'query'>): Widget => ({ id: 'w', title: t('W'), layout: { x: 0, y: 0, w: 4, h: 3 }, ...over });

describe('ranges', () => {
  it('resolves presets to whole calendar periods around today', () => {
    const today = '2017-05-14';
    expect(resolveRange({ preset: 'this-month' }, today)).toEqual({ from: '2017-05-01', to: '2017-05-31' });
    expect(resolveRange({ preset: 'last-month' }, today)).toEqual({ from: '2017-04-01', to: '2017-04-30' });
    expect(resolveRange({ preset: 'this-quarter' }, today)).toEqual({ from: '2017-04-01', to: '2017-06-30' });
    expect(resolveRange({ preset: 'last-quarter' }, today)).toEqual({ from: '2017-01-01', to: '2017-03-31' });
    expect(resolveRange({ preset: 'last-quarter' }, '2017-02-28')).toEqual({ from: '2016-10-01', to: '2016-12-31' });
    expect(resolveRange({ preset: 'this-year' }, today)).toEqual({ from: '2017-01-01', to: '2017-12-31' });
    expect(resolveRange({ preset: 'last-year' }, today)).toEqual({ from: '2016-01-01', to: '2016-12-31' });
    expect(resolveRange({ preset: 'last-12-months' }, today)).toEqual({ from: '2016-06-01', to: '2017-05-31' });
    expect(resolveRange({ preset: 'last-month' }, '2016-03-10')).toEqual({ from: '2016-02-01', to: '2016-02-29' });
    expect(resolveRange({ preset: 'all' }, today)).toEqual({});
    expect(resolveRange(undefined, today)).toEqual({});
    expect(resolveRange({ from: '2017-01-03', to: '2017-02-09' }, today)).toEqual({ from: '2017-01-03', to: '2017-02-09' });
  });

  it('gives the previous period of the same length: calendar months by months, other spans by days', () => {
    expect(previousPeriod({ from: '2017-04-01', to: '2017-06-30' })).toEqual({ from: '2017-01-01', to: '2017-03-31' });
    expect(previousPeriod({ from: '2017-03-01', to: '2017-03-31' })).toEqual({ from: '2017-02-01', to: '2017-02-28' });
    expect(previousPeriod({ from: '2017-01-01', to: '2017-12-31' })).toEqual({ from: '2016-01-01', to: '2016-12-31' });
    expect(previousPeriod({ from: '2017-01-10', to: '2017-01-19' })).toEqual({ from: '2016-12-31', to: '2017-01-09' });
    expect(previousPeriod({ from: '2017-01-01' })).toBeNull();
    expect(previousPeriod({})).toBeNull();
  });

  it('takes today in the company time zone', () => {
    expect(todayIn('Asia/Shanghai', new Date('2017-03-31T20:00:00Z'))).toBe('2017-04-01');
    expect(todayIn('America/Los_Angeles', new Date('2017-04-01T03:00:00Z'))).toBe('2017-03-31');
  });
});

describe('widget to metric query', () => {
  const period = { from: '2017-04-01', to: '2017-06-30' };
  it('asks a number for the period total and the previous period total', () => {
    const w = widget({ kind: 'number', query: { metrics: ['pipeline.won_value'], where: { '==': [{ var: 'source' }, 'inbound'] } } });
    expect(widgetQueries(w, period)).toEqual({
      current: { metrics: ['pipeline.won_value'], from: '2017-04-01', to: '2017-06-30', where: { '==': [{ var: 'source' }, 'inbound'] } },
      previous: { metrics: ['pipeline.won_value'], from: '2017-01-01', to: '2017-03-31', where: { '==': [{ var: 'source' }, 'inbound'] } },
    });
    expect(widgetQueries(w, period, { compare: false }).previous).toBeUndefined();
    expect(widgetQueries(w, {})).toEqual({ current: { metrics: ['pipeline.won_value'], where: { '==': [{ var: 'source' }, 'inbound'] } } });
  });

  it('passes grouping and grain through for charts, and drops empty members', () => {
    const w = widget({ kind: 'bar', query: { metrics: ['pipeline.won_value', 'pipeline.win_rate'], groupBy: ['office'], grain: 'quarter' } });
    expect(widgetQueries(w, period)).toEqual({ current: { metrics: ['pipeline.won_value', 'pipeline.win_rate'], groupBy: ['office'], grain: 'quarter', from: '2017-04-01', to: '2017-06-30' } });
    expect(widgetQueries(widget({ kind: 'table', query: { metrics: ['a.b'], groupBy: [] } }), {}).current).toEqual({ metrics: ['a.b'] });
  });

  it('drills into one cell by dimension ids and the period of the row', () => {
    const w = widget({ kind: 'bar', query: { metrics: ['pipeline.won_value', 'pipeline.win_rate'], groupBy: ['office', 'stage'], grain: 'quarter' } });
    const row = { office: 'West', office_id: 'region-west', stage: 'won', quarter: '2017-Q2', 'pipeline.won_value': 10, 'pipeline.win_rate': 0.5 };
    expect(rowCell(w, row)).toEqual({ office_id: 'region-west', stage: 'won', quarter: '2017-Q2' });
    expect(rowCell(w, { ...row, office_id: null })).toEqual({ office_id: null, stage: 'won', quarter: '2017-Q2' });
    expect(drillBody(w, period, 'pipeline.win_rate', row, { limit: 50 })).toEqual({
      metric: 'pipeline.win_rate',
      grain: 'quarter',
      from: '2017-04-01',
      to: '2017-06-30',
      cell: { office_id: 'region-west', stage: 'won', quarter: '2017-Q2' },
      limit: 50,
    });
    const n = widget({ kind: 'number', query: { metrics: ['pipeline.won_value'], where: { '==': [{ var: 'source' }, 'inbound'] } } });
    expect(drillBody(n, period, 'pipeline.won_value', null)).toEqual({ metric: 'pipeline.won_value', from: '2017-04-01', to: '2017-06-30', where: { '==': [{ var: 'source' }, 'inbound'] }, cell: {} });
  });
});

describe('checkDashboard', () => {
  const metrics = new Map([
    ['pipeline.won_value', { entity: 'pipeline.deal', dimensions: ['office', 'owner', 'stage'] }],
    ['pipeline.deal_count', { entity: 'pipeline.deal', grains: [] }],
  ]);
  const dealSchema = { type: 'object', properties: { source: { type: 'string' }, amount: { type: 'number' } } };
  const ctx = { metrics, operators: createOperatorRegistry(), entitySchema: (e: string) => (e === 'pipeline.deal' ? dealSchema : undefined) };
  const doc = (widgets: Widget[], extra: Partial<DashboardDocument> = {}): DashboardDocument => ({ id: 'd', title: t('D'), widgets, ...extra });

  it('accepts a sound dashboard', () => {
    const d = doc([
      widget({ id: 'a', kind: 'number', query: { metrics: ['pipeline.won_value'], where: { '==': [{ var: 'source' }, 'inbound'] } } }),
      widget({ id: 'b', kind: 'leaderboard', layout: { x: 4, y: 0, w: 8, h: 3 }, query: { metrics: ['pipeline.won_value'], groupBy: ['owner'] } }),
    ]);
    expect(checkDashboard(d, ctx)).toEqual({ dashboard: d, problems: [] });
  });

  it('names schema problems by pointer', () => {
    const { dashboard, problems } = checkDashboard({ id: 'd', title: { en: 'x' }, widgets: [widget({ kind: 'line', query: { metrics: ['pipeline.won_value'] } })] }, ctx);
    expect(dashboard).toBeNull();
    expect(problems.map((p) => p.pointer)).toEqual(expect.arrayContaining(['/title/zh-CN', '/widgets/0/query/grain']));
  });

  it('refuses unknown metrics and dimensions, duplicate ids, overflowing and overlapping widgets, bad where-rules and reversed ranges', () => {
    const d = doc(
      [
        widget({ id: 'a', kind: 'bar', layout: { x: 8, y: 0, w: 6, h: 2 }, query: { metrics: ['pipeline.nope', 'pipeline.won_value'], groupBy: ['product'] } }),
        widget({ id: 'a', kind: 'number', layout: { x: 9, y: 1, w: 3, h: 2 }, query: { metrics: ['pipeline.deal_count'], where: { '>': [{ var: 'amunt' }, 5] } } }),
        widget({ id: 'c', kind: 'line', layout: { x: 0, y: 4, w: 3, h: 2 }, query: { metrics: ['pipeline.deal_count'], grain: 'month' } }),
      ],
      { range: { from: '2017-02-01', to: '2017-01-01' } },
    );
    const { dashboard, problems } = checkDashboard(d, ctx);
    expect(dashboard).toBeNull();
    const byPointer = Object.fromEntries(problems.map((p) => [p.pointer, p.code]));
    expect(byPointer).toMatchObject({
      '/range/to': 'range',
      '/widgets/0/layout/w': 'layout',
      '/widgets/0/query/metrics/0': 'unknown-metric',
      '/widgets/0/query/groupBy/0': 'unknown-dimension',
      '/widgets/1/id': 'duplicate',
      '/widgets/1/layout': 'layout-overlap',
      '/widgets/2/query/grain': 'unknown-grain',
    });
    expect(problems.some((p) => p.pointer.startsWith('/widgets/1/query/where') && /amunt/.test(p.message))).toBe(true);
  });
});

describe('plugin dashboards', () => {
  const manifest = (contributes: Record<string, unknown>) => ({ id: 'sales', name: 'Sales', version: '1.0.0', apiVersion: 1, contributes });
  const entity = { id: 'deal', label: 'Deal', labelPlural: 'Deals', schema: { type: 'object', properties: { v: { type: 'number' } }, additionalProperties: false } };
  const metric = { id: 'total', label: t('Total'), entity: 'sales.deal', measure: { aggregate: 'sum', field: 'v' } };
  const dash = (metricId: string) => ({ id: 'home', title: t('Home'), homeFor: ['rep'], widgets: [widget({ kind: 'number', query: { metrics: [metricId] } })] });

  it('are registered by <plugin>.<id> once their metrics are known', async () => {
    const registry = await loadPlugins([memorySource('p/sales', { 'plugin.json': manifest({ entities: ['deal.json'], metrics: [metric], dashboards: ['dashboards/home.dashboard.json'] }), 'deal.json': entity, 'dashboards/home.dashboard.json': dash('sales.total') })]);
    expect(registry.dashboards.get('sales.home')).toMatchObject({ plugin: 'sales', file: 'dashboards/home.dashboard.json', document: { id: 'home' } });
  });

  it('refuse a dashboard naming an unknown metric, with the file and pointer', async () => {
    const err = await loadPlugins([memorySource('p/sales', { 'plugin.json': manifest({ entities: ['deal.json'], metrics: [metric], dashboards: ['d.json'] }), 'deal.json': entity, 'd.json': dash('sales.missing') })]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginError);
    expect([(err as PluginError).code, (err as PluginError).file, (err as PluginError).pointer]).toEqual(['plugin.invalid-dashboard', 'd.json', '/widgets/0/query/metrics/0']);
    const bad = await loadPlugins([memorySource('p/sales', { 'plugin.json': manifest({ dashboards: ['d.json'] }), 'd.json': { id: 'x', widgets: [] } })]).catch((e: unknown) => e);
    expect([(bad as PluginError).code, (bad as PluginError).pointer]).toEqual(['plugin.invalid-document', '/title']);
  });
});
