import { argHandle, edgeId, OUTPUT_ID, type RuleGraph, type RuleGraphNode, type RuleNodeData } from './graph-model';

let counter = 0;

/**
 * Adds a node near `at` and returns the new graph and its id.
 *
 * @example
 * ```ts
 * const { graph: next, id } = addNode(graph, { kind: 'constant', value: 10 }, { x: 0, y: 0 });
 * ```
 */
export function addNode(graph: RuleGraph, data: RuleNodeData, at: { x: number; y: number }): { graph: RuleGraph; id: string } {
  const id = `u${Date.now().toString(36)}${(counter++).toString(36)}`;
  const node: RuleGraphNode = { id, type: 'rule', position: at, data };
  return { graph: { ...graph, nodes: [...graph.nodes, node] }, id };
}

/**
 * Adds a reference to saved rule `ruleId` (`{"rule": "<id>"}`, ADR 032): the `rule` operator
 * node at `at`, fed by a constant node with the id to its left. Answers the operator node's id
 * (what the caller connects and selects).
 *
 * @example
 * ```ts
 * const { graph: next, id } = addRuleReference(graph, 'big-discount', { x: 200, y: 100 });
 * ```
 */
export function addRuleReference(graph: RuleGraph, ruleId: string, at: { x: number; y: number }): { graph: RuleGraph; id: string } {
  const op = addNode(graph, { kind: 'operator', op: 'rule', arity: 1, form: 'single' }, at);
  const arg = addNode(op.graph, { kind: 'constant', value: ruleId }, { x: at.x - 180, y: at.y });
  return { graph: connect(arg.graph, arg.id, op.id, 'arg-0'), id: op.id };
}

/**
 * Connects `source` to a target handle, replacing whatever fed that handle before.
 *
 * @example
 * ```ts
 * connect(graph, 'u1', 'n', 'arg-0');
 * ```
 */
export function connect(graph: RuleGraph, source: string, target: string, handle: string): RuleGraph {
  if (source === target || source === OUTPUT_ID) return graph;
  const edges = graph.edges.filter((e) => !(e.target === target && e.targetHandle === handle));
  return { ...graph, edges: [...edges, { id: edgeId(source, target, handle), source, target, targetHandle: handle, sourceHandle: 'out' }] };
}

/** Removes what feeds a target handle. */
export function disconnect(graph: RuleGraph, target: string, handle: string): RuleGraph {
  return { ...graph, edges: graph.edges.filter((e) => !(e.target === target && e.targetHandle === handle)) };
}

/** Removes a node (never the output) and its edges. */
export function removeNode(graph: RuleGraph, id: string): RuleGraph {
  if (id === OUTPUT_ID) return graph;
  return { nodes: graph.nodes.filter((n) => n.id !== id), edges: graph.edges.filter((e) => e.source !== id && e.target !== id) };
}

/**
 * Replaces a node's data; shrinking an operator's arity drops the edges of removed arguments.
 *
 * @example
 * ```ts
 * updateNode(graph, 'n', { kind: 'operator', op: 'or', arity: 3, form: 'array' });
 * ```
 */
export function updateNode(graph: RuleGraph, id: string, data: RuleNodeData): RuleGraph {
  const nodes = graph.nodes.map((n) => (n.id === id ? { ...n, data } : n));
  if (data.kind !== 'operator') return { ...graph, nodes };
  const keep = new Set(Array.from({ length: data.arity }, (_, i) => argHandle(i)));
  return { nodes, edges: graph.edges.filter((e) => e.target !== id || keep.has(e.targetHandle)) };
}
