import { argHandle, ARRAY_OP, edgeId, METRICS_PREFIX, OUTPUT_ID, pointerToken, type JsonValue, type RuleGraph, type RuleGraphNode, type RuleNodeData } from './graph-model';

const isPrimitive = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** A `var` argument with a constant path (and optional constant fallback): drawn as one input node. */
function simpleVar(arg: JsonValue): string | null {
  if (typeof arg === 'string' || typeof arg === 'number') return String(arg);
  if (Array.isArray(arg) && arg.length >= 1 && arg.length <= 2 && (typeof arg[0] === 'string' || typeof arg[0] === 'number') && (arg.length === 1 || isPrimitive(arg[1]))) return String(arg[0]);
  if (Array.isArray(arg) && arg.length === 0) return '';
  return null;
}

/** Whether a JSON value is an operator application (an object with exactly one key). */
function operatorOf(value: JsonValue): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const keys = Object.keys(value);
  return keys.length === 1 ? (keys[0] ?? null) : null;
}

/**
 * Draws a json-logic rule as a graph: one node per sub-rule (ids derived from the sub-rule's
 * JSON pointer, so checker and explanation pointers land on nodes), edges from each argument
 * to its operator, and one output node. Positions are left at 0; see `layoutGraph`.
 *
 * @example
 * ```ts
 * const graph = logicToGraph({ '>=': [{ var: 'amount' }, 10000] });
 * graph.nodes.map((n) => n.data.kind); // ['output', 'operator', 'field', 'constant']
 * ```
 */
export function logicToGraph(rule: unknown): RuleGraph {
  const nodes: RuleGraphNode[] = [{ id: OUTPUT_ID, type: 'rule', position: { x: 0, y: 0 }, data: { kind: 'output' } }];
  const edges: RuleGraph['edges'] = [];
  const add = (pointer: string, data: RuleNodeData): string => {
    const id = `n${pointer}`;
    nodes.push({ id, type: 'rule', position: { x: 0, y: 0 }, data });
    return id;
  };
  const link = (source: string, target: string, handle: string) => edges.push({ id: edgeId(source, target, handle), source, target, targetHandle: handle, sourceHandle: 'out' });

  const visit = (value: JsonValue, pointer: string): string => {
    const op = operatorOf(value);
    if (op !== null) {
      const arg = (value as Record<string, JsonValue>)[op] as JsonValue;
      const opPointer = `${pointer}/${pointerToken(op)}`;
      if (op === 'var') {
        const path = simpleVar(arg);
        if (path !== null) return add(pointer, { kind: path.startsWith(METRICS_PREFIX) ? 'metric' : 'field', path, varArg: arg });
      }
      if (Array.isArray(arg)) {
        const id = add(pointer, { kind: 'operator', op, arity: arg.length, form: 'array' });
        arg.forEach((a, i) => link(visit(a, `${opPointer}/${i}`), id, argHandle(i)));
        return id;
      }
      const id = add(pointer, { kind: 'operator', op, arity: 1, form: 'single' });
      link(visit(arg, opPointer), id, argHandle(0));
      return id;
    }
    if (Array.isArray(value) && !value.every(isPrimitive)) {
      const id = add(pointer, { kind: 'operator', op: ARRAY_OP, arity: value.length, form: 'array' });
      value.forEach((a, i) => link(visit(a, `${pointer}/${i}`), id, argHandle(i)));
      return id;
    }
    return add(pointer, { kind: 'constant', value });
  };

  link(visit(rule as JsonValue, ''), OUTPUT_ID, 'in');
  return { nodes, edges };
}
