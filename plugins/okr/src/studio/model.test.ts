import { describe, expect, it } from 'vitest';
import { defaultCycle, layoutTree, mapKeyResults, mapObjectives, percent } from './model';

describe('okr studio model', () => {
  it('maps objectives with their computed progress; an unseen parent makes a root', () => {
    const objectives = mapObjectives([
      { id: 'c', data: { title: 'Company', level: 'company' }, computed: { progress: 0.5, asOf: 'x' } },
      { id: 't', data: { title: 'Team', level: 'team', parent_id: 'c' }, computed: { progress: null } },
      { id: 'p', data: { title: 'Person', level: 'person', parent_id: 'hidden', private: true } },
    ]);
    expect(objectives.map((o) => [o.id, o.parentId, o.progress, o.private])).toEqual([
      ['c', null, 0.5, false],
      ['t', 'c', null, false],
      ['p', null, null, true],
    ]);
  });

  it('lays the tree out top-down: a child below its parent', () => {
    const objectives = mapObjectives([
      { id: 'c', data: { title: 'C', level: 'company' } },
      { id: 'o', data: { title: 'O', level: 'office', parent_id: 'c' } },
      { id: 't', data: { title: 'T', level: 'team', parent_id: 'o' } },
    ]);
    const pos = layoutTree(objectives, new Map([['o', 2]]));
    expect(pos.c!.y).toBeLessThan(pos.o!.y);
    expect(pos.o!.y).toBeLessThan(pos.t!.y);
  });

  it('reads key results and formats percents; picks the active cycle of today', () => {
    const [kr] = mapKeyResults([{ id: 'k', data: { objective_id: 'o', title: 'K', kind: 'numeric', start: 0, target: 40 }, computed: { current: 30, progress: 0.75, confidence: 7, status: 'on_track', asOf: '2026-01-01T00:00:00.000Z' } }]);
    expect(kr).toMatchObject({ current: 30, progress: 0.75, confidence: 7, status: 'on_track', target: 40 });
    expect(percent(0.75, 'en')).toBe('75%');
    expect(percent(null, 'en')).toBeNull();
    const cycles = [
      { id: 'old', data: { state: 'closed', start: '2025-10-01', end: '2025-12-31' } },
      { id: 'now', data: { state: 'active', start: '2026-01-01', end: '2026-03-31' } },
    ];
    expect(defaultCycle(cycles, null, '2026-02-01')).toBe('now');
    expect(defaultCycle(cycles, 'old', '2026-02-01')).toBe('old');
    expect(defaultCycle([], null, '2026-02-01')).toBeNull();
  });
});
