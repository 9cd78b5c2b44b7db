import type { OperatorDefinition } from '../rules/operators/definition';
import type { JobHandler, JobSchedule, PluginCaller, PluginConfigDeclaration, PluginRecord, PluginRecords, PluginRoute, PluginServices, PluginUser, RecordHooks, VisibilityRule } from './services';

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
export interface ActionRecords extends Omit<PluginRecords, 'create'> {
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
export interface ActionContext extends Omit<PluginServices, 'records'> {
  /** Unique id of this action execution; repeat deliveries carry the same key. */
  idempotencyKey: string;
  /** The record the action concerns, if it still exists. */
  record?: ActionRecord;
  /** Validated configuration from the process definition. */
  config: Record<string, unknown>;
  /** Who made the move that caused the action (`user:<id>` or `system:<name>`). */
  actor: string;
  /** Records as `system:process`: `create` once per execution, and get, list, update. */
  records: ActionRecords;
  /**
   * Who an assignee in the action's configuration means for the action's record: the user (if
   * active), or the holders of the role nearest the record's org unit; without one, the owner.
   */
  recipients(assignee: { role?: string; user?: string } | undefined): Promise<string[]>;
}

export type ActionHandler = (ctx: ActionContext) => Promise<unknown> | unknown;


/**
 * An operator implementation for an operator the manifest declares (its name and typed
 * signature come from the manifest): the evaluate function, or evaluate plus an explanation
 * sentence and a SQL translation.
 */
export type OperatorImplementation = OperatorDefinition['evaluate'] | Omit<OperatorDefinition, 'name' | 'signature'>;

/**
 * An entity's visibility declaration: a narrowing rule (a function of the caller, as before), or
 * an object with `widen` (a json-logic rule over the body: records that satisfy it are readable
 * by every signed-in user besides those the base policy admits; reads only, never edits) and/or
 * `narrow` (and-ed on, as the function form). Both are functions of the caller; null adds nothing.
 *
 * @example
 * ```ts
 * visibility: { 'acme.goal': { widen: () => ({ '!': [{ var: 'private' }] }) } }
 * ```
 */
export type VisibilityDeclaration = VisibilityRule | { widen?: VisibilityRule; narrow?: VisibilityRule };

/**
 * Values a plugin computes for records of one of its entities when they are read through the
 * records API (single read and list): given the page of records the reader sees, a map from
 * record id to an object the API answers as the record's `computed` member. Called once per page
 * (batch your queries). The services act as the plugin's system principal (`system:plugin:<id>`),
 * so a figure does not depend on who reads it; `reader` says who reads. A function that throws is
 * logged and the records are answered without `computed`.
 *
 * @example
 * ```ts
 * computed: { 'acme.goal': async (records) => new Map(records.map((r) => [r.id, { done: r.data.done === true }])) }
 * ```
 */
export type ComputedValues = (records: PluginRecord[], services: PluginServices, reader: PluginCaller) => Promise<Map<string, Record<string, unknown>>> | Map<string, Record<string, unknown>>;

/**
 * The code half of a plugin: behaviour that data cannot express. Each contribution has one
 * consumer in the platform: actions the job workers, operators the rule engine, hooks the record
 * writer, routes the HTTP API (and OpenAPI), visibility the access policy, jobs and schedules
 * the job queue, config the start-up, users the users API.
 */
export interface PluginRuntime {
  /** Handlers for the action types the manifest declares, by local id. */
  actions?: Record<string, ActionHandler>;
  /** Implementations of the operators the manifest declares, by id. */
  operators?: Record<string, OperatorImplementation>;
  /** Record hooks by full entity id: the plugin's own entities, or those of plugins it `dependsOn`. */
  hooks?: Record<string, RecordHooks>;
  /** Routes under `/api/plugins/<plugin>/`. */
  routes?: readonly PluginRoute[];
  /** Extra read conditions (narrowing) or wider readability, by full id of one of the plugin's own entities. */
  visibility?: Record<string, VisibilityDeclaration>;
  /** Values computed on read (records API read and list), by full id of one of the plugin's own entities. */
  computed?: Record<string, ComputedValues>;
  /** Handlers of the plugin's own job kinds (`[a-z][a-z0-9_]*`), enqueued through `jobs.enqueue`. */
  jobs?: Record<string, JobHandler>;
  /** Cron schedules, by job kind (one per kind). */
  schedules?: Record<string, JobSchedule>;
  /** The plugin's configuration schema (values from the environment). */
  config?: PluginConfigDeclaration;
  /**
   * What happens when an admin deactivates a user (the users API, after its commit; as the
   * plugin's system principal). A failure is logged and does not undo the deactivation.
   */
  users?: { deactivated?(user: PluginUser, services: PluginServices): Promise<void> | void };
}

/**
 * Declares a plugin's runtime part. Export the result as `default` or `plugin` from
 * `src/runtime/index.ts`.
 *
 * @example
 * ```ts
 * export const plugin = definePlugin({
 *   actions: { create: async (ctx) => ({ created: ctx.idempotencyKey }) },
 *   hooks: { 'acme.visit': { validate: (change) => (change.data.minutes === 0 ? [{ pointer: '/data/minutes', message: 'a visit takes time' }] : []) } },
 *   routes: [{ method: 'get', path: '/visits/count', summary: 'Visits', response: { type: 'object' }, handler: async (ctx) => ({ n: (await ctx.records.list('acme.visit')).items.length }) }],
 * });
 * ```
 */
export function definePlugin(runtime: PluginRuntime): PluginRuntime {
  return runtime;
}

// The services and contribution types plugin code is written against (the SDK re-exports this module).
export type * from './services';
