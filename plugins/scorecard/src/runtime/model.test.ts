import { describe, expect, it } from 'vitest';
import { bands, centsSummingTo, checkDefinition, halves, normalise, periodRange, previousPeriod, ranks, spearman, targetPeriods, type Definition } from './model';

const dim = (id: string, weight: number, weights: number[]) => ({ id, label: id, weight, indicators: weights.map((w, i) => ({ id: `i${i}`, label: `I${i}`, kind: 'metric' as const, metric: 'pipeline.won_count', weight: w })) });

describe('scorecard definitions', () => {
  it('accepts weights summing to 100 at each level, refuses others by pointer', () => {
    expect(checkDefinition({ dimensions: [dim('a', 60, [50, 50]), dim('b', 40, [100])] })).toEqual([]);
    expect(checkDefinition({ dimensions: [dim('a', 60, [50, 50]), dim('b', 50, [100])] }).map((p) => p.pointer)).toEqual(['/dimensions']);
    expect(checkDefinition({ dimensions: [dim('a', 60, [50, 40]), dim('b', 40, [100])] }).map((p) => p.pointer)).toEqual(['/dimensions/0/indicators']);
    expect(checkDefinition({ dimensions: [dim('a', 33.3333, [100]), dim('b', 33.3333, [100]), dim('c', 33.3334, [100])] })).toEqual([]);
  });

  it('names missing members, duplicate ids, rubrics and forced distributions', () => {
    const def: Definition = {
      dimensions: [
        { id: 'a', label: 'A', weight: 100, indicators: [
          { id: 'x', label: 'X', kind: 'metric', weight: 25 },
          { id: 'x', label: 'Y', kind: 'rule', weight: 25 },
          { id: 'z', label: 'Z', kind: 'rating', weight: 25, rubric: ['a', 'b'] },
          { id: 'p', label: 'P', kind: 'rule', rule: 1, weight: 25, normalise: { method: 'percent_of_target' } },
        ] },
      ],
      forced_distribution: { top: 20, middle: 70, bottom: 20 },
    };
    // A metric indicator may leave the target to the OKR plugin's sales targets; a rule may not; a target is above 0.
    expect(checkDefinition({ dimensions: [{ id: 'a', label: 'A', weight: 100, indicators: [{ id: 'x', label: 'X', kind: 'metric', metric: 'pipeline.won_value', weight: 100, normalise: { method: 'percent_of_target' } }] }] })).toEqual([]);
    expect(checkDefinition({ dimensions: [{ id: 'a', label: 'A', weight: 100, indicators: [{ id: 'x', label: 'X', kind: 'metric', metric: 'pipeline.won_value', weight: 100, normalise: { method: 'percent_of_target', target: 0 } }] }] }).map((p) => p.code)).toEqual(['invalid-target']);
    expect(checkDefinition(def).map((p) => p.pointer).sort()).toEqual(['/dimensions/0/indicators/0/metric', '/dimensions/0/indicators/1/id', '/dimensions/0/indicators/1/rule', '/dimensions/0/indicators/2/rater', '/dimensions/0/indicators/2/rubric', '/dimensions/0/indicators/3/normalise/target', '/forced_distribution'].sort());
  });
});

describe('periods', () => {
  it('ranges, previous periods and halves', () => {
    expect(periodRange('2017-Q4')).toEqual({ id: '2017-Q4', from: '2017-10-01', to: '2017-12-31' });
    expect(periodRange('2016-02')).toEqual({ id: '2016-02', from: '2016-02-01', to: '2016-02-29' });
    expect(periodRange('2017')).toEqual({ id: '2017', from: '2017-01-01', to: '2017-12-31' });
    expect(periodRange('2017-H2')).toEqual({ id: '2017-H2', from: '2017-07-01', to: '2017-12-31' });
    expect(() => periodRange('2017-Q5')).toThrow(RangeError);
    expect(['2017-Q4', '2017-11', '2017-H1', '2017-H2', '2017'].map(targetPeriods)).toEqual([['2017-Q4'], ['2017-11'], ['2017-Q1', '2017-Q2'], ['2017-Q3', '2017-Q4'], ['2017-Q1', '2017-Q2', '2017-Q3', '2017-Q4']]);
    expect(['2017-Q1', '2017-H1', '2017-01', '2017', '2017-Q3'].map(previousPeriod)).toEqual(['2016-Q4', '2016-H2', '2016-12', '2016', '2017-Q2']);
    expect(halves('2017').map((p) => [p.from, p.to])).toEqual([['2017-01-01', '2017-06-30'], ['2017-07-01', '2017-12-31']]);
    expect(halves('2017-Q4').map((p) => [p.from, p.to])).toEqual([['2017-10-01', '2017-11-15'], ['2017-11-16', '2017-12-31']]);
    expect(halves('2017-02').map((p) => [p.from, p.to])).toEqual([['2017-02-01', '2017-02-14'], ['2017-02-15', '2017-02-28']]);
  });
});

