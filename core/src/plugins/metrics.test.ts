import { describe, expect, it } from 'vitest';
import { PluginError } from '../errors';
import { loadPlugins } from './loader';
import { memorySource } from './memory-source';

const MONEY = { $ref: 'https://pipewright.dev/schemas/types.schema.json#/$defs/money' };
const DATE = { $ref: 'https://pipewright.dev/schemas/types.schema.json#/$defs/date' };
const deal = {
  id: 'deal',
  label: 'Deal',
  labelPlural: 'Deals',
  stageful: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: { name: { type: 'string' }, amount: MONEY, close_date: DATE, engage_date: DATE, source: { type: 'string', enum: ['inbound', 'outbound'] }, account_id: { type: 'string', format: 'uuid' } },
  },
  references: { account_id: { entity: 'sales.deal' } },
};
const note = { id: 'note', label: 'Note', labelPlural: 'Notes', schema: { type: 'object', additionalProperties: false, properties: { text: { type: 'string' } } } };
const label = { en: 'M', 'zh-CN': '指标' };
const count = (id: string, extra: Record<string, unknown> = {}) => ({ id, label, entity: 'sales.deal', measure: { aggregate: 'count' }, ...extra });

function load(metrics: unknown[]) {
  const manifest = { id: 'sales', name: 'Sales', version: '1.0.0', apiVersion: 1, contributes: { entities: ['deal.json', 'note.json'], metrics } };
  return loadPlugins([memorySource('p/sales', { 'plugin.json': manifest, 'deal.json': deal, 'note.json': note })]);
}

async function refusal(metrics: unknown[]): Promise<PluginError> {
  const err = await load(metrics).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PluginError);
  return err as PluginError;
}

describe('metric declarations', () => {
  it('loads counts, sums of money, weighted sums, durations, percentiles and ratios', async () => {
    const registry = await load([
      count('won', { stageKinds: ['won'], time: 'close_date', dimensions: ['source', 'account_id'] }),
      count('lost', { stageKinds: ['lost'], time: 'close_date' }),
      { id: 'rate', label, entity: 'sales.deal', measure: { ratio: { numerator: ['won'], denominator: ['won', 'lost'] } } },
      { id: 'weighted', label, entity: 'sales.deal', measure: { aggregate: 'sum', field: 'amount', weight: 'stageProbability' }, filter: { '==': [{ var: 'source' }, 'inbound'] } },
      { id: 'cycle', label, entity: 'sales.deal', measure: { aggregate: 'percentile', percentile: 0.9, duration: { from: 'engage_date', to: 'close_date' } }, time: 'createdAt' },
    ]);
    expect([...registry.metrics.keys()]).toEqual(['sales.won', 'sales.lost', 'sales.rate', 'sales.weighted', 'sales.cycle']);
    expect(registry.metrics.get('sales.rate')?.measure).toEqual({ ratio: { numerator: ['won'], denominator: ['won', 'lost'] } });
  });

  it.each([
    ['an unknown entity', [count('x', { entity: 'sales.nothing' })], '/contributes/metrics/0/entity', 'plugin.unknown-entity'],
    ['an unknown measured field', [{ id: 'x', label, entity: 'sales.deal', measure: { aggregate: 'sum', field: 'price' } }], '/contributes/metrics/0/measure/field', 'plugin.invalid-metric'],
    ['a text field summed', [{ id: 'x', label, entity: 'sales.deal', measure: { aggregate: 'sum', field: 'name' } }], '/contributes/metrics/0/measure/field', 'plugin.invalid-metric'],
    ['a duration from a non-date', [{ id: 'x', label, entity: 'sales.deal', measure: { aggregate: 'median', duration: { from: 'name', to: 'close_date' } } }], '/contributes/metrics/0/measure/duration/from', 'plugin.invalid-metric'],
    ['an unknown time field', [count('x', { time: 'closed_on' })], '/contributes/metrics/0/time', 'plugin.invalid-metric'],
    ['a time field that is no date', [count('x', { time: 'source' })], '/contributes/metrics/0/time', 'plugin.invalid-metric'],
    ['a dimension that is neither enum nor reference', [count('x', { dimensions: ['source', 'name'] })], '/contributes/metrics/0/dimensions/1', 'plugin.invalid-metric'],
    ['a filter on an unknown field', [count('x', { filter: { and: [{ '==': [{ var: 'source' }, 'inbound'] }, { '>': [{ var: 'budget' }, 5] }] } })], '/contributes/metrics/0/filter/and/1/>/0', 'plugin.invalid-metric'],
    ['a ratio naming an unknown metric', [count('won'), { id: 'rate', label, entity: 'sales.deal', measure: { ratio: { numerator: ['won'], denominator: ['won', 'lots'] } } }], '/contributes/metrics/1/measure/ratio/denominator/1', 'plugin.invalid-metric'],
    ['a ratio of a ratio', [count('won'), { id: 'r1', label, entity: 'sales.deal', measure: { ratio: { numerator: ['won'], denominator: ['won'] } } }, { id: 'r2', label, entity: 'sales.deal', measure: { ratio: { numerator: ['r1'], denominator: ['won'] } } }], '/contributes/metrics/2/measure/ratio/numerator/0', 'plugin.invalid-metric'],
    ['a ratio over another entity', [count('notes', { entity: 'sales.note' }), { id: 'r', label, entity: 'sales.deal', measure: { ratio: { numerator: ['notes'], denominator: ['notes'] } } }], '/contributes/metrics/1/measure/ratio/numerator/0', 'plugin.invalid-metric'],
    ['stage kinds on an entity without stages', [count('x', { entity: 'sales.note', stageKinds: ['won'] })], '/contributes/metrics/0/stageKinds', 'plugin.invalid-metric'],
  ])('refuses %s, naming plugin, file and pointer', async (_what, metrics, pointer, code) => {
    const err = await refusal(metrics);
    expect(err.code).toBe(code);
    expect(err.pointer).toBe(pointer);
    expect([err.plugin, err.file]).toEqual(['sales', 'plugin.json']);
  });

  it('refuses a label without its Chinese text (manifest schema)', async () => {
    const err = await refusal([count('x', { label: { en: 'X' } })]);
    expect(err.code).toBe('plugin.invalid-manifest');
    expect(err.pointer).toBe('/contributes/metrics/0/label/zh-CN');
  });
});
