import type { ProcessDefinition, StageDefinition, TransitionDefinition } from './types';

/**
 * Source stage ids a transition leaves from (`*` = every open stage).
 *
 * @example
 * ```ts
 * sourcesOf({ from: '*', to: 'lost' }, def.stages); // ['prospecting', 'engaging', ...]
 * ```
 */
export function sourcesOf(t: TransitionDefinition, stages: readonly StageDefinition[]): string[] {
  if (t.from === '*') return stages.filter((s) => s.kind === 'open').map((s) => s.id);
  return Array.isArray(t.from) ? t.from : [t.from];
}

/**
 * A move the process allows from one stage to another: an explicit transition (with its guard
 * and actions) or one implied by `allowSkip` / `allowBackward` (no guard, no actions).
 */
export type Move =
  | { kind: 'transition'; transition: TransitionDefinition; index: number }
  | { kind: 'skip' | 'backward'; transition?: undefined; index?: undefined };

/**
 * Every move allowed from `from` to `to`, explicit transitions first (in definition order),
 * then the implied one if any.
 *
 * @example
 * ```ts
 * movesBetween(def, 'engaging', 'proposal'); // [{ kind: 'transition', transition: {...}, index: 1 }]
 * ```
 */
export function movesBetween(def: ProcessDefinition, from: string, to: string): Move[] {
  const stages = def.stages;
  const out: Move[] = [];
  (def.transitions ?? []).forEach((t, index) => {
    if (t.to === to && sourcesOf(t, stages).includes(from)) out.push({ kind: 'transition', transition: t, index });
  });
  if (out.length > 0 || from === to) return out;
  const a = stages.findIndex((s) => s.id === from);
  const b = stages.findIndex((s) => s.id === to);
  const source = stages[a];
  const target = stages[b];
  if (!source || !target || source.kind !== 'open') return out;
  if (b > a && def.allowSkip === true) out.push({ kind: 'skip' });
  else if (b < a && def.allowBackward === true && target.kind === 'open') out.push({ kind: 'backward' });
  return out;
}

/**
 * Stage ids reachable in one move from `from` (explicit and implied).
 *
 * @example
 * ```ts
 * nextStages(def, 'prospecting'); // ['engaging', 'lost']
 * ```
 */
export function nextStages(def: ProcessDefinition, from: string): string[] {
  return def.stages.map((s) => s.id).filter((to) => movesBetween(def, from, to).length > 0);
}

/**
 * Stages that cannot be reached from the initial stage, and open stages with no way out.
 *
 * @example
 * ```ts
 * graphProblems(def); // { unreachable: ['orphan'], deadEnds: ['stuck'] }
 * ```
 */
export function graphProblems(def: ProcessDefinition): { unreachable: string[]; deadEnds: string[] } {
  const seen = new Set<string>([def.initialStage]);
  const queue = [def.initialStage];
  const next = new Map(def.stages.map((s) => [s.id, nextStages(def, s.id)]));
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const n of next.get(id) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return {
    unreachable: def.stages.filter((s) => !seen.has(s.id)).map((s) => s.id),
    deadEnds: def.stages.filter((s) => s.kind === 'open' && (next.get(s.id) ?? []).length === 0).map((s) => s.id),
  };
}
