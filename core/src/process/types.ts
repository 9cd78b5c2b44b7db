/**
 * Types of a process definition (`*.process.json`, validated by `schemas/process.schema.json`)
 * and of what core derives from it.
 */
import type { LocalizableText } from '../i18n/text';
import type { SchemaObject as JsonSchema } from '../plugins/types';

/** Outcome class of a stage: work in progress, or a terminal won / lost. */
export type StageKind = 'open' | 'won' | 'lost';

/** Who is escalated to or notified: a role relative to the record, or one user. */
export type Assignee = { role: string; user?: undefined } | { user: string; role?: undefined };

/** How long a record may stay in a stage. Exactly one of `maxDays` / `maxDuration`. */
export interface StageSla {
  maxDays?: number;
  maxDuration?: string;
  businessDays?: boolean;
  escalateTo?: Assignee;
  warnBefore?: string;
}

/** One stage of a process. */
export interface StageDefinition {
  id: string;
  /** Shown on board columns, badges, the designer and the funnel: a string or the text by language. */
  label: LocalizableText;
  kind: StageKind;
  description?: LocalizableText;
  probability?: number;
  requirements?: JsonSchema;
  guidance?: LocalizableText;
  sla?: StageSla;
  /** Fields that cannot change while a record is in the stage: a list, or all but a list. */
  lockedFields?: LockedFields;
  color?: string;
}

/**
 * Fields a stage locks: the named ones, or every field except the named ones.
 *
 * @example
 * ```ts
 * const won: LockedFields = ['amount', 'close_value', 'close_date'];
 * const archived: LockedFields = { allExcept: ['notes'] };
 * ```
 */
export type LockedFields = string[] | { allExcept: string[] };

/** One action a transition runs after it commits. */
export interface ActionDefinition {
  id?: string;
  type: string;
  config?: Record<string, unknown>;
}

/** An explicit move between stages. */
export interface TransitionDefinition {
  id?: string;
  label?: LocalizableText;
  from: string | string[];
  to: string;
  guard?: unknown;
  /** Shown to the rep when the guard fails (in the language of the request). */
  guardMessage?: LocalizableText;
  roles?: string[];
  actions?: ActionDefinition[];
  /** The move waits for approvers when `when` holds (or always, without `when`): ADR 027. */
  approval?: ApprovalDefinition;
}

/**
 * An approval on a transition (审批): when `when` (json-logic over the record body with the move's
 * fields applied) holds, the move is held as a request until `required` of the approvers approve;
 * one rejection ends it. Approvers are resolved when the move is asked for: a role is its nearest
 * holders above the record's owner and unit (`{ "role": "manager" }` is the owner's manager), a
 * user is that user.
 */
export interface ApprovalDefinition {
  when?: unknown;
  approvers: Assignee[];
  /** How many approvals the move needs (default 1 in parallel, every approver in sequence). */
  required?: number;
  /** `parallel` (default): all are asked at once; `sequential`: one after another, in the order listed. */
  mode?: 'parallel' | 'sequential';
  /** ISO 8601 duration after which a waiting request escalates, once. */
  timeout?: string;
  /** Who it escalates to: the role's nearest holders above the approvers' units (default `manager`). */
  escalateTo?: { role: string };
}

/**
 * A process definition as authored.
 *
 * @example
 * ```ts
 * const def: ProcessDefinition = { id: 'mini', label: 'Mini', entity: 'acme.ticket', initialStage: 'a',
 *   stages: [{ id: 'a', label: 'A', kind: 'open' }, { id: 'w', label: 'Won', kind: 'won', probability: 1 }],
 *   transitions: [{ from: 'a', to: 'w' }] };
 * ```
 */
export interface ProcessDefinition {
  $schema?: string;
  id: string;
  label: LocalizableText;
  description?: LocalizableText;
  entity: string;
  version?: number;
  initialStage: string;
  /** Which new records start in this process when none is named: field -> value (or values). See {@link startsWhenMatches}. */
  startsWhen?: Record<string, string | number | boolean | (string | number | boolean)[]>;
  allowSkip?: boolean;
  allowBackward?: boolean;
  stages: StageDefinition[];
  transitions?: TransitionDefinition[];
  layout?: Record<string, unknown>;
}

/**
 * One problem found in a process definition, located by a JSON pointer into it.
 *
 * @example
 * ```ts
 * const p: ProcessProblem = { pointer: '/stages/3', code: 'unreachable-stage', message: 'Stage "x" cannot be reached.' };
 * ```
 */
export interface ProcessProblem {
  pointer: string;
  /** Stable code: `schema`, `duplicate-stage`, `unknown-stage`, `unreachable-stage`, `dead-end`, `invalid-guard`, `unknown-action-type`, ... */
  code: string;
  message: string;
  /** Nested details (e.g. the rule checker's problems), pointers relative to the definition. */
  params?: Record<string, unknown>;
}