describe('statistics', () => {
  it('average ranks and Spearman with ties', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [40, 30, 20, 10])).toBeCloseTo(-1, 12);
    // by hand: ranks a = 1,2,3,4,5; b = 2,1,4,3,5 -> d^2 = 1+1+1+1+0 = 4 -> 1 - 6*4/(5*24) = 0.8
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(spearman([1, 2], [1, 2])).toBeNull();
  });
});

describe('normalisation', () => {
  it('percent of target (capped), min-max, percentile (mid-rank), tiers, none; no value scores 0', () => {
    expect(normalise(35, { method: 'percent_of_target', target: 70 }, []).score).toBe(50);
    expect(normalise(140, { method: 'percent_of_target', target: 70 }, []).score).toBe(100);
    expect(normalise(140, { method: 'percent_of_target', target: 70, cap: 150 }, []).score).toBe(150);
    expect(normalise(5, { method: 'min_max' }, [0, 5, 10]).score).toBe(50);
    expect(normalise(2, { method: 'min_max', lower_is_better: true }, [0, 5, 10]).score).toBe(80);
    expect(normalise(3, { method: 'percentile' }, [1, 2, 3, 3, 5]).score).toBe(62.5); // 2 below, 1 tie -> 2.5 / 4
    expect(normalise(5, { method: 'percentile' }, [1, 2, 3, 3, 5]).score).toBe(100);
    expect(normalise(55, { method: 'tiers', tiers: [{ min: 0, score: 40 }, { min: 80, score: 100 }, { min: 50, score: 70 }] }, []).score).toBe(70);
    expect(normalise(130, { method: 'none' }, []).score).toBe(100);
    expect(normalise(null, { method: 'min_max' }, [1, 2]).score).toBe(0);
  });

  it('percent of target: the OKR target when there is one, else the indicator\'s own, else 0 with the reason', () => {
    const okr = { value: 200, source: 'okr' as const, records: ['t1'], periods: ['2017-Q4'] };
    expect(normalise(50, { method: 'percent_of_target', target: 100 }, [], okr)).toEqual({ method: 'percent_of_target', score: 25, detail: { target: 200, cap: 100, target_source: 'okr', target_records: 't1', target_periods: '2017-Q4' } });
    expect(normalise(50, { method: 'percent_of_target', target: 100 }, [], null)).toEqual({ method: 'percent_of_target', score: 50, detail: { target: 100, cap: 100, target_source: 'definition' } });
    expect(normalise(50, { method: 'percent_of_target' }, [], null)).toEqual({ method: 'percent_of_target', score: 0, detail: { reason: 'no target', target_source: 'none', cap: 100 } });
    expect(normalise(500, { method: 'percent_of_target', cap: 120 }, [], okr).score).toBe(120);
  });
});

describe('exact decomposition', () => {
  it('rounds parts to cents so that they sum to the rounded total', () => {
    expect(centsSummingTo([33.333, 33.333, 33.334])).toEqual([33.33, 33.33, 33.34]);
    const parts = [10.005, 20.005, 30.005, 0.001];
    const cents = centsSummingTo(parts);
    expect(Math.round(cents.reduce((a, b) => a + b, 0) * 100)).toBe(Math.round(parts.reduce((a, b) => a + b, 0) * 100));
    for (let seed = 1; seed < 200; seed++) {
      const xs = Array.from({ length: 1 + (seed % 9) }, (_, i) => ((seed * 7919 + i * 104729) % 10_007) / 117.3);
      const c = centsSummingTo(xs);
      expect(Math.abs(c.reduce((a, b) => a + b, 0) - xs.reduce((a, b) => a + b, 0))).toBeLessThanOrEqual(0.005 + 1e-9);
      c.forEach((v, i) => expect(Math.abs(v - xs[i]!)).toBeLessThan(0.01));
    }
  });

  it('forced-distribution bands by rank; equal totals share the band of their middle place', () => {
    const people = Array.from({ length: 10 }, (_, i) => ({ id: `p${i}`, total: 100 - i * 10 }));
    const b = bands(people, { top: 20, middle: 70, bottom: 10 });
    expect([...b.values()]).toEqual(['top', 'top', 'middle', 'middle', 'middle', 'middle', 'middle', 'middle', 'middle', 'bottom']);
    const tied = bands([{ id: 'a', total: 5 }, { id: 'b', total: 0 }, { id: 'c', total: 0 }], { top: 0, middle: 40, bottom: 60 });
    expect(tied.get('b')).toBe(tied.get('c'));
    // Five people tied at 0 in places 31-35 of 35 (bottom 10% = places 32-35): all bottom.
    const many = bands([...Array.from({ length: 30 }, (_, i) => ({ id: `p${i}`, total: 50 + i })), ...Array.from({ length: 5 }, (_, i) => ({ id: `z${i}`, total: 0 }))], { top: 20, middle: 70, bottom: 10 });
    expect(Array.from({ length: 5 }, (_, i) => many.get(`z${i}`))).toEqual(['bottom', 'bottom', 'bottom', 'bottom', 'bottom']);
  });
});
