import { hostname } from 'node:os';
import type PgBoss from 'pg-boss';
import { actionKey, type ActionJob, type SlaJob, type StageDefinitions } from './payloads';
import { PermanentActionError, runAction, type ActionEnv } from './actions';
import { DEFAULT_IDEMPOTENCY_TTL_MS, sweepIdempotencyKeys } from './idempotency-sweep';
import { compactStageCounts } from '../records/stage-column';
import { escalateApprovals } from './approval-timeouts';
import { QUEUES, type JobQueue, type MaintenanceJob, type QueueName } from './queue';
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
    readonly definitions: StageDefinitions,
    readonly log: (line: string) => void = () => {},
    readonly maintenance: MaintenanceOptions = { idempotencyTtlMs: DEFAULT_IDEMPOTENCY_TTL_MS },
  ) {}

  async start(concurrency = 2): Promise<void> {
    if (this.#ids.length > 0) return;
    for (let i = 0; i < concurrency; i++) {
      await this.#work<ActionJob>(QUEUES.actions, (job) => this.#runActions(job));
      await this.#work<SlaJob>(QUEUES.sla, async (job) => {
        if ((await handleSlaJob(this.env.db, this.definitions, job.data, this.id)) === 'breached') this.stats.breaches++;
      });
    }
    await this.#work<MaintenanceJob>(QUEUES.maintenance, async (job) => {
      if (job.data.task === 'sweep') await this.sweep();
    });
  }

  /**
   * One pg-boss worker: fetches up to `batchSize` jobs, runs them concurrently, and fails only
   * the jobs whose handler threw (pg-boss retries those with backoff; it completes the rest).
   * pg-boss waits a polling interval after every fetch, even one that found jobs, so a worker
   * process that no runtime wakes (PIPEWRIGHT_WORKERS=0 on the runtimes) would run one batch per
   * interval: a worker that found jobs fetches again at once, and waits the interval only when
   * the queue is empty. A backlog drains as fast as jobs run; an idle queue costs one poll per
   * interval.
   */
  async #work<T extends object>(name: QueueName, run: (job: PgBoss.JobWithMetadata<T>) => Promise<void>): Promise<void> {
    const boss = this.queue.boss;
    const { pollingIntervalSeconds, batchSize } = this.queue.options;
    let id = '';
    id = await boss.work<T>(name, { pollingIntervalSeconds, batchSize, includeMetadata: true }, async (jobs) => {
      await Promise.all(
        jobs.map(async (job) => {
          try {
            await run(job);
          } catch (err) {
            await boss.fail(name, job.id, { message: (err as Error).message });
          }
        }),
      );
      if (jobs.length > 0) boss.notifyWorker(id);
    });
    this.#ids.push(id);
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
    // Approval requests waiting past their timeout escalate, once each (ADR 028).
    const escalated = await escalateApprovals(this.env.db, this.env.now());
    if (escalated > 0) this.log(`maintenance: escalated ${escalated} overdue approval request(s)`);
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

  /**
   * Runs a job's actions in order. An action that fails for now does not hold the others back:
   * in a job of several actions it moves to a job of its own (same idempotency key, the
   * remaining retries, the next backoff delay) and the chain goes on at once, so it delays the
   * actions after it by no more than its own timeout. A job of one action that fails for now
   * throws, and pg-boss retries it. On the last attempt, or at once for a permanent failure,
   * the failure becomes an incident.
   */
  async #runActions(job: PgBoss.JobWithMetadata<ActionJob>): Promise<void> {
    const lastAttempt = job.retryCount >= job.retryLimit;
    const attempts = (job.data.priorAttempts ?? 0) + job.retryCount + 1;
    for (const listed of job.data.actions) {
      const action = { ...listed, key: actionKey(job.data, listed) };
      try {
        if (await runAction(this.env, job.data, action)) this.stats.actionsRun++;
      } catch (err) {
        const permanent = err instanceof PermanentActionError;
        if (!permanent && !lastAttempt) {
          if (job.data.actions.length === 1) throw err;
          await this.#retryAlone(job, listed, attempts);
          continue;
        }
        this.stats.actionsFailed++;
        const message = (err as Error).message;
        this.log(`action ${action.key} (${action.type}) failed for good after ${attempts} attempt(s): ${message}`);
        const at = this.env.now();
        await recordIncident(this.env.db, { kind: action.type === 'core.webhook' ? 'webhook-failed' : 'action-failed', key: `action:${action.key}`, recordId: job.data.record.id, message, details: { action, attempts, transition: job.data.transition, process: job.data.process }, at });
        await this.env.db.insertInto('action_runs').values({ key: action.key, record_id: job.data.record.id, action_type: action.type, status: 'failed', result: null, error: message.slice(0, 2000), attempts, finished_at: at }).onConflict((oc) => oc.column('key').doNothing()).execute();
      }
    }
  }

  /** Sends one failed action of a chain as a job of its own, with the retries it has left. */
  async #retryAlone(job: PgBoss.JobWithMetadata<ActionJob>, action: ActionJob['actions'][number], attempts: number): Promise<void> {
    const o = this.queue.options;
    const delay = o.retryDelaySeconds * 2 ** job.retryCount;
    const alone: ActionJob = { ...job.data, actions: [{ ...action, key: actionKey(job.data, action) }], priorAttempts: attempts };
    await this.queue.send(QUEUES.actions, alone, { retryLimit: Math.max(0, job.retryLimit - job.retryCount - 1), startAfter: Math.max(1, Math.round(delay)) });
  }
}
