/**
 * The services the platform injects into plugin code (action handlers, record hooks, routes,
 * jobs). Plugin code never imports the runtime: it receives these, already bound to who is
 * acting and, where there is one, to the caller's transaction. The runtime implements them.
 */

/** A record as plugin code sees it. */
export interface PluginRecord {
  id: string;
  type: string;
  version: number;
  data: Record<string, unknown>;
  owner: string | null;
  orgUnit: string | null;
  stage: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What {@link PluginRecords.create} writes. */
export interface PluginRecordInput {
  /** The body, validated against the entity schema (and every plugin's validate hooks). */
  data: Record<string, unknown>;
  owner?: string | null;
  orgUnit?: string | null;
  /** A preset id (a uuid), e.g. derived from an idempotency key. */
  id?: string;
}

/** What {@link PluginRecords.update} changes: a JSON merge patch of the body and the owner/unit. */
export interface PluginRecordPatch {
  data?: Record<string, unknown>;
  owner?: string | null;
  orgUnit?: string | null;
}

/** A listing request: the records API's query parameters as an object. */
export interface PluginListOptions {
  /** Equality filters by field (body fields and `owner`, `orgUnit`, `stage`). */
  filter?: Record<string, string | number | boolean>;
  /** As the records API: comma-separated fields, `-` for descending (default `-createdAt`). */
  sort?: string;
  limit?: number;
  cursor?: string;
  /** Search in the entity's search fields. */
  search?: string;
}

/**
 * Records through the platform's one writer: schema validation, references, access, events and
 * stage history happen as for any API write. Inside a hook or a write route the service is
 * bound to the caller's transaction: what it writes commits or rolls back with the caller.
 * Reads and writes see what the acting principal may see (routes and hooks: the caller;
 * actions and jobs: the system).
 */
export interface PluginRecords {
  create(type: string, input: PluginRecordInput): Promise<PluginRecord>;
  /** Merge-patches a record; with `expectedVersion`, a stale version is a 412. */
  update(type: string, id: string, patch: PluginRecordPatch, options?: { expectedVersion?: number }): Promise<PluginRecord>;
  /** The live record, or null when it does not exist or the actor cannot see it. */
  get(type: string, id: string): Promise<PluginRecord | null>;
  /**
   * The live records among `ids` the actor may see, in one read and in no particular order
   * (ids that do not exist, are deleted or hidden are left out): a page of records' referenced
   * records without one `get` each.
   *
   * @example
   * ```ts
   * const sites = await s.records.getMany('acme.site', visits.map((v) => String(v.data.site_id)));
   * ```
   */
  getMany(type: string, ids: readonly string[]): Promise<PluginRecord[]>;
  list(type: string, options?: PluginListOptions): Promise<{ items: PluginRecord[]; nextCursor: string | null }>;
  /** Soft-deletes a record (it leaves listings, keeps its history); with `expectedVersion`, a stale version is a 412. */
  remove(type: string, id: string, options?: { expectedVersion?: number }): Promise<PluginRecord>;
  /** Brings a soft-deleted record back (404 when there is none the actor may change). */
  restore(type: string, id: string): Promise<PluginRecord>;
  /**
   * Live records whose text `field` is similar to `value` (pg_trgm trigram similarity, 0..1),
   * most similar first, among those the actor may see. The entity must declare a trigram index
   * on the field (`"indexes": [{ "fields": [field], "method": "trigram" }]`), else 422.
   * `threshold` (default 0.3) is the lowest similarity returned; `limit` 1..100 (default 10).
   */
  similar(type: string, field: string, value: string, options?: PluginSimilarOptions): Promise<PluginSimilarRecord[]>;
  /**
   * Moves a stageful record to stage `to` through its process, as the actor, exactly as
   * `POST /api/records/{type}/{id}/transition` does: visibility (404) and edit rights (403), the
   * transition's roles, the field patch, the guard (422 with its explanation), the target stage's
   * entry requirements (422), record hooks, stage history, the event, and the transition's actions
   * and SLA timers. Inside a hook or a write route it commits with the caller (the actions run
   * after that commit). Without `expectedVersion` it moves the record as it is now (a write that
   * lands in between is retried, not a 412).
   */
  move(type: string, id: string, request: PluginMoveRequest): Promise<PluginMoveResult>;
  /**
   * Evaluates a rule (json-logic) for every live record of `type` the actor sees in SQL, set-based,
   * a page of records at a time by id (core's `toSqlValue`: the rule's value, e.g. a grade). With
   * `differsFrom` only records whose stored field is not the rule's value; with `where` (a rule
   * fully translatable to SQL) only records it holds for. Records reaching a part of the rule
   * SQL cannot express come back `decided: false` with their body, for the caller to evaluate in
   * JavaScript (`unsupported` names those parts). Writes nothing.
   */
  ruleValues(type: string, rule: unknown, options?: PluginRuleValuesOptions): Promise<PluginRuleValues>;
  /** Who a record is shared with (`record_shares`), for anyone who sees the record (404 otherwise). */
  shares(type: string, id: string): Promise<PluginShare[]>;
  /**
   * Shares a record with an active user (`read` or `edit`), or changes the access of the user's
   * share, as `POST /api/records/{type}/{id}/shares` does: the actor must be able to change the
   * record (403), an unknown or inactive user is 422; audited as `record.share`.
   */
  share(type: string, id: string, share: { userId: string; access: 'read' | 'edit' }): Promise<PluginShare>;
  /** Removes a user's share (404 when there is none); audited as `record.unshare`. */
  unshare(type: string, id: string, userId: string): Promise<void>;
}

/** Options of {@link PluginRecords.ruleValues}. */
export interface PluginRuleValuesOptions {
  /** Only records whose body field differs from the rule's value (compared as JSON). */
  differsFrom?: string;
  /** Only records for which this rule is truthy (must translate to SQL entirely). */
  where?: unknown;
  /** Records per page, 1..5000 (default 1000). */
  limit?: number;
  /** The previous page's `next`. */
  after?: string;
}

/** A page of {@link PluginRecords.ruleValues}. */
export interface PluginRuleValues {
  items: { id: string; version: number; value: unknown; decided: boolean; data?: Record<string, unknown> }[];
  /** Pass as `after` for the next page; null on the last. */
  next: string | null;
  /** The parts of the rule SQL cannot express (their records are `decided: false`). */
  unsupported: { pointer: string; message: string }[];
}

/** A record's share with a user (see {@link PluginRecords.shares}). */
export interface PluginShare {
  userId: string;
  access: 'read' | 'edit';
  createdBy: string;
  createdAt: string;
}

/** What {@link PluginRecords.move} asks for. */
export interface PluginMoveRequest {
  /** The target stage. */
  to: string;
  /** Which transition, when several lead from the current stage to `to`. */
  transition?: string;
  /** A JSON merge patch of the body, applied before the guard and the requirements are checked. */
  data?: Record<string, unknown>;
  /** The process to enter when the record has none yet (default: the entity's latest published one). */
  process?: string;
  expectedVersion?: number;
  /** Language of a refusal's explanation (default: the route's `language`, else English). */
  language?: 'en' | 'zh-CN';
}

/** What {@link PluginRecords.move} answers: the moved record and the move. */
export interface PluginMoveResult {
  record: PluginRecord;
  transition: { from: string | null; to: string; id: string | null; historyId: string; at: string };
}

/** Options of {@link PluginRecords.similar}. */
export interface PluginSimilarOptions {
  limit?: number;
  threshold?: number;
  /** Leave this record out (the one being edited). */
  exclude?: string;
  /**
   * Also report records the actor cannot see, as `hidden: true` with the id and similarity only
   * (body empty, owner and unit null): for checks such as duplicate prevention, which must know
   * that a value is taken without showing the record to the caller.
   */
  includeHidden?: boolean;
}

/** A record {@link PluginRecords.similar} found, with its trigram similarity (0..1). */
export interface PluginSimilarRecord extends PluginRecord {
  similarity: number;
  /** The value of the compared field (also for hidden records: plugin code, not the caller, sees it). */
  value: string;
  /** The actor cannot see this record (only with `includeHidden`). */
  hidden?: boolean;
}

/** The metric layer, with the actor's visibility (see `POST /api/metrics/query` for the request). */
export interface PluginMetrics {
  query(request: Record<string, unknown>): Promise<{ rows: Record<string, string | number | null>[]; asOf: string }>;
}

/** A logger whose lines name the plugin. */
export interface PluginLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Options of {@link PluginJobs.enqueue}. */
export interface EnqueueOptions {
  /** Run no earlier than this time (or this many seconds from now). */
  startAfter?: Date | number;
}

/**
 * The plugin's own job kinds (declared in `definePlugin({ jobs })`) on the platform's durable
 * queue. Inside a transaction the job is written by it: it runs only if the caller commits.
 */
export interface PluginJobs {
  enqueue(kind: string, data?: Record<string, unknown>, options?: EnqueueOptions): Promise<string | null>;
}

/** Who is acting, as plugin code may know it. */
export interface PluginCaller {
  /** The event actor: `user:<id>`, `token:<id>` or `system:<name>`. */
  id: string;
  userId: string | null;
  roles: readonly string[];
  orgUnitId: string | null;
}

/** An org unit as plugin code sees it. */
export interface PluginOrgUnit {
  id: string;
  name: string;
  kind: string;
  parentId: string | null;
  /** Unit ids from the root down to this unit, itself last. */
  path: string[];
}

/** A user as plugin code sees it (never a credential). */
export interface PluginUser {
  id: string;
  name: string;
  email: string;
  orgUnitId: string | null;
  roles: string[];
  active: boolean;
}

/**
 * The org tree and its people. The tree is readable by every signed-in user, so the directory
 * is not narrowed by who acts: plugin routes decide what of it they answer.
 */
export interface PluginDirectory {
  /** The whole org tree. */
  orgUnits(): Promise<PluginOrgUnit[]>;
  /** Users by name; `under`: members of that unit's subtree; `role`: holders of a role; `ids`: only these users; inactive ones only with `includeInactive`. */
  users(options?: { under?: string; role?: string; ids?: readonly string[]; includeInactive?: boolean }): Promise<PluginUser[]>;
  user(id: string): Promise<PluginUser | null>;
  /** The nearest active holders of `role` (default `manager`) walking up from the user's unit, the user excluded. */
  managersOf(userId: string, role?: string): Promise<PluginUser[]>;
}

/** One stay of a record in a stage, with the stage's kind and probability in the record's pinned process version. */
export interface PluginStageStay {
  recordId: string;
  type: string;
  process: string;
  processVersion: number;
  stage: string;
  stageKind: 'open' | 'won' | 'lost' | string;
  /** The stage's win probability (won 1, lost 0; null for an open stage without one). */
  probability: number | null;
  fromStage: string | null;
  enteredAt: string;
  exitedAt: string | null;
}

/** Stage history of the records the actor may see. */
export interface PluginHistory {
  /** Stays of records of `type`, oldest first per record; `recordIds` and `enteredBefore` (ISO time) narrow them. */
  stays(type: string, options?: { recordIds?: string[]; enteredBefore?: string }): Promise<PluginStageStay[]>;
}

/** A notification text: one string, or the text by language. */
export type PluginText = string | { en: string; 'zh-CN'?: string };

/** In-app notifications (`GET /api/notifications`). */
export interface PluginNotifications {
  /**
   * Writes one notification per active user, once per key and user (a repeated send writes
   * nothing); inside a transaction it commits with the caller. Returns how many were written.
   */
  send(n: { users: string[]; kind: string; key: string; title: PluginText; body?: PluginText | null; record?: { id: string; type: string } | null; data?: Record<string, unknown> }): Promise<number>;
}

/** What every piece of plugin code receives. */
export interface PluginServices {
  /** The plugin's id. */
  plugin: string;
  caller: PluginCaller;
  records: PluginRecords;
  metrics: PluginMetrics;
  clock: { now(): Date };
  log: PluginLogger;
  jobs: PluginJobs;
  directory: PluginDirectory;
  history: PluginHistory;
  notifications: PluginNotifications;
  /** The rule library (ADR 032): saved rules a plugin's rules may reference. */
  rules: PluginRules;
  /** The plugin's configuration, validated against its `config.schema` (defaults applied). */
  config: Readonly<Record<string, unknown>>;
}

/**
 * The rule library as a plugin reaches it (ADR 032). A rule a company keeps in a plugin's records
 * (a scoring indicator, a routing condition) may name a saved rule as `{"rule": "<id>"}`; `expand`
 * replaces every such reference by the saved rule's latest json-logic before the plugin checks,
 * evaluates or translates the rule.
 */
export interface PluginRules {
  /**
   * The rule with its saved-rule references replaced; a 422 `RuleError` whose details point at
   * each unknown, malformed or cyclic reference (under `pointer`).
   *
   * @example
   * ```ts
   * const logic = await services.rules.expand(indicator.rule, '/dimensions/0/indicators/1/rule');
   * ```
   */
  expand(logic: unknown, pointer?: string): Promise<unknown>;
  /**
   * The rule with its references replaced, and the saved-rule versions it reached (id to
   * version, nested references included). Without `pinned` every reference resolves at its
   * latest version, and `versions` is what to pin when the rule is saved; with `pinned` each
   * reference resolves at the version pinned (a reference not pinned, at its latest). A rule
   * without references is returned as is, without reading the library. Refused as `expand`.
   *
   * @example
   * ```ts
   * // on save: pin what the rule reaches now
   * const { versions } = await services.rules.resolve(data.logic);
   * // on use: evaluate exactly those versions, whatever was saved since
   * const { logic } = await services.rules.resolve(data.logic, { pinned: data.rule_versions });
   * ```
   */
  resolve(logic: unknown, options?: { pointer?: string; pinned?: Readonly<Record<string, number>> }): Promise<{ logic: unknown; versions: Record<string, number> }>;
}

/**
 * What a record hook receives: the services as the writer, and `system`, the plugin's own services
 * acting as `system:plugin:<id>` in the same transaction, for a consequence the writer's role may
 * not write itself (e.g. an objective made private hides the comments others wrote on it). Use
 * sparingly; the events name the plugin, not the writer.
 */
export interface HookServices extends PluginServices {
  system: PluginServices;
}

/** One problem a validate hook reports: a JSON pointer into the request (`/data/<field>`) and a message. */
export interface HookProblem {
  pointer: string;
  message: string;
  code?: string;
}

/** A change a record hook sees. */
export interface RecordChange {
  operation: 'create' | 'update' | 'delete';
  type: string;
  /** The record before the change (null on create). */
  before: PluginRecord | null;
  /** The body being written (after the patch is merged). */
  data: Record<string, unknown>;
  /** Set when the update is a stage transition (operation `update`): the stage left and entered, and the transition's id. */
  transition?: { from: string | null; to: string; id: string | null };
}

/**
 * Hooks on writes of one entity, run inside the write's transaction in this order:
 * `beforeChange` (may return a replacement body), the entity schema, `validate` (problems answer
 * 422 with pointers), the write and its event, `afterChange`. A hook that throws rolls the
 * write back; the caller gets a problem, never the exception's text.
 */
export interface RecordHooks {
  /**
   * Which changes these hooks want (pure and synchronous: no services, no I/O). Absent: every
   * change. Called with the change as the hook would see it; when it answers false, none of this
   * plugin's hooks on the entity run for that change. When no plugin wants a stage move, the move
   * takes the platform's fast path (no explicit transaction, the record cache), so a hook that
   * cares about few moves should say so here (ADR 007 addendum 3).
   *
   * @example
   * ```ts
   * // Only moves into or out of a closed stage, and every other write.
   * when: (c) => !c.transition || CLOSED.has(c.transition.to) || CLOSED.has(c.transition.from ?? ''),
   * ```
   */
  when?(change: RecordChange): boolean;
  beforeChange?(change: RecordChange, services: HookServices): Promise<Record<string, unknown> | void> | Record<string, unknown> | void;
  validate?(change: RecordChange, services: HookServices): Promise<HookProblem[] | void> | HookProblem[] | void;
  afterChange?(change: RecordChange & { after: PluginRecord }, services: HookServices): Promise<void> | void;
}

/** JSON Schema as authored (2020-12). */
export type RouteSchema = { [key: string]: unknown };

/** What a route handler receives. */
export interface RouteContext extends PluginServices {
  /** Path parameters (`:name` in the route path). */
  params: Record<string, string>;
  /** Query parameters (the first value of each). */
  query: Record<string, string>;
  /** The JSON body, validated against the route's `body` schema (an empty object for GET). */
  body: Record<string, unknown>;
  /**
   * The plugin's own services acting as `system:plugin:<id>`, in the route's transaction: for a
   * route that has checked the caller's right itself and must write what the caller's role may
   * not (e.g. a rep claiming an account from a shared pool). Use sparingly; the events name the
   * plugin, not the caller.
   */
  system: PluginServices;
  /** The caller's language for texts the route answers (`Accept-Language`, negotiated; default `en`). */
  language: 'en' | 'zh-CN';
}

/**
 * A route under `/api/plugins/<plugin><path>`, authenticated like the rest of the API (scope
 * `read` for GET, `write` otherwise; `roles` narrows it). Its schemas validate the request and
 * document it in the OpenAPI document. A handler of a method other than GET runs in one
 * transaction: its writes commit together or not at all.
 */
export interface PluginRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Path under the plugin's prefix, hono syntax: `/visits/:id/summary`. */
  path: string;
  summary: string;
  description?: string;
  /** Roles allowed (default: every signed-in user with the scope). */
  roles?: readonly string[];
  /** Schema of the JSON body (methods other than GET). */
  body?: RouteSchema;
  /** Schema of each query parameter, by name. */
  query?: Record<string, RouteSchema & { required?: boolean }>;
  /** Schema of the successful response body. */
  response: RouteSchema;
  /** Status of the successful response (default 200). */
  status?: 200 | 201 | 202;
  handler(ctx: RouteContext): Promise<unknown> | unknown;
}

