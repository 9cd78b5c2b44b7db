/**
 * The process API as the studio calls it (`runtime/src/process/http/*`): definitions, drafts,
 * diffs, backtests, publishing, transitions and stage history. Types come from core (type-only
 * imports: nothing of core's root enters the bundle).
 */
import type { ActionTypeInfo, BacktestReport, ExplainNode, ProcessDefinition, ProcessDiff, ProcessProblem } from '@pipewright/core';
import type { ApprovalInfo } from '../approvals/api';
import { request } from './client';
import type { JsonSchema, ProblemDocument, RecordView } from './types';
import type { AvailableTransition, AvailableTransitions, MigrationReport, ProcessSummary } from '@pipewright/core/api';

export type { AvailableTransition, AvailableTransitions };

export type { ActionTypeInfo, BacktestReport, ExplainNode, ProcessDefinition, ProcessDiff, ProcessProblem };
export type { ActionDefinition } from '@pipewright/core';
export type { StageDefinition, TransitionDefinition, StageSla, StageKind } from '@pipewright/core';


export type { ProcessSummary };

/** A process with its draft and versions (`GET /api/processes/{id}`). */
export interface ProcessDetail extends ProcessSummary {
  draft: ProcessDefinition;
  versions: { version: number; publishedAt: string; publishedBy: string }[];
  /** What the process's plugin ships now, when a start kept an admin's draft over it and no draft was saved since. */
  shipped?: ProcessDefinition;
}

/** The answer of `POST /api/processes/{id}/simulate`. */
export type SimulationReport = BacktestReport & { process: string; durationMs: number };

/** One stay of a record in a stage (`GET .../history`). */
export interface StageStay {
  id: string;
  process: string;
  version: number;
  stage: string;
  from: string | null;
  transition: string | null;
  enteredAt: string;
  enteredBy: string;
  exitedAt: string | null;
  exitedBy: string | null;
  dueAt: string | null;
}

/** The open stay of a record (`GET /api/pipeline/stays`). */
export interface OpenStay {
  record: string;
  stage: string;
  enteredAt: string;
  dueAt: string | null;
}

/** What a 422 from a transition carries beyond the problem document. */
export interface TransitionProblem extends ProblemDocument {
  transition?: string | null;
  explanation?: ExplainNode;
  stage?: string;
  fields?: string[];
  schema?: JsonSchema;
}

/** A successful transition. */
export interface TransitionResult {
  record: RecordView & { process: { id: string; version: number } };
  transition: { from: string | null; to: string; transition: string | null; at: string; dueAt: string | null };
}

/** A move held for approval (202): the request, and the record, unmoved. */
export interface HeldTransition {
  approval: ApprovalInfo;
  record: RecordView;
}

export type { MigrationReport };

/** A user as `GET /api/users` lists them. */
export interface UserInfo {
  id: string;
  name: string;
  email?: string;
  orgUnit?: string | null;
  roles?: string[];
}

/** An org unit (`GET /api/org-units`). */
export interface OrgUnitInfo {
  id: string;
  name: string;
  kind: 'company' | 'region' | 'team';
  parent: string | null;
}

const enc = encodeURIComponent;
const newKey = (): string => (globalThis.crypto?.randomUUID ? globalThis.crypto.randomUUID() : `k-${Date.now()}-${Math.random().toString(36).slice(2)}`);

/** A published version of a process, as `GET /api/processes/{id}/versions/{n}` answers. */
export interface ProcessVersion {
  id: string;
  version: number;
  definition: ProcessDefinition;
}

/** The path of the processes (of an entity). */
export const processesPath = (entity?: string): string => `/api/processes${entity ? `?entity=${enc(entity)}` : ''}`;
/** The path of a published version of a process. */
export const versionPath = (id: string, version: number): string => `/api/processes/${enc(id)}/versions/${version}`;
/** The path of the open stage stays of records. */
export const staysPath = (ids: readonly string[]): string => `/api/pipeline/stays?ids=${ids.map(enc).join(',')}`;

