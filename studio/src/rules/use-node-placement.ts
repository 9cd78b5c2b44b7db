import type { Edge, ReactFlowInstance } from '@xyflow/react';
import { useEffect, useRef, type RefObject } from 'react';
import type { RuleGraph, RuleGraphNode } from './graph-model';
import { NODE_SIZE } from './layout';
import { bounds, freeSpot, type Box } from './placement';
import type { RuleFlowNode } from './RuleNodeView';

/** Room left between a node and the node it feeds, when they are added together. */
const FEED_GAP = 48;
/** Screen pixels kept clear along the canvas edges. */
const EDGE_MARGIN = 12;

/** A node's box: its measured size once React Flow has drawn it, an estimate before. */
const boxOf = (n: RuleGraphNode & { measured?: { width?: number; height?: number } }): Box => ({ x: n.position.x, y: n.position.y, width: n.measured?.width ?? NODE_SIZE.width, height: n.measured?.height ?? NODE_SIZE.height });

/** The visible part of the canvas in flow coordinates, and the boxes of what floats over it (zoom controls). */
function visibleArea(el: HTMLElement, flow: ReactFlowInstance<RuleFlowNode, Edge>): { view: Box; covered: Box[] } {
  const toFlow = (r: { left: number; top: number; right: number; bottom: number }): Box => {
    const a = flow.screenToFlowPosition({ x: r.left, y: r.top });
    const b = flow.screenToFlowPosition({ x: r.right, y: r.bottom });
    return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
  };
  const r = el.getBoundingClientRect();
  const view = toFlow({ left: r.left + EDGE_MARGIN, top: r.top + EDGE_MARGIN, right: r.right - EDGE_MARGIN, bottom: r.bottom - EDGE_MARGIN });
  return { view, covered: [...el.querySelectorAll('.react-flow__panel')].map((p) => toFlow(p.getBoundingClientRect())) };
}

/** The canvas's smallest zoom (its `minZoom`). */
export const MIN_ZOOM = 0.2;
const FIT_PADDING = 0.08;

/**
 * Brings nodes that landed outside the visible canvas into view: zooms out just enough to show
 * every node (never in); when even the smallest zoom cannot show them all, centres the new ones.
 */
function reveal(el: HTMLElement, flow: ReactFlowInstance<RuleFlowNode, Edge>, all: Box[], added: Box): void {
  const everything = bounds(all);
  const { width, height } = el.getBoundingClientRect();
  const zoom = Math.min(width / (everything.width * (1 + 2 * FIT_PADDING)), height / (everything.height * (1 + 2 * FIT_PADDING)));
  if (zoom >= MIN_ZOOM) void flow.fitBounds(everything, { padding: FIT_PADDING });
  else void flow.setCenter(added.x + added.width / 2, added.y + added.height / 2, { zoom: flow.getZoom() });
}

/** Moves the nodes `ids` of `graph` by (dx, dy). */
const shift = <N extends RuleGraphNode>(nodes: N[], ids: ReadonlySet<string>, dx: number, dy: number): N[] =>
  nodes.map((n) => (ids.has(n.id) ? { ...n, position: { x: n.position.x + dx, y: n.position.y + dy } } : n));

/**
 * Within nodes added together, a node feeding another sits just left of it, centred on it
 * (inputs on the left, as the layout draws them), by their real sizes.
 */
function arrangeGroup<N extends RuleGraphNode>(nodes: N[], edges: RuleGraph['edges'], ids: ReadonlySet<string>): N[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const e of edges) {
    const source = byId.get(e.source);
    const target = byId.get(e.target);
    if (!source || !target || !ids.has(source.id) || !ids.has(target.id)) continue;
    const s = boxOf(source);
    const t = boxOf(target);
    byId.set(source.id, { ...source, position: { x: t.x - s.width - FEED_GAP, y: t.y + (t.height - s.height) / 2 } });
  }
  return nodes.map((n) => byId.get(n.id) ?? n);
}

/**
 * Places nodes added to the rule canvas where they can be seen and cover nothing: `land` puts
 * a new node (or a few added together, e.g. a saved-rule reference and its id) in the free spot
 * nearest to the middle of the visible canvas, by estimated sizes; once React Flow has measured
 * them, they are moved again if their real size covers another node, and when the visible
 * part has no room left the canvas zooms out to show them with the rest (see `reveal`).
 *
 * @example
 * ```ts
 * const land = useNodePlacement(canvasRef, flow, nodes, setNodes, edges);
 * const { graph: next, id } = addNode(graph, data, { x: 0, y: 0 });
 * setGraph(land(next, [id]));
 * ```
 */
export function useNodePlacement(canvas: RefObject<HTMLElement | null>, flow: ReactFlowInstance<RuleFlowNode, Edge> | null, nodes: RuleFlowNode[], setNodes: (nodes: RuleFlowNode[]) => void, edges: readonly Edge[]): (graph: RuleGraph, ids: readonly string[]) => RuleGraph {
  const pending = useRef<ReadonlySet<string> | null>(null);

  /** Moves the group `ids` to the free spot nearest to the middle of the view (`centre`) or to where it is. */
  const settle = <N extends RuleGraphNode>(all: N[], graphEdges: RuleGraph['edges'], ids: ReadonlySet<string>, centre: boolean): { nodes: N[]; inView: boolean } | null => {
    const el = canvas.current;
    if (!el || !flow) return null;
    const { view, covered } = visibleArea(el, flow);
    const arranged = arrangeGroup(all, graphEdges, ids);
    const group = bounds(arranged.filter((n) => ids.has(n.id)).map(boxOf));
    const start = centre ? { ...group, x: view.x + (view.width - group.width) / 2, y: view.y + (view.height - group.height) / 2 } : group;
    const others = [...arranged.filter((n) => !ids.has(n.id)).map(boxOf), ...covered];
    const spot = freeSpot(start, others, view);
    return { nodes: shift(arranged, ids, spot.x - group.x, spot.y - group.y), inView: spot.inView };
  };

  // once the new nodes are measured: their real sizes may cover a neighbour, or not fit the view
  useEffect(() => {
    const ids = pending.current;
    if (!ids || !flow) return;
    const added = nodes.filter((n) => ids.has(n.id));
    if (added.length < ids.size || added.some((n) => !n.measured?.width || !n.measured.height)) return;
    pending.current = null;
    const done = settle(nodes, edges.map((e) => ({ ...e, targetHandle: e.targetHandle ?? '' })), ids, false);
    if (!done) return;
    const moved = done.nodes.some((n, i) => n.position.x !== nodes[i]?.position.x || n.position.y !== nodes[i]?.position.y);
    if (moved) setNodes(done.nodes);
    if (!done.inView && canvas.current) reveal(canvas.current, flow, done.nodes.map(boxOf), bounds(done.nodes.filter((n) => ids.has(n.id)).map(boxOf)));
    // settles once per insertion, when the nodes change
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [nodes]);

  return (graph, added) => {
    const ids = new Set(added);
    pending.current = ids;
    const done = settle(graph.nodes, graph.edges, ids, true);
    return done ? { ...graph, nodes: done.nodes } : graph;
  };
}
