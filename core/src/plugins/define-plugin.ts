import type { OperatorDefinition } from '../rules/operators/definition';

/** What an action handler receives. The runtime fills it in; handlers must be idempotent. */
export interface ActionContext {
  /** Unique id of this action execution; repeat deliveries carry the same key. */
  idempotencyKey: string;
  /** The record the action concerns, if any. */
  record?: { id: string; type: string; data: Record<string, unknown> };
  /** Validated configuration from the process definition. */
  config: Record<string, unknown>;
  actor: string;
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
