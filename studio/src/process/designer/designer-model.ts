import type { ProcessDefinition, StageDefinition, TransitionDefinition } from '../../api/processes';

/** A point on the canvas. */
export interface XY {
  x: number;
  y: number;
}

/** Node positions by stage id. */
export type Positions = Record<string, XY>;

/** Id of the canvas node that stands for `"from": "*"` (any stage). Never saved in the layout. */
export const ANY_NODE = '__any';

const STAGE_ID = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * Whether a string can be a stage or transition id.
 *
 * @example
 * ```ts
 * isLocalId('proposal'); // true
 * ```
 */
export function isLocalId(id: string): boolean {
  return STAGE_ID.test(id);
}

/**
 * The key a transition is known by in the designer: its id, else its index.
 *
 * @example
 * ```ts
 * transitionKeyOf({ id: 'win', from: 'a', to: 'b' }, 3); // 'win'
 * ```
 */
export function transitionKeyOf(t: TransitionDefinition, index: number): string {
  return t.id ?? `#${index}`;
}

/**
 * The sources of a transition as canvas node ids (`*` becomes {@link ANY_NODE}).
 *
 * @example
 * ```ts
 * sourcesOf({ from: ['a', 'b'], to: 'won' }); // ['a', 'b']
 * ```
 */
export function sourcesOf(t: TransitionDefinition): string[] {
  if (Array.isArray(t.from)) return t.from;
  return [t.from === '*' ? ANY_NODE : t.from];
}

function unique(base: string, taken: ReadonlySet<string>): string {
  const stem = base.slice(0, 56) || 'x';
  if (!taken.has(stem)) return stem;
  for (let i = 2; ; i++) if (!taken.has(`${stem}_${i}`)) return `${stem}_${i}`;
}

/**
 * Stage positions saved in a definition's `layout.nodes`.
 *
 * @example
 * ```ts
 * positionsOf({ ...def, layout: { nodes: { a: { x: 0, y: 10 } } } }); // { a: { x: 0, y: 10 } }
 * ```
 */
export function positionsOf(def: ProcessDefinition): Positions {
  const nodes = (def.layout?.nodes ?? {}) as Record<string, XY>;
  const out: Positions = {};
  for (const s of def.stages) {
    const p = nodes[s.id];
    if (p && typeof p.x === 'number' && typeof p.y === 'number') out[s.id] = { x: p.x, y: p.y };
  }
  return out;
}

/**
 * The definition with the canvas positions (rounded) and viewport in `layout`.
 *
 * @example
 * ```ts
 * const doc = withLayout(def, { prospecting: { x: 0, y: 0 } }, { x: 0, y: 0, zoom: 1 });
 * ```
 */
export function withLayout(def: ProcessDefinition, positions: Positions, viewport?: { x: number; y: number; zoom: number }): ProcessDefinition {
  const nodes: Positions = {};
  for (const s of def.stages) {
    const p = positions[s.id];
    if (p) nodes[s.id] = { x: Math.round(p.x), y: Math.round(p.y) };
  }
  const vp = viewport ? { viewport: { x: Math.round(viewport.x), y: Math.round(viewport.y), zoom: Math.round(viewport.zoom * 1000) / 1000 } } : {};
  return { ...def, layout: { nodes, ...vp } };
}

/**
 * Adds an open stage at a position; returns the new definition and the stage id.
 *
 * @example
 * ```ts
 * const { def: next, id } = addStage(def, 'New stage');
 * ```
 */
export function addStage(def: ProcessDefinition, label: StageDefinition['label']): { def: ProcessDefinition; id: string } {
  const taken = new Set(def.stages.map((s) => s.id));
  const id = unique(`stage_${def.stages.length + 1}`, taken);
  const stage: StageDefinition = { id, label, kind: 'open' };
  return { def: { ...def, stages: [...def.stages, stage] }, id };
}

/** Whether a transition already moves from `from` (a stage id or `*`) to `target`. */
function hasMove(transitions: readonly TransitionDefinition[], from: string, target: string): boolean {
  return transitions.some((t) => t.to === target && (Array.isArray(t.from) ? t.from.includes(from) : t.from === from));
}

/**
 * The stages a new transition from `source` (a stage or {@link ANY_NODE}) can lead to: every
 * stage but the source and those it already has a transition to, i.e. the targets for which
 * {@link connectStages} adds a transition.
 *
 * @example
 * ```ts
 * transitionTargets(def, 'proposal').map((s) => s.id); // ['lost'] when "proposal" already leads to "won"
 * ```
 */
