import { describe, expect, it } from 'vitest';
import { mappingRows, unmappedStages } from './migration-plan';

describe('migration plan', () => {
  it('counts records per stage mapping, movers first, and lists stages left unmapped', () => {
    const rec = (fromStage: string, toStage: string | null, status: 'migrate' | 'unmapped' | 'invalid') => ({ id: Math.random().toString(), fromStage, toStage, status, problems: [] });
    const report = { records: [rec('a', 'a', 'migrate'), rec('b', null, 'unmapped'), rec('a', 'a', 'migrate'), rec('c', 'x', 'invalid'), rec('b', null, 'unmapped')] };
    expect(mappingRows(report)).toEqual([
      { from: 'a', to: 'a', status: 'migrate', count: 2 },
      { from: 'c', to: 'x', status: 'invalid', count: 1 },
      { from: 'b', to: null, status: 'unmapped', count: 2 },
    ]);
    expect(unmappedStages(report)).toEqual(['b']);
  });
});
