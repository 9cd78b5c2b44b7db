import type { Registry } from '@pipewright/core';
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../db/database';
import type { Database } from '../db/tables';
import { NO_PRIVATE, type PrivateAllowList } from '../jobs/destination';
import type { PluginPort } from '../jobs/actions';
import { JobQueue, queueOptions } from '../jobs/queue';
import { Workers } from '../jobs/workers';
import type { RecordStore } from '../records/store';
import { ProcessDefinitions } from './definitions';
import { PipelineQueries } from './queries';
import { ProcessStageGate } from './stage-gate';
import { ApprovalService } from './approvals';
import { EntityApprovals } from './edit-approvals';
import { TransitionService } from './transition';

/** Everything the process API and the workers share in one runtime process. */
export interface ProcessRuntime {
  db: Kysely<Database>;
  registry: Registry;
  store: RecordStore;
  definitions: ProcessDefinitions;
  transitions: TransitionService;
  /** Moves held for approvers (ADR 027). */
  approvals: ApprovalService;
  queries: PipelineQueries;
  queue: JobQueue;
  /** Set once {@link ProcessRuntime.startWorkers} ran. */
  workers: Workers | null;
  now: () => Date;
  /** Starts this process's action and SLA workers. */
  startWorkers(concurrency?: number): Promise<Workers>;
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

export interface ProcessRuntimeOptions {
  database: DatabaseHandle;
  registry: Registry;
  store: RecordStore;
  /** PostgreSQL schema of the platform; the job queue lives there too (else in `pgboss`). */
  schema?: string;
  url?: string;
  /** Environment for queue tuning (PIPEWRIGHT_JOB_*) and webhook secrets. */
  env: Record<string, string | undefined>;
  log?: (line: string) => void;
  now?: () => Date;
  /** How long Idempotency-Key responses are replayed, in hours (default 24); older keys are swept. */
  idempotencyTtlHours?: number;
  /** Non-public destinations webhooks may reach (default: none). */
  webhookAllowPrivate?: PrivateAllowList;
  /** Plugin services for action handlers, and plugin job workers started and stopped with the others. */
  plugins?: PluginPort;
}

/**
 * Opens the job queue, adds the processes plugins ship as drafts, and wires definitions,
 * transitions and pipeline queries. Workers start separately (`startWorkers`), so an API-only
 * process can run without them.
 *
 * @example
 * ```ts
 * const processes = await createProcessRuntime({ database, registry, store, env: process.env });
 * await processes.startWorkers();
 * ```
 */
export async function createProcessRuntime(o: ProcessRuntimeOptions): Promise<ProcessRuntime> {
  const now = o.now ?? (() => new Date());
  const db = o.database.db;
  const definitions = new ProcessDefinitions(db, o.registry, now);
  await definitions.syncPluginProcesses();
  const options = queueOptions(o.env);
  const idempotencyTtlMs = (o.idempotencyTtlHours ?? 24) * 3600_000;
  const queue = await JobQueue.open(o.database, { ...options, schema: o.schema ?? 'pgboss', ...(o.url ? { url: o.url } : {}) });
  o.store.stages = new ProcessStageGate(definitions, queue);
  o.store.edits = new EntityApprovals(o.registry);
  const transitions = new TransitionService(db, o.registry, o.store, definitions, queue, now, recordCacheSize(o.env), idempotencyTtlMs);
  const rt: ProcessRuntime = {
    db,
    registry: o.registry,
    store: o.store,
    definitions,
    transitions,
    approvals: new ApprovalService(db, o.registry, transitions, now, o.store),
    queries: new PipelineQueries(db, o.store),
    queue,
    workers: null,
    now,
    async startWorkers(concurrency = Number(o.env.PIPEWRIGHT_WORKERS ?? 2)) {
      if (!rt.workers) {
        const env = { db, registry: o.registry, store: o.store, env: o.env, now, webhookTimeoutMs: Number(o.env.PIPEWRIGHT_WEBHOOK_TIMEOUT_MS ?? 10_000), webhookAllowPrivate: o.webhookAllowPrivate ?? NO_PRIVATE, ...(o.plugins ? { plugins: o.plugins } : {}) };
        rt.workers = new Workers(queue, env, definitions, o.log, { idempotencyTtlMs });
        await rt.workers.start(concurrency);
        await o.plugins?.startWorkers();
      }
      return rt.workers;
    },
    async stopWorkers() {
      await o.plugins?.stopWorkers();
      await rt.workers?.stop();
      rt.workers = null;
    },
    async close() {
      await rt.stopWorkers();
      await queue.close();
    },
  };
  return rt;
}

/** PIPEWRIGHT_RECORD_CACHE: records kept for transitions (default 5000; 0 turns the cache off). */
function recordCacheSize(env: Record<string, string | undefined>): number {
  const raw = env.PIPEWRIGHT_RECORD_CACHE;
  if (raw === undefined) return 5000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`PIPEWRIGHT_RECORD_CACHE must be a whole number >= 0; got "${raw}"`);
  return n;
}
