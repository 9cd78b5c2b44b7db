import PgBoss from 'pg-boss';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { DatabaseHandle } from '../db/database';
import type { Database } from '../db/tables';

/**
 * Queue names (pg-boss: letters, digits, underscores).
 *
 * @example
 * ```ts
 * await queue.send(QUEUES.sla, { historyId, kind: 'breach' }, { startAfter: dueAt });
 * ```
 */
export const QUEUES = { actions: 'pw_actions', sla: 'pw_sla' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Tuning of the job queue; the defaults suit production, tests shorten them. */
export interface QueueOptions {
  /** Seconds a running job may take before pg-boss considers its worker dead and retries it. */
  expireInSeconds: number;
  /** Retries of a failing action job (with exponential backoff from `retryDelaySeconds`). */
  retryLimit: number;
  retryDelaySeconds: number;
  /** How often idle workers poll (pg-boss minimum 0.5 s); local sends also wake them at once. */
  pollingIntervalSeconds: number;
  /** How often expired jobs are swept (by one process at a time). */
  maintenanceIntervalSeconds: number;
}

/**
 * Reads queue tuning from the environment (PIPEWRIGHT_JOB_*).
 *
 * @example
 * ```ts
 * queueOptions({ PIPEWRIGHT_JOB_RETRY_LIMIT: '3' }).retryLimit; // 3
 * ```
 */
export function queueOptions(env: Record<string, string | undefined>): QueueOptions {
  const num = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number >= ${min}; got "${raw}"`);
    return n;
  };
  return {
    expireInSeconds: Math.round(num('PIPEWRIGHT_JOB_EXPIRE_SECONDS', 300, 1)),
    retryLimit: Math.round(num('PIPEWRIGHT_JOB_RETRY_LIMIT', 6, 0)),
    retryDelaySeconds: Math.round(num('PIPEWRIGHT_JOB_RETRY_DELAY_SECONDS', 5, 0)),
    pollingIntervalSeconds: num('PIPEWRIGHT_JOB_POLL_SECONDS', 2, 0.5),
    maintenanceIntervalSeconds: Math.round(num('PIPEWRIGHT_JOB_MAINTENANCE_SECONDS', 60, 1)),
  };
}

type Executor = { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };

/**
 * pg-boss's `db` adapter over a Kysely connection or transaction: statements run on that
 * connection, so a job sent with it commits or rolls back with the transaction.
 *
 * @example
 * ```ts
 * await db.transaction().execute(async (tx) => boss.send(QUEUES.actions, data, { db: kyselyExecutor(tx) }));
 * ```
 */
export function kyselyExecutor(db: Kysely<Database> | Transaction<Database>): Executor {
  return {
    async executeSql(text, values) {
      const result = await db.executeQuery(CompiledQuery.raw(text, values ?? []));
      return { rows: result.rows };
    },
  };
}

/**
 * pg-boss's `db` adapter on PGlite. PGlite has one connection and Kysely's PGlite driver
 * serialises access to it; every statement here first acquires that same connection, so the
 * queue never interleaves with an open transaction. Statements without parameters (pg-boss's
 * multi-statement migrations) go through `exec`, the rest through `query`.
 */
function pgliteExecutor(handle: DatabaseHandle): Executor {
  const pglite = handle.pglite;
  if (!pglite) throw new Error('not a PGlite database');
  return {
    executeSql(text, values) {
      return handle.db.connection().execute(async () => {
        if (values && values.length > 0) return { rows: (await pglite.query(text, values)).rows };
        const results = await pglite.exec(text);
        return { rows: results[results.length - 1]?.rows ?? [] };
      });
    },
  };
}

/**
 * The durable job queue: pg-boss on the platform's database (PostgreSQL directly, PGlite through
 * the serialised adapter), in the PostgreSQL schema of the platform when it has one.
 *
 * @example
 * ```ts
 * const queue = await JobQueue.open(database, { schema: 'pgboss', ...queueOptions(process.env) });
 * await queue.send(QUEUES.actions, { ... }, { db: kyselyExecutor(tx), id });
 * ```
 */
export class JobQueue {
  private constructor(
    readonly boss: PgBoss,
    readonly options: QueueOptions,
  ) {}

  static async open(database: DatabaseHandle, o: QueueOptions & { schema: string; url?: string }): Promise<JobQueue> {
    const common = {
      schema: o.schema,
      migrate: true,
      supervise: true,
      schedule: false,
      maintenanceIntervalSeconds: o.maintenanceIntervalSeconds,
      expireInSeconds: o.expireInSeconds,
      retryLimit: o.retryLimit,
      retryDelay: o.retryDelaySeconds,
      retryBackoff: true,
      archiveCompletedAfterSeconds: 3600,
      deleteAfterDays: 7,
    } as const;
    const boss = database.backend === 'pglite' ? new PgBoss({ ...common, db: pgliteExecutor(database) }) : new PgBoss({ ...common, connectionString: o.url, max: 4, application_name: 'pipewright-jobs' });
    boss.on('error', () => {
      // Connection hiccups of pg-boss's own pool; it retries. Handler failures are recorded per job.
    });
    await boss.start();
    for (const name of Object.values(QUEUES)) await boss.createQueue(name);
    return new JobQueue(boss, o);
  }

  /** Sends a job, inside the caller's transaction when `db` is given. */
  async send(name: QueueName, data: object, options: PgBoss.SendOptions & { db?: Executor } = {}): Promise<string | null> {
    return this.boss.send(name, data, { retryLimit: this.options.retryLimit, retryDelay: this.options.retryDelaySeconds, retryBackoff: true, expireInSeconds: this.options.expireInSeconds, ...options } as PgBoss.SendOptions);
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 5000 });
  }
}
