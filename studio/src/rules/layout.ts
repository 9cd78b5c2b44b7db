import dagre from '@dagrejs/dagre';
import type { RuleGraph } from './graph-model';

/** Approximate size of a node on the canvas, for layout. */
export const NODE_SIZE = { width: 170, height: 64 } as const;

/**
 * Lays a rule graph out left to right with dagre: inputs on the left, the output on the right.
 *
 * @example
 * ```ts
 * setNodes(layoutGraph(logicToGraph(rule)).nodes);
 * ```
 */
export function layoutGraph(graph: RuleGraph): RuleGraph {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 60, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { ...NODE_SIZE });
  graph.edges.forEach((e, i) => g.setEdge(e.source, e.target, { weight: 1, minlen: 1 }, `${e.targetHandle}-${i}`));
  dagre.layout(g);
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      const p = g.node(n.id) as { x: number; y: number } | undefined;
      return p ? { ...n, position: { x: p.x - NODE_SIZE.width / 2, y: p.y - NODE_SIZE.height / 2 } } : n;
    }),
  };
}
