import PgBoss from 'pg-boss';
import { CompiledQuery, sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DatabaseHandle } from '../db/database';
import { withSchemaLock } from '../db/migration-lock';
import type { Database } from '../db/tables';

/**
 * Queue names (pg-boss: letters, digits, underscores).
 *
 * @example
 * ```ts
 * await queue.send(QUEUES.sla, { historyId, kind: 'breach' }, { startAfter: dueAt });
 * ```
 */
export const QUEUES = { actions: 'pw_actions', sla: 'pw_sla', maintenance: 'pw_maintenance' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * When pg-boss's clock sends the maintenance job (cron, UTC): every 15 minutes. pg-boss sends
 * one job per tick however many runtimes share the database, and the maintenance queue's
 * `stately` policy keeps at most one waiting and one running, so one worker at a time runs it.
 *
 * @example
 * ```ts
 * await boss.schedule(QUEUES.maintenance, MAINTENANCE_CRON, { task: 'sweep' });
 * ```
 */
export const MAINTENANCE_CRON = '*/15 * * * *';

/** Payload of a maintenance job: `sweep` removes expired data (idempotency keys). */
export interface MaintenanceJob {
  task: 'sweep';
}

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
  /**
   * Jobs a worker fetches at once and runs concurrently. A worker that fetched a full batch
   * fetches again at once, so a backlog drains without waiting for the polling interval.
   */
  batchSize: number;
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
    batchSize: Math.round(num('PIPEWRIGHT_JOB_BATCH_SIZE', 8, 1)),
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
/** A job written by {@link JobQueue.insertFrom} as part of a bigger statement. */
export interface StatementJob {
  name: QueueName;
  /** Payload; the statement may add members computed in SQL (see `insertFrom`). */
  data: Record<string, unknown>;
  /** When the job may start (default: now). */
  startAfter?: Date;
}

export class JobQueue {
  private constructor(
    readonly boss: PgBoss,
    readonly options: QueueOptions,
    /** PostgreSQL schema of pg-boss's tables. */
    readonly schema: string,
    /** The platform's database (for the queue-creation lock). */
    private readonly database: DatabaseHandle,
  ) {}

  static async open(database: DatabaseHandle, o: QueueOptions & { schema: string; url?: string }): Promise<JobQueue> {
    const common = {
      schema: o.schema,
      migrate: true,
      supervise: true,
      // pg-boss's clock (cron) sends the maintenance job; see MAINTENANCE_CRON.
      schedule: true,
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
    const queue = new JobQueue(boss, o, o.schema, database);
    await queue.ensureQueues([{ name: QUEUES.actions }, { name: QUEUES.sla }, { name: QUEUES.maintenance, policy: 'stately' }]);
    await boss.schedule(QUEUES.maintenance, MAINTENANCE_CRON, { task: 'sweep' } satisfies MaintenanceJob);
    return queue;
  }

  /**
   * Creates the queues that do not exist yet, one process at a time. pg-boss 10's
   * `createQueue` takes no lock: two processes creating the same queue at once deadlock inside
   * its `create_queue` function (one waits on the other's `queue` row, the other on the `queue`
   * table for the partition's foreign key), and runtimes starting together on an empty
   * database did exactly that. The queues are created under a cross-process advisory lock
   * (taken by polling, as the migration lock: a waiting process holds nothing), and a process
   * that gets the lock after another first finds the queues there.
   *
   * @example
   * ```ts
   * await queue.ensureQueues([{ name: 'pwp_acme__digest' }, { name: 'pw_maintenance', policy: 'stately' }]);
   * ```
   */
  async ensureQueues(queues: readonly { name: string; policy?: 'standard' | 'stately' }[]): Promise<void> {
    const missing = async () => {
      const existing = new Set((await this.boss.getQueues()).map((q) => q.name));
      return queues.filter((q) => !existing.has(q.name));
    };
    const create = async () => {
      for (const q of await missing()) await this.boss.createQueue(q.name, { name: q.name, ...(q.policy ? { policy: q.policy } : {}) });
    };
    if (!(await missing()).length) return;
    // PGlite has one process (the data-dir lock) and one connection, which the lock would pin.
    if (this.database.backend !== 'postgres') return create();
    await withSchemaLock(this.database.db as Kysely<unknown>, `pg-boss queues:${this.schema}`, create);
  }

  /** Sends a job (platform queues, and plugin job kinds: `pwp_<plugin>__<kind>`), inside the caller's transaction when `db` is given. */
  async send(name: QueueName | `pwp_${string}`, data: object, options: PgBoss.SendOptions & { db?: Executor } = {}): Promise<string | null> {
    return this.boss.send(name, data, { retryLimit: this.options.retryLimit, retryDelay: this.options.retryDelaySeconds, retryBackoff: true, expireInSeconds: this.options.expireInSeconds, ...options } as PgBoss.SendOptions);
  }

  /**
   * An `insert` into pg-boss's job table to use as one step of a bigger data-modifying statement
   * (a CTE), so jobs are written by the same statement as the change that causes them: one
   * round trip instead of one per job, and atomic without an explicit transaction. One job row
   * is written per row of `source` (a CTE name) per job; `extra` is SQL over `source` whose
   * jsonb object is merged into every payload (e.g. an id the statement generates).
   *
   * The row is what {@link send} writes (pg-boss 10's `insertJob` with this queue's options:
   * retry limit, exponential backoff from the retry delay, expiry, the queue's retention and
   * policy); a test compares the two column by column.
   *
   * @example
   * ```ts
   * sql`with opened as (insert into stage_history ... returning id), jobs as (${queue.insertFrom('opened', jobs, sql`jsonb_build_object('historyId', opened.id::text)`)}) select ...`
   * ```
   */
  insertFrom(source: string, jobs: readonly StatementJob[], extra: RawBuilder<unknown>): RawBuilder<unknown> {
    const rows = JSON.stringify(jobs.map((j) => ({ name: j.name, data: j.data, start_after: j.startAfter?.toISOString() ?? null })));
    const o = this.options;
    const src = sql.table(source);
    const job = sql.table(`${this.schema}.job`);
    const queue = sql.table(`${this.schema}.queue`);
    return sql`insert into ${job} (id, name, data, priority, start_after, singleton_key, singleton_on, dead_letter, expire_in, keep_until, retry_limit, retry_delay, retry_backoff, policy)
      select gen_random_uuid(), j.name, j.data || ${extra}, 0, j.start_after, null, null, q.dead_letter, ${o.expireInSeconds}::numeric * interval '1s',
        j.start_after + cast(coalesce((q.retention_minutes * 60)::text, '14 days') as interval), ${o.retryLimit}::int, greatest(${o.retryDelaySeconds}::int, 1), true, q.policy
      from ${src} cross join (select x.name, x.data, coalesce(x.start_after, now()) as start_after from jsonb_to_recordset(${rows}::jsonb) as x (name text, data jsonb, start_after timestamptz)) j
      join ${queue} q on q.name = j.name`;
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 5000 });
  }
}
