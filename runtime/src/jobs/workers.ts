import { hostname } from 'node:os';
import type PgBoss from 'pg-boss';
import type { SlaJob } from '../process/history';
import type { ProcessDefinitions } from '../process/definitions';
import { actionKey, type ActionJob } from '../process/transition';
import { PermanentActionError, runAction, type ActionEnv } from './actions';
import { QUEUES, type JobQueue } from './queue';
import { recordIncident } from './recipients';
import { handleSlaJob } from './sla';

/** Counters a test or an operator can read. */
export interface WorkerStats {
  actionsRun: number;
  actionsFailed: number;
  breaches: number;
}

/**
 * The workers of one runtime process: action jobs (each transition's actions in order; a
 * failing action makes pg-boss retry the job with backoff, finished actions are skipped; on the
 * last attempt the failure becomes an incident and the remaining actions still run) and SLA
 * timers. Any number of processes may run workers on one database.
 *
 * @example
 * ```ts
 * const workers = new Workers(queue, env, definitions);
 * await workers.start(2);
 * ```
 */
export class Workers {
  readonly id = `${hostname()}:${process.pid}`;
  readonly stats: WorkerStats = { actionsRun: 0, actionsFailed: 0, breaches: 0 };
  #ids: string[] = [];

  constructor(
    readonly queue: JobQueue,
    readonly env: ActionEnv,
    readonly definitions: ProcessDefinitions,
    readonly log: (line: string) => void = () => {},
  ) {}

  async start(concurrency = 2): Promise<void> {
    if (this.#ids.length > 0) return;
    const boss = this.queue.boss;
    const polling = { pollingIntervalSeconds: this.queue.options.pollingIntervalSeconds, includeMetadata: true } as const;
    for (let i = 0; i < concurrency; i++) {
      this.#ids.push(await boss.work<ActionJob>(QUEUES.actions, polling, async (jobs) => {
        for (const job of jobs) await this.#runActions(job);
      }));
      this.#ids.push(await boss.work<SlaJob>(QUEUES.sla, polling, async (jobs) => {
        for (const job of jobs) if ((await handleSlaJob(this.env.db, this.definitions, job.data, this.id)) === 'breached') this.stats.breaches++;
      }));
    }
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
