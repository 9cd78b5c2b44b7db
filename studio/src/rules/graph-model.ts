/** A JSON value, as held by a rule. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * What one node of a rule graph stands for. Inputs (`field`, `metric`) are `{"var": varArg}`
 * reads kept verbatim, `constant` is any literal, `operator` applies `op` to its connected
 * arguments (`form: 'single'` for json-logic's unary sugar `{"!": x}`; op `[]` is an array of
 * sub-rules), and `output` is the rule's single result.
 */
export type RuleNodeData =
  | { kind: 'field'; path: string; varArg: JsonValue }
  | { kind: 'metric'; path: string; varArg: JsonValue }
  | { kind: 'constant'; value: JsonValue }
  | { kind: 'operator'; op: string; arity: number; form: 'array' | 'single' }
  | { kind: 'output' };

/** A node of a rule graph (structurally a React Flow node). */
export type RuleGraphNode = { id: string; type?: string; position: { x: number; y: number }; data: RuleNodeData };

/** An edge: `source`'s value feeds argument `targetHandle` (`arg-<i>`, or `in` of the output). */
export type RuleGraphEdge = { id: string; source: string; target: string; targetHandle: string; sourceHandle?: string | null };

/** A rule drawn as a graph. */
export interface RuleGraph {
  nodes: RuleGraphNode[];
  edges: RuleGraphEdge[];
}

/** Id of the output node of every graph. */
export const OUTPUT_ID = 'out';
/** Operator name of the "array of sub-rules" node. */
export const ARRAY_OP = '[]';
/** Prefix of `var` paths that read metrics (`{"var": "metrics.crm.visits"}`). */
export const METRICS_PREFIX = 'metrics.';

/** The handle id of argument `i`. */
export const argHandle = (i: number): string => `arg-${i}`;

/**
 * Escapes one JSON pointer token (RFC 6901).
 *
 * @example
 * ```ts
 * pointerToken('/'); // '~1'
 * ```
 */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The edge id for `source -> target.handle`.
 *
 * @example
 * ```ts
 * edgeId('n/and/0', 'n', 'arg-0');
 * ```
 */
export function edgeId(source: string, target: string, handle: string): string {
  return `e:${source}->${target}:${handle}`;
}

/**
 * A short label of a node for the canvas and screen readers.
 *
 * @example
 * ```ts
 * nodeLabel({ kind: 'operator', op: '>=', arity: 2, form: 'array' }); // '>='
 * ```
 */
export function nodeLabel(data: RuleNodeData): string {
  switch (data.kind) {
    case 'field':
    case 'metric':
      return data.path || '(record)';
    case 'constant':
      return JSON.stringify(data.value);
    case 'operator':
      return data.op === ARRAY_OP ? '[ … ]' : data.op;
    case 'output':
      return 'result';
  }
}
