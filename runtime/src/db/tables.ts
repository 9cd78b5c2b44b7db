import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = JSONColumnType<Record<string, unknown>, string, string>;
type JsonNullable = ColumnType<Record<string, unknown> | null, string | null, string | null>;

/** Org units form a tree: company -> region -> team. */
export interface OrgUnitTable {
  id: string;
  name: string;
  kind: 'company' | 'region' | 'team';
  parent_id: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface UserTable {
  id: string;
  name: string;
  email: string;
  org_unit_id: string | null;
  roles: ColumnType<string[], string, string>;
  active: Generated<boolean>;
  /** scrypt hash (see auth/password.ts); never selected into a response. */
  password_hash: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  deactivated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** A signed-in browser session; `id` is the SHA-256 of the cookie value, never the value. */
export interface SessionTable {
  id: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
}

/** A bearer API token; only its SHA-256 is stored. */
export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  scopes: ColumnType<string[], string, string>;
  token_hash: string;
  created_by: string;
  created_at: Timestamp;
  expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** A record shared with a user beyond what their role shows them. */
export interface RecordShareTable {
  record_id: string;
  user_id: string;
  access: 'read' | 'edit';
  created_by: string;
  created_at: Timestamp;
}

/** Fixed-window counters shared by every runtime process. */
export interface RateLimitTable {
  key: string;
  window_start: Timestamp;
  hits: number;
}

/** Every plugin entity's records: system columns plus a jsonb body. */
export interface RecordTable {
  id: string;
  type: string;
  owner_id: string | null;
  org_unit_id: string | null;
  stage: string | null;
  version: number;
  data: Json;
  created_by: string;
  updated_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  /** The process (and published version) the record moves through; null until it enters one. */
  process_id: ColumnType<string | null, string | null | undefined, string | null>;
  process_version: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Append-only history: one row per change, written in the change's transaction. */
export interface EventTable {
  id: Generated<string>;
  record_id: string | null;
  record_type: string;
  action: string;
  actor: string;
  at: Timestamp;
  before: JsonNullable;
  after: JsonNullable;
  meta: JsonNullable;
  /** What an admin action was about (`user:<id>`, `token:<id>`, `org-unit:<id>`); null for record writes. */
  subject: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ImportTable {
  id: string;
  entity: string;
  status: 'running' | 'completed' | 'failed';
  actor: string;
  file_name: string | null;
  total_rows: number;
  imported_rows: number;
  rejected_rows: number;
  report: JsonNullable;
  started_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

/** A user's named filters of one screen (`scope`), e.g. a saved board filter. */
export interface SavedViewTable {
  id: string;
  user_id: string;
  scope: string;
  name: string;
  params: ColumnType<Record<string, string>, string, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface Database {
  org_units: OrgUnitTable;
  users: UserTable;
  records: RecordTable;
  events: EventTable;
  imports: ImportTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  record_shares: RecordShareTable;
  rate_limits: RateLimitTable;
  process_definitions: ProcessDefinitionTable;
  process_versions: ProcessVersionTable;
  stage_history: StageHistoryTable;
  idempotency_keys: IdempotencyKeyTable;
  action_runs: ActionRunTable;
  notifications: NotificationTable;
  incidents: IncidentTable;
  sla_breaches: SlaBreachTable;
  dashboards: DashboardTable;
  plugin_documents: PluginDocumentTable;
  stage_counts: StageCountTable;
  stage_count_deltas: StageCountDeltaTable;
  approval_requests: ApprovalRequestTable;
  saved_views: SavedViewTable;
  saved_rules: SavedRuleTable;
  saved_rule_versions: SavedRuleVersionTable;
}

/** A stage move (migration 011, ADR 027) or a record change (migration 014) held for approvers. */
export interface ApprovalRequestTable {
  id: string;
  record_id: string;
  record_type: string;
  record_version: number;
  kind: ColumnType<'move' | 'edit', string | undefined, string>;
  /** An edit's entity approval (its id in the entity's `approvals`). */
  rule: ColumnType<string | null, string | null | undefined, string | null>;
  /** An edit's changed fields, `{ before, after }` (their values then and as asked for). */
  change: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  process_id: string | null;
  process_version: number | null;
  transition_id: string | null;
  from_stage: string | null;
  to_stage: string | null;
  patch: JsonNullable;
  requester: string;
  requester_user: string | null;
  approvers: AnyJson;
  required: number;
  mode: ColumnType<'parallel' | 'sequential', string | undefined, string>;
  decisions: ColumnType<unknown, string | undefined, string>;
  due_at: NullableTime;
  escalate_role: ColumnType<string | null, string | null | undefined, string | null>;
  escalated_to: ColumnType<unknown, string | undefined, string>;
  escalated_at: NullableTime;
  status: ColumnType<'pending' | 'approving' | 'approved' | 'rejected' | 'withdrawn' | 'failed', string | undefined, string>;
  reason: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  decided_at: NullableTime;
}

/** One change of a record's counted key (old key out, new key in), appended by a trigger. */
export interface StageCountDeltaTable {
  record_type: string;
  old_stage: string | null;
  old_org_unit_id: string | null;
  old_owner_id: string | null;
  new_stage: string | null;
  new_org_unit_id: string | null;
  new_owner_id: string | null;
}

/** Live records per type, stage, org unit and owner ('' for none), kept by triggers on records. */
export interface StageCountTable {
  record_type: string;
  stage: string;
  org_unit_id: string;
  owner_id: string;
  n: ColumnType<string, number, number>;
}

type NullableTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type AnyJson = ColumnType<unknown, string, string>;

/** A process: its editable draft (with a revision for If-Match) and its latest published version. */
export interface ProcessDefinitionTable {
  id: string;
  entity: string;
  draft: AnyJson;
  draft_revision: number;
  latest_version: number | null;
  /** `plugin:<id>` for processes a plugin ships, `api` for those created over the API. */
  source: string;
  /** Order among the processes of an entity; the first published one is the entity's default. */
  position: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  updated_by: string;
}

/** A published, immutable version of a process. */
export interface ProcessVersionTable {
  process_id: string;
  version: number;
  definition: AnyJson;
  published_at: Timestamp;
  published_by: string;
  /** The saved rules the version's guards reference, pinned at publish (id to version; ADR 032). */
  rules: ColumnType<Record<string, number>, string | undefined, never>;
}

/** A saved rule of the rule library (migration 013, ADR 032). */
export interface SavedRuleTable {
  id: string;
  name: ColumnType<{ en: string; 'zh-CN'?: string }, string, string>;
  entity: string | null;
  description: string | null;
  latest_version: number;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
  updated_by: string;
}

/** One immutable version of a saved rule. */
export interface SavedRuleVersionTable {
  rule_id: string;
  version: number;
  logic: AnyJson;
  author: string;
  created_at: Timestamp;
  note: string | null;
}

/** One stay of a record in a stage: entered, exited, by whom, and the body as it entered. */
export interface StageHistoryTable {
  id: Generated<string>;
  record_id: string;
  record_type: string;
  process_id: string;
  process_version: number;
  stage: string;
  from_stage: string | null;
  transition_id: string | null;
  entered_at: Timestamp;
  entered_by: string;
  exited_at: NullableTime;
  exited_by: ColumnType<string | null, string | null | undefined, string | null>;
  due_at: NullableTime;
  snapshot: AnyJson;
  /**
   * The record's owner and org unit ('' for none) while the stay is open, kept by triggers (migration 009;
   * filled from the record when an open stay is written without them, copied on reassignment).
   * A closed stay keeps what it had when it closed; read them on open stays only.
   */
  owner_id: ColumnType<string | null, string | null | undefined, string | null>;
  org_unit_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** The stored response of a request made with an Idempotency-Key. */
export interface IdempotencyKeyTable {
  scope: string;
  key: string;
  request_hash: string;
  status: number;
  body: AnyJson;
  headers: AnyJson;
  created_at: Timestamp;
}

/** One action execution that finished (its key makes re-deliveries no-ops). */
export interface ActionRunTable {
  key: string;
  record_id: string | null;
  action_type: string;
  status: 'done' | 'failed';
  result: ColumnType<unknown, string | null, string | null>;
  error: string | null;
  attempts: number;
  finished_at: Timestamp;
}

/** An in-app notification. */
export interface NotificationTable {
  id: string;
  user_id: string;
  kind: string;
  record_id: string | null;
  record_type: string | null;
  title: string;
  body: string | null;
  data: ColumnType<unknown, string | null, string | null>;
  dedupe_key: string;
  created_at: Timestamp;
  read_at: NullableTime;
}

/** Something that kept failing and needs a person (a webhook that never answered, an action without handler). */
export interface IncidentTable {
  id: string;
  kind: string;
  record_id: string | null;
  dedupe_key: string;
  message: string;
  details: ColumnType<unknown, string | null, string | null>;
  created_at: Timestamp;
  resolved_at: NullableTime;
}

/** The one breach of one stage stay's SLA. */
export interface SlaBreachTable {
  history_id: string;
  record_id: string;
  process_id: string;
  stage: string;
  due_at: Timestamp;
  breached_at: Timestamp;
  escalated_to: AnyJson;
  handled_by: string;
}

/** A dashboard document (dashboard.schema.json); `source` is `plugin:<id>` or `api`. */
export interface DashboardTable {
  id: string;
  document: AnyJson;
  revision: number;
  source: string;
  position: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  updated_by: string;
  deleted_at: NullableTime;
}

/** A plugin document as last seen at start (see migrations/008-plugin-documents.ts). */
export interface PluginDocumentTable {
  kind: 'process' | 'entity';
  id: string;
  plugin: string;
  digest: string;
  document: ColumnType<unknown, string, string>;
  seen_at: Timestamp;
}
