import type { ProcessDefinition, ProcessProblem } from '../../api/processes';
import type { ProblemDetail } from '../../api/types';
import { transitionKeyOf } from './designer-model';

/** Server problems placed on what they concern: stages by id, transitions by key, the rest. */
export interface LocatedProblems {
  stages: ReadonlyMap<string, string[]>;
  transitions: ReadonlyMap<string, string[]>;
  /** Problems of the guard of a transition (pointer below `/transitions/N/guard`), by key. */
  guards: ReadonlyMap<string, { pointer: string; message: string }[]>;
  general: string[];
  count: number;
}

/** No problems. */
export const NO_PROBLEMS: LocatedProblems = { stages: new Map(), transitions: new Map(), guards: new Map(), general: [], count: 0 };

const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => m.set(k, [...(m.get(k) ?? []), v]);

/**
 * Maps JSON pointers of a definition check (`/stages/3/sla/maxDuration`,
 * `/transitions/2/guard/and/0`) to the stages and transitions of the definition that was checked,
 * by stage id and transition key, so they survive later edits that shift indices.
 *
 * @example
 * ```ts
 * const located = locateProblems(def, problem.errors ?? []);
 * located.stages.get('proposal'); // ['Open stage "proposal" has no way out: add a transition from it.']
 * ```
 */
export function locateProblems(def: ProcessDefinition, problems: readonly (ProcessProblem | ProblemDetail)[]): LocatedProblems {
  const stages = new Map<string, string[]>();
  const transitions = new Map<string, string[]>();
  const guards = new Map<string, { pointer: string; message: string }[]>();
  const general: string[] = [];
  for (const p of problems) {
    const seg = p.pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const index = Number(seg[1]);
    const stage = seg[0] === 'stages' && Number.isInteger(index) ? def.stages[index] : undefined;
    const transition = seg[0] === 'transitions' && Number.isInteger(index) ? def.transitions?.[index] : undefined;
    if (stage) push(stages, stage.id, p.message);
    else if (transition) {
      const key = transitionKeyOf(transition, index);
      push(transitions, key, p.message);
      if (seg[2] === 'guard') push(guards, key, { pointer: `/${seg.slice(3).join('/')}`.replace(/^\/$/, ''), message: p.message });
    } else if (seg[0] === 'initialStage' && def.stages.some((s) => s.id === def.initialStage)) push(stages, def.initialStage, p.message);
    else general.push(p.pointer ? `${p.pointer}: ${p.message}` : p.message);
  }
  return { stages, transitions, guards, general, count: problems.length };
}
