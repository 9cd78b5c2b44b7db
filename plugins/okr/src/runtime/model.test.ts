import { describe, expect, it } from 'vitest';
import { daysBetween, keyResultProgress, rollUp } from './model';

describe('okr arithmetic', () => {
  it('key result progress: (current - start) / (target - start), floored at 0, capped', () => {
    expect(keyResultProgress({ kind: 'numeric', current: 30, start: 0, target: 40, cap: 1 })).toBe(0.75);
    expect(keyResultProgress({ kind: 'numeric', current: 50, start: 10, target: 30, cap: 1 })).toBe(1);
    expect(keyResultProgress({ kind: 'numeric', current: 50, start: 10, target: 30, cap: 1.5 })).toBe(1.5);
    expect(keyResultProgress({ kind: 'numeric', current: 5, start: 10, target: 30, cap: 1 })).toBe(0);
    // down: from 10 to 5, now 8
    expect(keyResultProgress({ kind: 'numeric', current: 8, start: 10, target: 5, cap: 1 })).toBeCloseTo(0.4, 12);
    expect(keyResultProgress({ kind: 'metric', current: null, start: 0, target: 5, cap: 1 })).toBeNull();
    expect(keyResultProgress({ kind: 'numeric', current: 3, start: 3, target: 3, cap: 1 })).toBeNull();
    expect(keyResultProgress({ kind: 'milestone', current: 1, start: 0, target: null, cap: 1 })).toBe(1);
    expect(keyResultProgress({ kind: 'milestone', current: 0, start: 0, target: null, cap: 1 })).toBe(0);
  });

  it('roll-up: weighted mean of key results, plus weighted children where asked', () => {
    const p = rollUp(
      [
        { id: 'c', parentId: null, weight: 1, includeChildren: true },
        { id: 'a', parentId: 'c', weight: 3, includeChildren: false },
        { id: 'b', parentId: 'c', weight: 1, includeChildren: false },
        { id: 'x', parentId: 'c', weight: 5, includeChildren: false },
      ],
      [
        { objectiveId: 'a', weight: 1, progress: 1 },
        { objectiveId: 'a', weight: 3, progress: 0.5 },
        { objectiveId: 'b', weight: 1, progress: null },
        { objectiveId: 'c', weight: 2, progress: 0.25 },
      ],
    );
    expect(p.get('a')).toBeCloseTo((1 + 1.5) / 4, 12);
    expect(p.get('b')).toBe(0);
    // x has nothing to average: left out of c
    expect(p.get('x')).toBeNull();
    expect(p.get('c')).toBeCloseTo((2 * 0.25 + 3 * 0.625 + 1 * 0) / 6, 12);
  });

  it('roll-up cuts a parent loop instead of recursing forever', () => {
    const p = rollUp(
      [
        { id: 'a', parentId: 'b', weight: 1, includeChildren: true },
        { id: 'b', parentId: 'a', weight: 1, includeChildren: true },
      ],
      [{ objectiveId: 'a', weight: 1, progress: 0.5 }],
    );
    // the edge that closes the loop (b -> a, reached while a is being computed) is ignored
    expect(p.get('a')).toBeCloseTo(0.5, 12);
    expect(p.get('b')).toBeNull();
  });

  it('whole days between instants', () => {
    expect(daysBetween(new Date('2026-01-01T10:00:00Z'), new Date('2026-01-08T09:59:59Z'))).toBe(6);
    expect(daysBetween(new Date('2026-01-01T10:00:00Z'), new Date('2026-01-08T10:00:00Z'))).toBe(7);
  });
});
