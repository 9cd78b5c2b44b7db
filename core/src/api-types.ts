/**
 * Shapes of what the HTTP API answers, shared by the runtime (which builds them) and the studio
 * (which reads them), so the two cannot drift apart. Types only: importing this costs nothing at
 * run time.
 *
 * @example
 * ```ts
 * import type { RecordView } from '@pipewright/core/api';
 * ```
 */
import type { DashboardDocument, DashboardText } from './dashboards/types';
import type { LocalizableText } from './i18n/text';
import type { MigrationFate } from './process/migrate';
import type { ExplainNode } from './rules/explain';

/** A record as the API shows it. */
export interface RecordView {
  id: string;
  type: string;
  version: number;
  owner: string | null;
  orgUnit: string | null;
  stage: string | null;
  /** The process version a stageful record moves through (null for other entities). */
  process: { id: string; version: number } | null;
  data: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
  deletedAt: string | null;
  /** Values a plugin computes on read (its `computed` contribution); absent for other entities. */
  computed?: Record<string, unknown>;
}

/** A process as `GET /api/processes` lists it. */
export interface ProcessSummary {
  id: string;
  entity: string;
  /** As the definition holds it: a string or the label by language (see `textIn`). */
  label: LocalizableText;
  source: string;
  draftRevision: number;
  latestVersion: number | null;
  updatedAt: string;
  updatedBy: string;
}

/** One operator of `GET /api/rules/operators`. */
export interface RuleOperatorInfo {
  name: string;
  /** `jsonlogic`, `sales` or the contributing plugin's id. */
  owner: string;
  builtin: boolean;
  title?: string;
  description?: string;
  signature: { params: readonly string[]; rest?: string; minArgs?: number; returns: string };
}

/** A problem of a rule, with a JSON pointer into the rule. */
export interface RuleProblemView {
  pointer: string;
  code: string;
  message: string;
}

/** A saved rule's name by language: English always, Simplified Chinese when given (ADR 032). */
export interface SavedRuleName {
  en: string;
  'zh-CN'?: string;
}

/** A saved rule of the rule library as `GET /api/rules` lists it. */
export interface SavedRuleSummary {
  id: string;
  name: SavedRuleName;
  entity: string | null;
  description: string | null;
  latestVersion: number;
  updatedAt: string;
  updatedBy: string;
}

/** One immutable version of a saved rule. */
export interface SavedRuleVersion {
  version: number;
  logic: unknown;
  author: string;
  createdAt: string;
  note: string | null;
}

/** A saved rule with its versions, newest first (`GET /api/rules/{id}`). */
export interface SavedRuleView extends SavedRuleSummary {
  versions: SavedRuleVersion[];
}

/** The answer of `POST /api/rules/check`. */
export interface RuleCheckView {
  valid: boolean;
  problems: RuleProblemView[];
  fieldsRead: string[];
  /** For a valid rule checked against an entity: whether it translates to SQL. */
  sql?: { supported: boolean; reason?: string; pointer?: string };
}

/** The answer of `POST /api/rules/explain`: the value and every sub-rule's value. */
export interface RuleExplainView {
  value: unknown;
  passed: boolean;
  explanation: ExplainNode;
}

/** One move open to the caller from a record's stage, with its checks already run. */
export interface AvailableTransition {
  /** Transition id (null for a move the process allows without one: skip, backward, enter). */
  id: string | null;
  /** The transition's label (else the target stage's), in the request's Accept-Language. */
  label: string;
  to: string;
  /** The target stage's label in the request's Accept-Language. */
  toLabel: string;
  toKind: 'open' | 'won' | 'lost';
  move: 'transition' | 'skip' | 'backward' | 'enter';
  /** True when the move would be accepted as the record is now (guard passes, requirements met). */
  ready: boolean;
  /** A failed guard's `message` is in the request's Accept-Language. */
  guard: { passed: true } | { passed: false; message: string; explanation: ExplainNode };
  /** Entry requirements of the target stage the record does not meet yet, with a schema for exactly those fields. */
  missing: { fields: string[]; schema: Record<string, unknown> } | null;
}

/**
 * What `GET /api/records/{type}/{id}/transitions` answers.
 *
 * @example
 * ```ts
 * const open: AvailableTransitions = await (await fetch(`/api/records/acme.ticket/${id}/transitions`)).json();
 * open.transitions.filter((t) => t.ready).map((t) => t.to);
 * ```
 */
export interface AvailableTransitions {
  record: { id: string; type: string; version: number; stage: string | null };
  /** The process version the record is pinned to (null when none is published). */
  process: { id: string; version: number; label: string } | null;
  stage: { id: string; label: string; kind: string } | null;
  /** False when the caller may see the record but not move it (then `transitions` is empty). */
  editable: boolean;
  transitions: AvailableTransition[];
}

/** A dashboard as `GET /api/dashboards` lists it. */
export interface DashboardSummary {
  id: string;
  title: DashboardText;
  description?: DashboardText;
  homeFor: string[];
  /** `plugin:<id>` for defaults a plugin ships, `api` for dashboards saved over the API. */
  source: string;
  /** Goes up with every change; send it as `If-Match` to update or delete. */
  revision: number;
  widgets: number;
  updatedAt: string;
  updatedBy: string;
}

/** One dashboard with its document, and today's date in the company's time zone (for range presets). */
export interface DashboardView extends DashboardSummary {
  dashboard: DashboardDocument;
  today: string;
  timeZone: string;
}

/** The answer of `POST /api/processes/{id}/migrations`: every record's fate, and counts. */
export interface MigrationReport {
  process: string;
  fromVersion: number;
  toVersion: number;
  dryRun: boolean;
  counts: { migrate: number; unmapped: number; invalid: number };
  /** Records actually moved (0 on a dry run). */
  moved: number;
  /** Records still on the old version that would migrate (after a run stopped by `limit`; 0 otherwise). */
  remaining: number;
  records: MigrationFate[];
}