export function transitionTargets(def: ProcessDefinition, source: string): StageDefinition[] {
  const transitions = def.transitions ?? [];
  const from = source === ANY_NODE ? '*' : source;
  return def.stages.filter((s) => s.id !== source && !hasMove(transitions, from, s.id));
}

/**
 * Adds a transition from one stage (or {@link ANY_NODE}) to another; `null` when it would be a
 * self-loop or the same move already exists.
 *
 * @example
 * ```ts
 * connectStages(def, 'proposal', 'won')?.transitions?.at(-1); // { id: 'proposal_to_won', from: 'proposal', to: 'won' }
 * ```
 */
export function connectStages(def: ProcessDefinition, source: string, target: string): ProcessDefinition | null {
  if (source === target || target === ANY_NODE) return null;
  const transitions = def.transitions ?? [];
  const from = source === ANY_NODE ? '*' : source;
  if (hasMove(transitions, from, target)) return null;
  const taken = new Set(transitions.map((t) => t.id).filter((x): x is string => x !== undefined));
  const id = unique(`${from === '*' ? 'any' : from}_to_${target}`, taken);
  return { ...def, transitions: [...transitions, { id, from, to: target }] };
}

/**
 * Removes stages and every transition that leads to them; sources lists lose them.
 *
 * @example
 * ```ts
 * deleteStages(def, ['proposal']).transitions; // none from or to "proposal"
 * ```
 */
export function deleteStages(def: ProcessDefinition, ids: readonly string[]): ProcessDefinition {
  const gone = new Set(ids);
  const transitions = (def.transitions ?? [])
    .filter((t) => !gone.has(t.to))
    .map((t) => (Array.isArray(t.from) ? { ...t, from: t.from.filter((f) => !gone.has(f)) } : t))
    .filter((t) => (Array.isArray(t.from) ? t.from.length > 0 : !gone.has(t.from)));
  return { ...def, stages: def.stages.filter((s) => !gone.has(s.id)), transitions };
}

/**
 * Removes one source of a transition (an edge); the transition goes when it has no source left.
 *
 * @example
 * ```ts
 * deleteEdge(def, 'win', 'proposal'); // "win" keeps "negotiation" as its source
 * ```
 */
export function deleteEdge(def: ProcessDefinition, key: string, source: string): ProcessDefinition {
  const transitions: TransitionDefinition[] = [];
  (def.transitions ?? []).forEach((t, i) => {
    if (transitionKeyOf(t, i) !== key) return void transitions.push(t);
    if (Array.isArray(t.from) && t.from.length > 1) transitions.push({ ...t, from: t.from.filter((f) => f !== source) });
  });
  return { ...def, transitions };
}

/**
 * Replaces one stage's members (not its id; see {@link renameStage}).
 *
 * @example
 * ```ts
 * updateStage(def, 'proposal', { ...stage, probability: 0.5 });
 * ```
 */
export function updateStage(def: ProcessDefinition, id: string, next: StageDefinition): ProcessDefinition {
  return { ...def, stages: def.stages.map((s) => (s.id === id ? { ...next, id } : s)) };
}

/**
 * Replaces the transition known by `key`.
 *
 * @example
 * ```ts
 * updateTransition(def, 'win', { ...win, guard: { '>': [{ var: 'amount.amount' }, 0] } });
 * ```
 */
export function updateTransition(def: ProcessDefinition, key: string, next: TransitionDefinition): ProcessDefinition {
  return { ...def, transitions: (def.transitions ?? []).map((t, i) => (transitionKeyOf(t, i) === key ? next : t)) };
}

/**
 * Renames a stage everywhere: the stage, transition ends, the initial stage and the layout
 * positions. `null` when the new id is invalid or taken.
 *
 * @example
 * ```ts
 * renameStage(def, positions, 'stage_7', 'discovery');
 * ```
 */
export function renameStage(def: ProcessDefinition, positions: Positions, from: string, to: string): { def: ProcessDefinition; positions: Positions } | null {
  if (from === to) return { def, positions };
  if (!isLocalId(to) || def.stages.some((s) => s.id === to)) return null;
  const swap = (x: string) => (x === from ? to : x);
  const transitions = (def.transitions ?? []).map((t) => ({ ...t, from: Array.isArray(t.from) ? t.from.map(swap) : swap(t.from), to: swap(t.to) }));
  const { [from]: at, ...rest } = positions;
  return {
    def: { ...def, initialStage: swap(def.initialStage), stages: def.stages.map((s) => (s.id === from ? { ...s, id: to } : s)), transitions },
    positions: at ? { ...rest, [to]: at } : rest,
  };
}