/**
 * The typed process calls.
 *
 * @example
 * ```ts
 * const { items } = await processApi.list('acme.ticket');
 * const saved = await processApi.saveDraft('new_business', definition, 3);
 * ```
 */
export const processApi = {
  list: (entity?: string, signal?: AbortSignal) => request<{ items: ProcessSummary[] }>('GET', processesPath(entity), signal ? { signal } : {}),
  get: (id: string, signal?: AbortSignal) => request<ProcessDetail>('GET', `/api/processes/${enc(id)}`, signal ? { signal } : {}),
  create: (definition: ProcessDefinition) => request<ProcessDetail>('POST', '/api/processes', { json: definition }),
  saveDraft: (id: string, definition: ProcessDefinition, revision: number) => request<ProcessDetail>('PUT', `/api/processes/${enc(id)}`, { json: definition, headers: { 'if-match': `"${revision}"` } }),
  /** The action types transitions may run, with their config schemas and translated titles. */
  actionTypes: (signal?: AbortSignal) => request<{ items: ActionTypeInfo[] }>('GET', '/api/processes/action-types', signal ? { signal } : {}),
  check: (id: string, definition: ProcessDefinition) => request<{ valid: boolean; problems: ProcessProblem[] }>('POST', `/api/processes/${enc(id)}/check`, { json: definition }),
  version: (id: string, version: number, signal?: AbortSignal) => request<ProcessVersion>('GET', versionPath(id, version), signal ? { signal } : {}),
  diff: (id: string, from: number | 'draft', to: number | 'draft') => request<ProcessDiff & { id: string }>('GET', `/api/processes/${enc(id)}/diff?from=${from}&to=${to}`),
  simulate: (id: string, definition?: ProcessDefinition) => request<SimulationReport>('POST', `/api/processes/${enc(id)}/simulate`, { json: definition ? { definition } : {} }),
  publish: (id: string, revision: number) => request<{ id: string; version: number }>('POST', `/api/processes/${enc(id)}/publish`, { headers: { 'if-match': `"${revision}"` } }),
  /** Moves a record; every call carries a fresh Idempotency-Key (a retry with other data is another request). */
  transition: (type: string, id: string, version: number, body: { to: string; transition?: string; data?: Record<string, unknown> }) =>
    request<TransitionResult | HeldTransition>('POST', `/api/records/${enc(type)}/${enc(id)}/transitions`, { json: body, headers: { 'if-match': `"${version}"`, 'idempotency-key': newKey() } }),
  /** The moves open to the caller from the record's stage in its pinned version, checks already run. */
  available: (type: string, id: string, signal?: AbortSignal) => request<AvailableTransitions>('GET', `/api/records/${enc(type)}/${enc(id)}/transitions`, signal ? { signal } : {}),
  /** Dry run (default) or application of a version migration; `limit` bounds the records moved by one call. */
  migrate: (id: string, body: { fromVersion: number; toVersion: number; stageMapping?: Record<string, string>; dryRun: boolean; limit?: number }) => request<MigrationReport>('POST', `/api/processes/${enc(id)}/migrations`, { json: body }),
  history: (type: string, id: string, signal?: AbortSignal) => request<{ items: StageStay[] }>('GET', `/api/records/${enc(type)}/${enc(id)}/history`, signal ? { signal } : {}),
  stays: (ids: readonly string[], signal?: AbortSignal) => request<{ items: OpenStay[] }>('GET', staysPath(ids), signal ? { signal } : {}),
  users: (signal?: AbortSignal) => request<{ items: UserInfo[] }>('GET', '/api/users', signal ? { signal } : {}),
  orgUnits: (signal?: AbortSignal) => request<{ items: OrgUnitInfo[] }>('GET', '/api/org-units', signal ? { signal } : {}),
};
