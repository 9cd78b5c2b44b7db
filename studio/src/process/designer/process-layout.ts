import dagre from '@dagrejs/dagre';
import type { ProcessDefinition } from '../../api/processes';
import { ANY_NODE, sourcesOf, type Positions } from './designer-model';

/** Size of a stage node on the canvas, for layout. */
export const STAGE_NODE_SIZE = { width: 190, height: 84 } as const;

/**
 * Lays the stages out left to right with dagre, following the transitions (the "any stage"
 * node included when a transition starts from `*`).
 *
 * @example
 * ```ts
 * setPositions(layoutProcess(def));
 * ```
 */
export function layoutProcess(def: ProcessDefinition): Positions {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 30, ranksep: 80, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(def.stages.map((s) => s.id));
  for (const id of ids) g.setNode(id, { ...STAGE_NODE_SIZE });
  const transitions = def.transitions ?? [];
  if (transitions.some((t) => t.from === '*')) g.setNode(ANY_NODE, { ...STAGE_NODE_SIZE });
  transitions.forEach((t, i) => {
    for (const s of sourcesOf(t)) {
      if ((ids.has(s) || s === ANY_NODE) && ids.has(t.to)) g.setEdge(s, t.to, { weight: s === ANY_NODE ? 0 : 1, minlen: 1 }, `${i}-${s}`);
    }
  });
  dagre.layout(g);
  const out: Positions = {};
  for (const id of g.nodes()) {
    const p = g.node(id) as { x: number; y: number } | undefined;
    if (p) out[id] = { x: Math.round(p.x - STAGE_NODE_SIZE.width / 2), y: Math.round(p.y - STAGE_NODE_SIZE.height / 2) };
  }
  return out;
}
