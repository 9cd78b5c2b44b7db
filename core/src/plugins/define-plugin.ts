import type { OperatorDefinition } from '../rules/operators/definition';

/** The record an action concerns, as it is when the action runs. */
export interface ActionRecord {
  id: string;
  type: string;
  data: Record<string, unknown>;
  /** User id of the record's owner, if any. */
  owner: string | null;
  /** Org unit of the record, if any. */
  orgUnit: string | null;
  stage: string | null;
}

/** What a handler asks {@link ActionRecords.create} to write. */
export interface ActionRecordInput {
  /** The body, validated against the entity schema like any write. */
  data: Record<string, unknown>;
  owner?: string | null;
  orgUnit?: string | null;
}

/**
 * Record writing for action handlers, through the platform's one record writer (schema
 * validation, references, the `create` audit event by the process actor).
 */
export interface ActionRecords {
  /**
   * Creates a record of one of the calling plugin's own entities, once per action execution: its
   * id derives from the action's idempotency key (and `key`, to create several), so a repeated
   * delivery finds the record it created before and returns `created: false` instead of
   * writing a second one. Other plugins' entities are refused (reach them through their actions).
   */
  create(type: string, input: ActionRecordInput, options?: { key?: string }): Promise<{ id: string; created: boolean }>;
}

/**
 * What an action handler receives. The runtime fills it in; handlers must be idempotent (use
 * `idempotencyKey` for outside effects, `records.create` for records).
 */
export interface ActionContext {
  /** Unique id of this action execution; repeat deliveries carry the same key. */
  idempotencyKey: string;
  /** The record the action concerns, if it still exists. */
  record?: ActionRecord;
  /** Validated configuration from the process definition. */
  config: Record<string, unknown>;
  /** Who made the move that caused the action (`user:<id>` or `system:<name>`). */
  actor: string;
  records: ActionRecords;
}

export type ActionHandler = (ctx: ActionContext) => Promise<unknown> | unknown;


/**
 * An operator implementation for an operator the manifest declares (its name and typed
 * signature come from the manifest): the evaluate function, or evaluate plus an explanation
 * sentence and a SQL translation.
 */
export type OperatorImplementation = OperatorDefinition['evaluate'] | Omit<OperatorDefinition, 'name' | 'signature'>;

/** The code half of a plugin: behaviour that data cannot express. */
export interface PluginRuntime {
  /** Handlers for the action types the manifest declares, by local id. */
  actions?: Record<string, ActionHandler>;
  /** Implementations of the operators the manifest declares, by id. */
  operators?: Record<string, OperatorImplementation>;
}

/**
 * Declares a plugin's runtime part. Export the result as `default` or `plugin` from
 * `src/runtime/index.ts`.
 *
 * @example
 * ```ts
 * export const plugin = definePlugin({
 *   actions: { create: async (ctx) => ({ created: ctx.idempotencyKey }) },
 * });
 * ```
 */
export function definePlugin(runtime: PluginRuntime): PluginRuntime {
  return runtime;
}
