import { argHandle, ARRAY_OP, OUTPUT_ID, pointerToken, type JsonValue, type RuleGraph, type RuleGraphEdge } from './graph-model';

/** A structural problem of a drawn graph, on the node it concerns. */
export interface GraphProblem {
  nodeId: string;
  message: string;
  code: 'unconnected-argument' | 'cycle' | 'no-output' | 'unconnected-output';
  /** Argument index for `unconnected-argument`. */
  arg?: number;
}

/** The json-logic of a graph, where each sub-rule came from, and what is wrong with the drawing. */
export interface GraphLogic {
  logic: JsonValue;
  /** JSON pointer of each emitted sub-rule -> the node that produced it. */
  pointers: Map<string, string>;
  problems: GraphProblem[];
}

/**
 * Reads a rule graph back to json-logic, starting from the output node. Unconnected arguments
 * and cycles are reported on their nodes (and emitted as `null`), so the canvas can show them.
 * `graphToLogic(logicToGraph(rule)).logic` deep-equals `rule`.
 *
 * @example
 * ```ts
 * const { logic, problems } = graphToLogic(graph);
 * ```
 */
export function graphToLogic(graph: RuleGraph): GraphLogic {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, RuleGraphEdge>();
  for (const e of graph.edges) incoming.set(`${e.target}|${e.targetHandle}`, e);
  const pointers = new Map<string, string>();
  const problems: GraphProblem[] = [];
  const visiting = new Set<string>();

  const emit = (id: string, pointer: string): JsonValue => {
    const node = byId.get(id);
    if (!node) return null;
    if (visiting.has(id)) {
      problems.push({ nodeId: id, code: 'cycle', message: 'is part of a cycle' });
      return null;
    }
    pointers.set(pointer, id);
    const d = node.data;
    switch (d.kind) {
      case 'field':
      case 'metric':
        return { var: d.varArg };
      case 'constant':
        return d.value;
      case 'output':
        return null;
      case 'operator': {
        visiting.add(id);
        const base = d.op === ARRAY_OP ? pointer : `${pointer}/${pointerToken(d.op)}`;
        const arg = (i: number, p: string): JsonValue => {
          const edge = incoming.get(`${id}|${argHandle(i)}`);
          if (!edge) {
            problems.push({ nodeId: id, code: 'unconnected-argument', arg: i, message: `argument ${i + 1} is not connected` });
            return null;
          }
          return emit(edge.source, p);
        };
        let out: JsonValue;
        if (d.op === ARRAY_OP) out = Array.from({ length: d.arity }, (_, i) => arg(i, `${base}/${i}`));
        else if (d.form === 'single' && d.arity === 1) out = { [d.op]: arg(0, base) };
        else out = { [d.op]: Array.from({ length: d.arity }, (_, i) => arg(i, `${base}/${i}`)) };
        visiting.delete(id);
        return out;
      }
    }
  };

  if (!byId.has(OUTPUT_ID)) return { logic: null, pointers, problems: [{ nodeId: OUTPUT_ID, code: 'no-output', message: 'the graph has no output' }] };
  const root = incoming.get(`${OUTPUT_ID}|in`);
  if (!root) return { logic: null, pointers, problems: [{ nodeId: OUTPUT_ID, code: 'unconnected-output', message: 'nothing is connected to the result' }] };
  const logic = emit(root.source, '');
  return { logic, pointers, problems };
}

/**
 * The node a JSON pointer into the rule belongs to: the node of the longest emitted pointer
 * that is a prefix of it (checker problems point at sub-rules or inside them).
 *
 * @example
 * ```ts
 * nodeForPointer(pointers, '/and/0/>=/0'); // 'n/and/0/>=/0'
 * ```
 */
export function nodeForPointer(pointers: ReadonlyMap<string, string>, pointer: string): string | undefined {
  let p = pointer;
  for (;;) {
    const hit = pointers.get(p);
    if (hit !== undefined) return hit;
    if (p === '') return undefined;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}