/**
 * Extra read conditions for an entity of the plugin: given who reads, a json-logic rule over
 * the record body that a record must also satisfy to be visible (in reads, lists, search,
 * counts and metrics), or null for no extra condition. Admins and system work are not narrowed.
 */
export type VisibilityRule = (caller: PluginCaller) => Record<string, unknown> | boolean | null;

/** A plugin job handler: runs at least once per enqueued (or scheduled) job, as `system:plugin:<id>`. */
export type JobHandler = (data: Record<string, unknown>, services: PluginServices) => Promise<void> | void;

/** A cron schedule for one of the plugin's job kinds (pg-boss's clock: one job per tick). */
export interface JobSchedule {
  /** Five-field cron expression. */
  cron: string;
  /** IANA time zone of the cron expression (default UTC). */
  tz?: string;
  data?: Record<string, unknown>;
  /**
   * Also run the job once, in process, right after the demo seed imported its data (imports
   * write without hooks: a nightly maintenance job then has run on a fresh demo).
   */
  afterDemoSeed?: boolean;
}

/**
 * The plugin's configuration: a JSON Schema object whose properties are read from environment
 * variables `PIPEWRIGHT_PLUGIN_<PLUGIN>_<PROPERTY>` (upper-case; numbers, booleans and JSON
 * for objects and arrays), defaults applied, checked at start.
 */
export interface PluginConfigDeclaration {
  schema: RouteSchema & { type: 'object'; properties: Record<string, RouteSchema> };
}
