/**
 * The arithmetic of OKRs, free of I/O: a key result's progress from its current value, and an
 * objective's progress as the weighted mean of its key results (and, when it says so, of its
 * aligned children).
 */

export type KeyResultKind = 'metric' | 'numeric' | 'milestone';

/** Objective levels from the top of the cascade down. */
export const LEVELS = ['company', 'office', 'team', 'person'] as const;
export type Level = (typeof LEVELS)[number];

/**
 * Progress of a key result: `(current - start) / (target - start)`, floored at 0 and capped at
 * `cap` (over-achievement counts up to it). A milestone is 1 when done, else 0. The direction is
 * in the sign of `target - start` (down: a target below the start). Null when there is nothing
 * to measure (no current value, or target equal to start).
 *
 * @example
 * ```ts
 * keyResultProgress({ kind: 'numeric', current: 30, start: 0, target: 40, cap: 1 }); // 0.75
 * keyResultProgress({ kind: 'numeric', current: 8, start: 10, target: 5, cap: 1 }); // 0.4 (down)
 * ```
 */
export function keyResultProgress(kr: { kind: KeyResultKind; current: number | null; start: number; target: number | null; cap: number }): number | null {
  if (kr.kind === 'milestone') return kr.current === null ? 0 : kr.current >= 1 ? 1 : 0;
  if (kr.current === null || kr.target === null || kr.target === kr.start) return null;
  const p = (kr.current - kr.start) / (kr.target - kr.start);
  return Math.min(Math.max(p, 0), kr.cap);
}

export interface RollUpObjective {
  id: string;
  parentId: string | null;
  weight: number;
  includeChildren: boolean;
}

export interface RollUpKeyResult {
  objectiveId: string;
  weight: number;
  progress: number | null;
}

/**
 * Every objective's progress: the weighted mean of its key results' progress (key results
 * without one count as 0), plus, for objectives with `includeChildren`, each aligned child's
 * progress with the child's weight (children without progress are left out). Null for an
 * objective with nothing to average. A parent loop (which the hooks prevent) is cut.
 *
 * @example
 * ```ts
 * rollUp([{ id: 'o', parentId: null, weight: 1, includeChildren: false }], [{ objectiveId: 'o', weight: 1, progress: 0.5 }]).get('o'); // 0.5
 * ```
 */
export function rollUp(objectives: readonly RollUpObjective[], keyResults: readonly RollUpKeyResult[]): Map<string, number | null> {
  const krsOf = new Map<string, RollUpKeyResult[]>();
  for (const kr of keyResults) krsOf.set(kr.objectiveId, [...(krsOf.get(kr.objectiveId) ?? []), kr]);
  const childrenOf = new Map<string, RollUpObjective[]>();
  for (const o of objectives) if (o.parentId) childrenOf.set(o.parentId, [...(childrenOf.get(o.parentId) ?? []), o]);
  const out = new Map<string, number | null>();
  const visiting = new Set<string>();
  const progress = (o: RollUpObjective): number | null => {
    if (out.has(o.id)) return out.get(o.id) ?? null;
    if (visiting.has(o.id)) return null;
    visiting.add(o.id);
    let sum = 0;
    let weights = 0;
    for (const kr of krsOf.get(o.id) ?? []) {
      sum += kr.weight * (kr.progress ?? 0);
      weights += kr.weight;
    }
    if (o.includeChildren) {
      for (const child of childrenOf.get(o.id) ?? []) {
        const p = progress(child);
        if (p === null) continue;
        sum += child.weight * p;
        weights += child.weight;
      }
    }
    const result = weights > 0 ? sum / weights : null;
    visiting.delete(o.id);
    out.set(o.id, result);
    return result;
  };
  for (const o of objectives) progress(o);
  return out;
}

/** Whole days between two instants (b after a), rounded down. */
export function daysBetween(a: Date, b: Date): number {
  return Math.floor((b.getTime() - a.getTime()) / 86_400_000);
}
