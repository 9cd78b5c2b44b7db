import { MarkerType, type Edge, type Node } from '@xyflow/react';
import type { ProcessDefinition, StageDefinition } from '../../api/processes';
import { ANY_NODE, sourcesOf, transitionKeyOf, type Positions, type XY } from './designer-model';
import type { LocatedProblems } from './problem-map';
import { textIn } from '@pipewright/core/i18n';

/** What a stage node shows. */
export interface StageNodeData extends Record<string, unknown> {
  /** The stage, or null for the "any stage" node. */
  stage: StageDefinition | null;
  initial: boolean;
  problems: readonly string[];
}

/** A stage on the canvas. */
export type StageFlowNode = Node<StageNodeData, 'stage'>;

/** What a transition edge carries. */
export interface TransitionEdgeData extends Record<string, unknown> {
  key: string;
  source: string;
}

/** A transition (one of its sources) on the canvas. */
export type TransitionFlowEdge = Edge<TransitionEdgeData>;

const NONE: readonly string[] = Object.freeze([]);
const ORIGIN: XY = { x: 0, y: 0 };

/**
 * Canvas nodes for the stages, reusing the previous node object whenever nothing it shows
 * changed (React Flow then skips it: this keeps a 300-stage canvas smooth).
 *
 * @example
 * ```ts
 * setNodes((prev) => buildNodes(def, positions, problems, prev));
 * ```
 */
export function buildNodes(def: ProcessDefinition, positions: Positions, problems: LocatedProblems, prev: readonly StageFlowNode[] = []): StageFlowNode[] {
  const old = new Map(prev.map((n) => [n.id, n]));
  const make = (id: string, stage: StageDefinition | null, fallback: XY): StageFlowNode => {
    const initial = stage !== null && def.initialStage === id;
    const list = (stage && problems.stages.get(id)) ?? NONE;
    const position = positions[id] ?? old.get(id)?.position ?? fallback;
    const o = old.get(id);
    if (o && o.data.stage === stage && o.data.initial === initial && o.data.problems === list && o.position.x === position.x && o.position.y === position.y) return o;
    return { id, type: 'stage', position, data: { stage, initial, problems: list }, selected: o?.selected ?? false, deletable: stage !== null, ...(o?.measured ? { measured: o.measured } : {}) };
  };
  const out = def.stages.map((s, i) => make(s.id, s, { x: 220 * (i % 8), y: 130 * Math.floor(i / 8) }));
  if ((def.transitions ?? []).some((t) => t.from === '*')) out.push(make(ANY_NODE, null, { x: ORIGIN.x - 240, y: ORIGIN.y }));
  return out;
}

/**
 * Canvas edges: one per source of each transition, labelled, red when the server found a
 * problem in the transition (its guard included).
 *
 * @example
 * ```ts
 * const edges = buildEdges(def, problems, selectedKey);
 * ```
 */
export function buildEdges(def: ProcessDefinition, problems: LocatedProblems, selectedKey: string | null, language = 'en'): TransitionFlowEdge[] {
  const ids = new Set(def.stages.map((s) => s.id));
  const edges: TransitionFlowEdge[] = [];
  (def.transitions ?? []).forEach((t, i) => {
    const key = transitionKeyOf(t, i);
    const bad = problems.transitions.has(key);
    for (const source of sourcesOf(t)) {
      if (!(ids.has(source) || source === ANY_NODE) || !ids.has(t.to)) continue;
      const label = `${t.label !== undefined ? textIn(t.label, language) : (t.id ?? '')}${t.guard !== undefined ? ' ◆' : ''}${bad ? ' ⚠' : ''}`;
      edges.push({
        id: `t:${key}:${source}`,
        source,
        target: t.to,
        label,
        data: { key, source },
        selected: key === selectedKey,
        markerEnd: { type: MarkerType.ArrowClosed },
        className: [bad ? 'has-error' : '', t.guard !== undefined ? 'guarded' : ''].filter(Boolean).join(' '),
        ariaLabel: label,
      });
    }
  });
  return edges;
}

/**
 * Current positions of the nodes (the "any stage" node excluded).
 *
 * @example
 * ```ts
 * withLayout(def, positionsFromNodes(nodes));
 * ```
 */
export function positionsFromNodes(nodes: readonly StageFlowNode[]): Positions {
  const out: Positions = {};
  for (const n of nodes) if (n.id !== ANY_NODE) out[n.id] = n.position;
  return out;
}
