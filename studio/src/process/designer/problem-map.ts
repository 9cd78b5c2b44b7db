import type { ProcessDefinition, ProcessProblem } from '../../api/processes';
import type { ProblemDetail } from '../../api/types';
import { transitionKeyOf } from './designer-model';

/** Server problems placed on what they concern: stages by id, transitions by key, the rest. */
export interface LocatedProblems {
  stages: ReadonlyMap<string, string[]>;
  transitions: ReadonlyMap<string, string[]>;
  /** Problems of the guard of a transition (pointer below `/transitions/N/guard`), by key. */
  guards: ReadonlyMap<string, { pointer: string; message: string }[]>;
  /** Problems of a transition's actions, by transition key: the action (its id, else `#<index>`) and the pointer inside it (`/config/subject`). */
  actions: ReadonlyMap<string, ActionProblem[]>;
  general: string[];
  count: number;
}

/** A problem of one action of a transition. */
export interface ActionProblem {
  /** The action's id, or `#<index>` for an action without one. */
  action: string;
  /** Pointer inside the action (`/config/subject`, `/type`). */
  pointer: string;
  message: string;
}

/** No problems. */
export const NO_PROBLEMS: LocatedProblems = { stages: new Map(), transitions: new Map(), guards: new Map(), actions: new Map(), general: [], count: 0 };

/**
 * How the designer names an action of a transition in its problems: its id, else `#<index>`.
 *
 * @example
 * ```ts
 * actionKeyOf({ type: 'core.notify' }, 2); // '#2'
 * ```
 */
export const actionKeyOf = (a: { id?: string | undefined }, index: number): string => a.id ?? `#${index}`;

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
  const actions = new Map<string, ActionProblem[]>();
  const general: string[] = [];
  for (const p of problems) {
    const seg = p.pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const index = Number(seg[1]);
    const stage = seg[0] === 'stages' && Number.isInteger(index) ? def.stages[index] : undefined;
    const transition = seg[0] === 'transitions' && Number.isInteger(index) ? def.transitions?.[index] : undefined;
    if (stage) push(stages, stage.id, p.message);
    else if (transition) {
      const key = transitionKeyOf(transition, index);
      const action = seg[2] === 'actions' ? transition.actions?.[Number(seg[3])] : undefined;
      if (action) {
        // named by the action and the field, so the transition's list says which one to fix
        const field = seg.slice(seg[4] === 'config' ? 5 : 4).join('.');
        const name = actionKeyOf(action, Number(seg[3]));
        push(transitions, key, `${name}${field ? ` › ${field}` : ''}: ${p.message}`);
        push(actions, key, { action: name, pointer: `/${seg.slice(4).join('/')}`.replace(/^\/$/, ''), message: p.message });
      } else push(transitions, key, p.message);
      if (seg[2] === 'guard') push(guards, key, { pointer: `/${seg.slice(3).join('/')}`.replace(/^\/$/, ''), message: p.message });
    } else if (seg[0] === 'initialStage' && def.stages.some((s) => s.id === def.initialStage)) push(stages, def.initialStage, p.message);
    else general.push(p.pointer ? `${p.pointer}: ${p.message}` : p.message);
  }
  return { stages, transitions, guards, actions, general, count: problems.length };
}
