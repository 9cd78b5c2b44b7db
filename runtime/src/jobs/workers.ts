import { hostname } from 'node:os';
import type PgBoss from 'pg-boss';
import type { SlaJob } from '../process/history';
import type { ProcessDefinitions } from '../process/definitions';
import { actionKey, type ActionJob } from '../process/transition';
import { PermanentActionError, runAction, type ActionEnv } from './actions';
import { DEFAULT_IDEMPOTENCY_TTL_MS, sweepIdempotencyKeys } from '../process/idempotency';
import { compactStageCounts } from '../records/stage-column';
import { QUEUES, type JobQueue, type MaintenanceJob } from './queue';
import { recordIncident } from './recipients';
import { handleSlaJob } from './sla';

/** Counters a test or an operator can read. */
export interface WorkerStats {
  actionsRun: number;
  actionsFailed: number;
  breaches: number;
  /** Expired idempotency keys this process's maintenance jobs deleted. */
  keysSwept: number;
}

/** Retention of what the maintenance job sweeps. */
export interface MaintenanceOptions {
  /** Idempotency keys older than this are deleted (default 24 hours). */
  idempotencyTtlMs: number;
}

/**
 * The workers of one runtime process: action jobs (each transition's actions in order; a
 * failing action makes pg-boss retry the job with backoff, finished actions are skipped; on the
 * last attempt the failure becomes an incident and the remaining actions still run) and SLA
 * timers, and the maintenance job pg-boss's clock sends every 15 minutes (deletes idempotency
 * keys older than their retention). Any number of processes may run workers on one database.
 *
 * @example
 * ```ts
 * const workers = new Workers(queue, env, definitions);
 * await workers.start(2);
 * ```
 */
export class Workers {
  readonly id = `${hostname()}:${process.pid}`;
  readonly stats: WorkerStats = { actionsRun: 0, actionsFailed: 0, breaches: 0, keysSwept: 0 };
  #ids: string[] = [];

  constructor(
    readonly queue: JobQueue,
    readonly env: ActionEnv,
    readonly definitions: ProcessDefinitions,
    readonly log: (line: string) => void = () => {},
    readonly maintenance: MaintenanceOptions = { idempotencyTtlMs: DEFAULT_IDEMPOTENCY_TTL_MS },
  ) {}

  async start(concurrency = 2): Promise<void> {
    if (this.#ids.length > 0) return;
    const boss = this.queue.boss;
    const polling = { pollingIntervalSeconds: this.queue.options.pollingIntervalSeconds, includeMetadata: true } as const;
    // pg-boss waits a polling interval after every fetch, even one that found a job, so a
    // worker process that no runtime wakes (PIPEWRIGHT_WORKERS=0 on the runtimes) would run at
    // most one job per worker per interval. A worker that found a job asks for the next at once
    // (notifyWorker) and waits the interval only when the queue is empty.
    for (let i = 0; i < concurrency; i++) {
      this.#ids.push(await boss.work<ActionJob>(QUEUES.actions, polling, async (jobs) => {
        for (const job of jobs) await this.#runActions(job);
        const id = this.#ids[2 * i];
        if (jobs.length > 0 && id) boss.notifyWorker(id);
      }));
      this.#ids.push(await boss.work<SlaJob>(QUEUES.sla, polling, async (jobs) => {
        for (const job of jobs) if ((await handleSlaJob(this.env.db, this.definitions, job.data, this.id)) === 'breached') this.stats.breaches++;
        const id = this.#ids[2 * i + 1];
        if (jobs.length > 0 && id) boss.notifyWorker(id);
      }));
    }
    this.#ids.push(await boss.work<MaintenanceJob>(QUEUES.maintenance, polling, async (jobs) => {
      for (const job of jobs) if (job.data.task === 'sweep') await this.sweep();
    }));
  }

  /**
   * Deletes the idempotency keys older than their retention (by the runtime's clock); what the
   * maintenance job runs. Returns how many were deleted.
   *
   * @example
   * ```ts
   * await workers.sweep(); // 42
   * ```
   */
  async sweep(): Promise<number> {
    const n = await sweepIdempotencyKeys(this.env.db, new Date(this.env.now().getTime() - this.maintenance.idempotencyTtlMs));
    this.stats.keysSwept += n;
    if (n > 0) this.log(`maintenance: deleted ${n} expired idempotency key(s)`);
    // Board counters: fold the deltas appended since the last run (counts also do when many piled up).
    await compactStageCounts(this.env.db);
    return n;
  }

  /** Wakes the local workers (after a local commit) instead of waiting for the next poll. */
  wake(): void {
    for (const id of this.#ids) this.queue.boss.notifyWorker(id);
  }

  async stop(): Promise<void> {
    const names = new Set(Object.values(QUEUES));
    this.#ids = [];
    for (const name of names) await this.queue.boss.offWork(name);
  }

  async #runActions(job: PgBoss.JobWithMetadata<ActionJob>): Promise<void> {
    const lastAttempt = job.retryCount >= job.retryLimit;
    for (const listed of job.data.actions) {
      const action = { ...listed, key: actionKey(job.data, listed) };
      try {
        if (await runAction(this.env, job.data, action)) this.stats.actionsRun++;
      } catch (err) {
        const permanent = err instanceof PermanentActionError;
        if (!permanent && !lastAttempt) throw err;
        this.stats.actionsFailed++;
        const message = (err as Error).message;
        this.log(`action ${action.key} (${action.type}) failed for good after ${job.retryCount + 1} attempt(s): ${message}`);
        const at = this.env.now();
        await recordIncident(this.env.db, { kind: action.type === 'core.webhook' ? 'webhook-failed' : 'action-failed', key: `action:${action.key}`, recordId: job.data.record.id, message, details: { action, attempts: job.retryCount + 1, transition: job.data.transition, process: job.data.process }, at });
        await this.env.db.insertInto('action_runs').values({ key: action.key, record_id: job.data.record.id, action_type: action.type, status: 'failed', result: null, error: message.slice(0, 2000), attempts: job.retryCount + 1, finished_at: at }).onConflict((oc) => oc.column('key').doNothing()).execute();
      }
    }
  }
}
