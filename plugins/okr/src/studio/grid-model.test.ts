import { describe, expect, it } from 'vitest';
import { cellChecks, gridTargets, parseAmount, quarterOf, rankByAttainment, scopeFields, scopeKey, yearColumns, type GridScope } from './grid-model';

const scopes: GridScope[] = [
  { scope: 'unit:company', kind: 'company', name: 'Co', parent: null, depth: 0 },
  { scope: 'unit:team-a', kind: 'team', name: 'A', parent: 'unit:company', depth: 1 },
  { scope: 'user:ann', kind: 'person', name: 'Ann', parent: 'unit:team-a', depth: 2 },
  { scope: 'user:bob', kind: 'person', name: 'Bob', parent: 'unit:team-a', depth: 2 },
];
const rec = (id: string, data: Record<string, unknown>, computed?: Record<string, unknown>) => ({ id, version: 1, data: { metric: 'm.x', ...data }, ...(computed ? { computed } : {}) });

describe('target grid model', () => {
  it('lays out a year as three months then their quarter, four times', () => {
    const cols = yearColumns(2017);
    expect(cols.map((c) => c.period)).toEqual(['2017-01', '2017-02', '2017-03', '2017-Q1', '2017-04', '2017-05', '2017-06', '2017-Q2', '2017-07', '2017-08', '2017-09', '2017-Q3', '2017-10', '2017-11', '2017-12', '2017-Q4']);
    expect(cols[11]).toEqual({ period: '2017-Q3', kind: 'quarter', months: ['2017-07', '2017-08', '2017-09'] });
  });

  it('keys scopes as the plugin does, both ways', () => {
    expect(scopeKey({ scope_user: 'ann' })).toBe('user:ann');
    expect(scopeKey({ scope_unit: 'team-a' })).toBe('unit:team-a');
    expect(scopeKey({})).toBe('company');
    expect(scopeFields('user:ann')).toEqual({ scope_user: 'ann' });
    expect(scopeFields('unit:team-a')).toEqual({ scope_unit: 'team-a' });
    expect(scopeFields('company')).toEqual({});
  });

  it('checks a team against its reps and a quarter against its months, counting only cells with a value', () => {
    const targets = gridTargets([
      rec('1', { scope_unit: 'team-a', period: '2017-Q3', value: 300 }, { actual: 150, attainment: 0.5 }),
      rec('2', { scope_user: 'ann', period: '2017-Q3', value: 100 }),
      rec('3', { scope_user: 'bob', period: '2017-Q3', value: 150.1 }),
      rec('4', { scope_unit: 'team-a', period: '2017-07', value: 90 }),
      rec('5', { scope_unit: 'team-a', period: '2017-08', value: 110 }),
      rec('6', { scope_user: 'ann', period: '2017-07', value: 40 }),
    ]);
    expect(targets.get('unit:team-a|2017-Q3')).toMatchObject({ id: '1', value: 300, actual: 150, attainment: 0.5 });
    const checks = cellChecks(scopes, targets, yearColumns(2017));
    expect(checks.get('unit:team-a|2017-Q3')).toEqual({ children: { sum: 250.1, count: 2 }, months: { sum: 200, count: 2 } });
    expect(checks.get('unit:team-a|2017-07')).toEqual({ children: { sum: 40, count: 1 }, months: null });
    expect(checks.get('user:ann|2017-Q3')).toEqual({ children: null, months: { sum: 40, count: 1 } });
    expect(checks.get('user:bob|2017-Q3')).toEqual({ children: null, months: null });
    // no check where there is no target
    expect(checks.has('unit:company|2017-Q3')).toBe(false);
  });

  it('reads typed amounts: thousands commas, decimals; empty is no target, words are NaN', () => {
    expect(parseAmount(' 1,250,000 ')).toBe(1_250_000);
    expect(parseAmount('12.5')).toBe(12.5);
    expect(parseAmount('')).toBeNull();
    expect(parseAmount('12k')).toBeNaN();
    expect(parseAmount('1.2.3')).toBeNaN();
  });

  it('ranks by attainment, then actual, then name; zero targets are left out', () => {
    const ranked = rankByAttainment([
      { scope: 'a', name: 'Zed', target: 100, actual: 50 },
      { scope: 'b', name: 'Amy', target: 200, actual: 100 },
      { scope: 'c', name: 'Cy', target: 10, actual: 20 },
      { scope: 'd', name: 'Dee', target: 0, actual: 20 },
      { scope: 'e', name: 'Ali', target: 100, actual: 50 },
    ]);
    expect(ranked.map((r) => r.scope)).toEqual(['c', 'b', 'e', 'a']);
    expect(ranked[0]?.attainment).toBe(2);
  });

  it("names the quarter of a dashboard period's last day, none for all time", () => {
    expect(quarterOf({ from: '2017-07-01', to: '2017-09-30' })).toBe('2017-Q3');
    expect(quarterOf({ from: '2017-01-01', to: '2017-12-31' })).toBe('2017-Q4');
    expect(quarterOf({})).toBeNull();
  });
});
