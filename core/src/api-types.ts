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
import type { ExplainNode } from './rules/explain';

/** A record as the API shows it. */
export interface RecordView {
  id: string;
  type: string;
  version: number;
  owner: string | null;
  orgUnit: string | null;
  stage: string | null;
  data: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
  deletedAt: string | null;
}

/** A process as `GET /api/processes` lists it. */
export interface ProcessSummary {
  id: string;
  entity: string;
  label: string;
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
