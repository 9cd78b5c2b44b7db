/**
 * Shared types of the rule engine: the typed rule tree, value types used by operator
 * signatures and the schema checker, evaluation context and limits.
 */

/** A JSON value, as held by a rule or a record body. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON primitive: what a literal node holds. */
export type JsonPrimitive = null | boolean | number | string;

/**
 * Static value types known to the checker. `date` is a JSON string with `format: date`,
 * `datetime` one with `format: date-time`; `any` means "not known statically".
 *
 * @example
 * ```ts
 * const t: ValueType = 'date';
 * ```
 */
export type ValueType = 'any' | 'number' | 'string' | 'boolean' | 'date' | 'datetime' | 'array' | 'object' | 'null';

/** Fields every node of the typed tree carries. */
export interface NodeBase {
  /** JSON pointer (RFC 6901) of this node inside the rule document. */
  readonly pointer: string;
}

/** A constant: `17`, `"apple"`, `true`, `null`. */
export interface LiteralNode extends NodeBase {
  readonly kind: 'literal';
  readonly value: JsonPrimitive;
}

/** An array literal whose items are rules themselves (`[1, {"var": "a"}]`). */
export interface ArrayNode extends NodeBase {
  readonly kind: 'array';
  readonly items: readonly RuleNode[];
}

/**
 * A `var` read. `path` is the static path (`null` = the whole scope datum) when the first
 * argument is a constant; otherwise `dynamic` computes it at evaluation time.
 * `scope` is 0 for the record, n inside the body of the n-th nested map/filter/reduce/all/some/none.
 */
export interface VarNode extends NodeBase {
  readonly kind: 'var';
  readonly path: readonly string[] | null;
  readonly dynamic: RuleNode | undefined;
  readonly fallback: RuleNode | undefined;
  readonly scope: number;
}

/** Any other operator application, standard or registered by a plugin. */
export interface OpNode extends NodeBase {
  readonly kind: 'op';
  readonly op: string;
  readonly args: readonly RuleNode[];
  /** Scope depth the node is evaluated in (0 = record). */
  readonly scope: number;
}

/**
 * The typed rule tree produced by {@link parseRule}.
 *
 * @example
 * ```ts
 * const tree: RuleNode = parseRule({ '>=': [{ var: 'amount' }, 10000] });
 * if (tree.kind === 'op') console.log(tree.op); // ">="
 * ```
 */
export type RuleNode = LiteralNode | ArrayNode | VarNode | OpNode;

/**
 * Caps applied before anything else looks at a rule.
 *
 * @example
 * ```ts
 * parseRule(rule, { limits: { maxDepth: 32 } });
 * ```
 */
export interface RuleLimits {
  /** Maximum nesting of objects/arrays. Default 64. */
  maxDepth: number;
  /** Maximum number of JSON values (objects, arrays, primitives). Default 10 000. */
  maxNodes: number;
  /** Maximum approximate serialized size in characters. Default 256 KiB. */
  maxSize: number;
}

/** Default {@link RuleLimits}. */
export const DEFAULT_RULE_LIMITS: Readonly<RuleLimits> = Object.freeze({ maxDepth: 64, maxNodes: 10_000, maxSize: 256 * 1024 });

/**
 * What an evaluation may depend on besides the record: the clock (sales date operators)
 * and an optional sink for json-logic's `log` operator.
 *
 * @example
 * ```ts
 * const ctx: RuleContext = { now: () => new Date('2025-01-31T12:00:00Z') };
 * ```
 */
export interface RuleContext {
  /** Current time; defaults to the system clock. */
  now?: () => Date | number;
  /** Receives the argument of `{"log": x}`; defaults to a no-op (never stdout). */
  log?: (value: unknown) => void;
}

/** A JSON Schema (2020-12) object, read loosely by the checker. */
export type JsonSchema = { readonly [key: string]: unknown };
