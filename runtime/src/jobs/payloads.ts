import { createHash } from 'node:crypto';
import type { CompiledProcess } from '@pipewright/core';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/tables';

// The payloads of the platform's job queues and what their workers need of the process runtime.
// The process runtime writes these jobs; the workers here read them without importing it (the
// layer rule "jobs-not-process", .dependency-cruiser.cjs).

/** Payload of an action job: everything a worker needs, fixed at the time of the transition. */
export interface ActionJob {
  historyId: string;
  record: { id: string; type: string };
  process: { id: string; version: number };
  transition: string;
  from: string | null;
  to: string;
  actor: string;
  at: string;
  /**
   * The transition's actions in order. `id` is the action's id (or its index); the action's
   * idempotency key is `<historyId>:<id>`. Jobs written before 2026-11 carry the `key` itself.
   */
  actions: { id?: string; key?: string; type: string; config: Record<string, unknown> }[];
  /** Attempts made before this job (an action retried on its own after failing in a chain). */
  priorAttempts?: number;
}

/**
 * The idempotency key of an action of a job.
 *
 * @example
 * ```ts
 * actionKey({ historyId: '42' }, { id: 'notify', type: 'core.notify', config: {} }); // '42:notify'
 * ```
 */
export function actionKey(job: Pick<ActionJob, 'historyId'>, action: ActionJob['actions'][number]): string {
  return action.key ?? `${job.historyId}:${action.id ?? ''}`;
}

/**
 * A stable UUID (version-5 layout) from a name, so what an action creates from its idempotency
 * key (an activity, a plugin's record) always has the same id and a repeated delivery finds it.
 *
 * @example
 * ```ts
 * stableUuid('sla:42:breach'); // '5c0f...-5...'
 * ```
 */
export function stableUuid(name: string): string {
  const h = createHash('sha1').update(`pipewright:${name}`).digest('hex');
  const variant = ((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** Payload of an SLA timer job. */
export interface SlaJob {
  historyId: string;
  kind: 'breach' | 'warn';
}

/** What the SLA timers read of a process version (its stages); the process runtime's `ProcessDefinitions` implements it. */
export interface StageDefinitions {
  version(id: string, version: number, db?: Kysely<Database> | Transaction<Database>): Promise<CompiledProcess>;
}
