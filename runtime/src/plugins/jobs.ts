import type { EnqueueOptions, PluginJobs, Registry } from '@pipewright/core';
import type PgBoss from 'pg-boss';
import type { Transaction } from 'kysely';
import type { Database } from '../db/tables';
import { kyselyExecutor, type JobQueue } from '../jobs/queue';

/** Prefix of every plugin job queue; the platform's own queues never start with it. */
export const PLUGIN_QUEUE_PREFIX = 'pwp_';

/**
 * The pg-boss queue of one plugin job kind. One queue per kind, so each kind may carry its own
 * cron schedule (pg-boss keeps one schedule per queue).
 *
 * @example
 * ```ts
 * pluginQueue('acme_visits', 'digest'); // 'pwp_acme_visits__digest'
 * ```
 */
export const pluginQueue = (plugin: string, kind: string): `pwp_${string}` => `pwp_${plugin}__${kind}`;

/** Payload of a plugin job. */
export interface PluginJobData {
  data: Record<string, unknown>;
}

/**
 * Creates the queues of every plugin job kind and brings pg-boss's schedules in line with what
 * the plugins declare: each declared schedule is (re)set, and a plugin schedule no plugin
 * declares any more is removed. pg-boss's clock then sends one job per tick, however many
 * runtimes share the database.
 *
 * @example
 * ```ts
 * await syncPluginQueues(queue, registry);
 * ```
 */
export async function syncPluginQueues(queue: JobQueue, registry: Registry): Promise<void> {
  const declared = new Set<string>();
  await queue.ensureQueues(registry.plugins.flatMap((p) => Object.keys(p.runtime?.jobs ?? {}).map((kind) => ({ name: pluginQueue(p.manifest.id, kind) }))));
  for (const p of registry.plugins) {
    const id = p.manifest.id;
    for (const [kind, s] of Object.entries(p.runtime?.schedules ?? {})) {
      const name = pluginQueue(id, kind);
      declared.add(name);
      await queue.boss.schedule(name, s.cron.trim(), { data: s.data ?? {} } satisfies PluginJobData, { tz: s.tz ?? 'UTC' });
    }
  }
  for (const s of await queue.boss.getSchedules()) {
    if (s.name.startsWith(PLUGIN_QUEUE_PREFIX) && !declared.has(s.name)) await queue.boss.unschedule(s.name);
  }
}

/**
 * The job service of one plugin: enqueues its own job kinds, inside `tx` when given (the job
 * exists only if the transaction commits).
 *
 * @example
 * ```ts
 * await pluginJobs(queue, registry, 'acme_visits').enqueue('digest', { day: '2026-12-05' });
 * ```
 */
export function pluginJobs(queue: JobQueue, kinds: ReadonlySet<string>, plugin: string, tx?: Transaction<Database>): PluginJobs {
  return {
    async enqueue(kind: string, data: Record<string, unknown> = {}, options: EnqueueOptions = {}) {
      if (!kinds.has(kind)) throw new Error(`Plugin "${plugin}" has no job kind "${kind}"; declare a handler under definePlugin({ jobs }).`);
      const send: PgBoss.SendOptions & { db?: ReturnType<typeof kyselyExecutor> } = {
        ...(options.startAfter !== undefined ? { startAfter: options.startAfter instanceof Date ? options.startAfter : Math.max(0, Math.round(options.startAfter)) } : {}),
        ...(tx ? { db: kyselyExecutor(tx) } : {}),
      };
      return queue.send(pluginQueue(plugin, kind), { data } satisfies PluginJobData, send);
    },
  };
}
