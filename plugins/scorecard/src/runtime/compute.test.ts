import { NotFoundError, type PluginRecord, type PluginServices } from '@pipewright/plugin-sdk';
import { describe, expect, it } from 'vitest';
import { okrTargets } from './compute';

const target = (id: string, metric: string, period: string, scope_user: string | null, value: number): PluginRecord => ({ id, type: 'okr.target', version: 1, data: { metric, period, scope_user, scope_unit: scope_user ? null : 'team-a', value } } as unknown as PluginRecord);

/** Services whose records.list answers from a fixed set of targets (filtering by metric and period), or fails as an unknown entity. */
function services(targets: PluginRecord[] | 'not-installed'): PluginServices {
  return {
    records: {
      async list(type: string, options: { filter?: Record<string, string> }) {
        if (targets === 'not-installed') throw new NotFoundError(`There is no entity "${type}".`, { entity: type });
        const f = options.filter ?? {};
        return { items: targets.filter((t) => Object.entries(f).every(([k, v]) => t.data[k] === v)), nextCursor: null };
      },
    },
  } as unknown as PluginServices;
}

describe('OKR sales targets for percent of target', () => {
  const all = [
    target('a4', 'pipeline.won_value', '2017-Q4', 'ann', 400),
    target('a3', 'pipeline.won_value', '2017-Q3', 'ann', 300),
    target('b4', 'pipeline.won_value', '2017-Q4', 'bob', 100), // Bob has no Q3 target
    target('u4', 'pipeline.won_value', '2017-Q4', null, 9999), // a team's target: not a person's
    target('c4', 'pipeline.won_count', '2017-Q4', 'ann', 7),
  ];

  it('a quarter reads the person\'s target of that quarter and metric; team targets do not count', async () => {
    const r = await okrTargets(services(all), ['pipeline.won_value'], '2017-Q4');
    expect(r.available).toBe(true);
    expect([...r.byPerson.keys()].sort()).toEqual(['ann', 'bob']);
    expect(r.byPerson.get('ann')!.get('pipeline.won_value')).toEqual({ value: 400, source: 'okr', records: ['a4'], periods: ['2017-Q4'] });
    expect(r.byPerson.get('ann')!.has('pipeline.won_count')).toBe(false);
  });

  it('a half-year sums its quarters, only for people with a target in each', async () => {
    const r = await okrTargets(services(all), ['pipeline.won_value'], '2017-H2');
    expect(r.byPerson.get('ann')!.get('pipeline.won_value')).toMatchObject({ value: 700, periods: ['2017-Q3', '2017-Q4'] });
    expect(r.byPerson.has('bob')).toBe(false);
  });

  it('without the OKR plugin: not available, nobody has a target', async () => {
    const r = await okrTargets(services('not-installed'), ['pipeline.won_value'], '2017-Q4');
    expect(r).toEqual({ available: false, periods: ['2017-Q4'], byPerson: new Map() });
  });
});
