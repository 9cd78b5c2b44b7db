import { describe, expect, it } from 'vitest';
import { peersInTeam } from './index';

describe('peers the review assigns', () => {
  const team = [{ id: 'c', name: 'Cy' }, { id: 'a', name: 'Al' }, { id: 'd', name: 'Di' }, { id: 'b', name: 'Bo' }];
  it('the next colleagues by name, cyclic, never the person himself', () => {
    expect(peersInTeam('b', team, 2)).toEqual(['c', 'd']);
    expect(peersInTeam('d', team, 2)).toEqual(['a', 'b']);
    expect(peersInTeam('a', team, 5)).toEqual(['b', 'c', 'd']);
    expect(peersInTeam('a', [{ id: 'a', name: 'Al' }], 2)).toEqual([]);
  });
  it('each person is assigned as often as he is rated', () => {
    const counts = new Map<string, number>();
    for (const u of team) for (const p of peersInTeam(u.id, team, 2)) counts.set(p, (counts.get(p) ?? 0) + 1);
    expect([...counts.values()]).toEqual([2, 2, 2, 2]);
  });
});
