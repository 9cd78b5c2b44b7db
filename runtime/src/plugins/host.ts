import { PipewrightError, ValidationError, isPipewrightError, type HookServices, type PluginLogger, type PluginServices, type RecordHooks, type Registry } from '@pipewright/core';
import type { Transaction } from 'kysely';
import { systemPrincipal, type Principal } from '../auth/principal';
import type { Database } from '../db/tables';
import type { JobQueue } from '../jobs/queue';
import type { TransitionService } from '../process/transition';
import { MetricService } from '../metrics/service';
import type { RecordStore, WriteChange, WriteHooks } from '../records/store';
import type { RecordView } from '../records/view';
import { callerOf } from './caller';
import { PluginComputed } from './computed';
import { pluginDirectory, pluginHistory, pluginNotifications } from './directory';
import { readPluginConfig } from './config';
import { pluginJobs, pluginQueue, syncPluginQueues, type PluginJobData } from './jobs';
import { boundRecords, pluginRecord } from './records';
import { installVisibility } from './visibility';
import { resolveRule } from '../rules/saved-rules';

export interface PluginHostOptions {
  registry: Registry;
  store: RecordStore;
  metrics: MetricService;
  queue: JobQueue;
  env: Record<string, string | undefined>;
  now: () => Date;
  log: (line: string) => void;
  /** Stage moves for `records.move` (absent: the service answers 503). */
  transitions?: TransitionService;
}

type HookName = keyof RecordHooks;

/**
 * Where plugin code meets the platform: builds the services each piece of plugin code gets
 * (records through the one writer, metrics, clock, logger, jobs, the org directory, stage
 * history, notifications, configuration, bound to who
 * acts and to the caller's transaction), runs record hooks inside writes (the record store's
 * {@link WriteHooks} port), installs visibility rules in the access policy, and runs plugin
 * jobs and schedules on the job queue. Routes are mounted from it by `mountPluginRoutes`.
 *
 * @example
 * ```ts
 * const host = new PluginHost({ registry, store, metrics, queue, env: process.env, now, log });
 * await host.start();
 * host.services('acme_visits', principal).records.list('acme_visits.visit');
 * ```
 */
export class PluginHost implements WriteHooks {
  readonly #o: PluginHostOptions;
  readonly #configs = new Map<string, Readonly<Record<string, unknown>>>();
  readonly #kinds = new Map<string, ReadonlySet<string>>();
  readonly #hooks = new Map<string, { plugin: string; hooks: RecordHooks }[]>();
  #working: string[] = [];

  constructor(o: PluginHostOptions) {
    this.#o = o;
    for (const p of o.registry.plugins) {
      const id = p.manifest.id;
      this.#configs.set(id, readPluginConfig(id, p.runtime?.config, o.env));
      this.#kinds.set(id, new Set(Object.keys(p.runtime?.jobs ?? {})));
      for (const [type, hooks] of Object.entries(p.runtime?.hooks ?? {})) this.#hooks.set(type, [...(this.#hooks.get(type) ?? []), { plugin: id, hooks }]);
    }
    if (this.#hooks.size > 0) o.store.hooks = this;
    installVisibility(o.registry, o.store.access, o.log);
    const computed = new PluginComputed(o.registry, (plugin, principal) => this.services(plugin, principal), o.log);
    if (computed.size > 0) o.store.computed = computed;
  }

  /** Creates the plugin job queues and syncs their cron schedules. */
  async start(): Promise<void> {
    await syncPluginQueues(this.#o.queue, this.#o.registry);
  }

  /**
   * The services of one plugin for one actor, inside `tx` when given.
   *
   * @example
   * ```ts
   * await host.services('acme_visits', systemPrincipal('process')).records.create('acme_visits.visit', { data });
   * ```
   */
  services(plugin: string, principal: Principal, tx?: Transaction<Database>, language?: 'en' | 'zh-CN'): PluginServices {
    const o = this.#o;
    let metrics: MetricService | undefined;
    // Inside a transaction the metric statements run on it too (PGlite has one connection).
    const metricService = () => (metrics ??= tx ? new MetricService({ ...o.metrics.options, db: tx }) : o.metrics);
    return {
      plugin,
      caller: callerOf(principal),
      records: boundRecords(o.store, principal, tx, o.transitions, language),
      metrics: { query: (request) => metricService().query(principal, request) },
      clock: { now: () => o.now() },
      log: this.logger(plugin),
      jobs: pluginJobs(o.queue, this.#kinds.get(plugin) ?? new Set(), plugin, tx),
      directory: pluginDirectory(tx ?? o.store.db),
      history: pluginHistory(o.store, principal, tx ?? o.store.db),
      notifications: pluginNotifications(tx ?? o.store.db, plugin, o.now),
      rules: {
        expand: async (logic, pointer) => (await resolveRule(tx ?? o.store.db, logic, { pointer: pointer ?? '' })).logic,
        resolve: (logic, options) => resolveRule(tx ?? o.store.db, logic, { ...options, lock: tx !== undefined }),
      },
      config: this.#configs.get(plugin) ?? {},
    };
  }

  /** A hook's services: as the writer, plus the plugin's own as `system` (built when first used). */
  #hookServices(plugin: string, actor: Principal, tx: Transaction<Database>): HookServices {
    const services = this.services(plugin, actor, tx);
    let system: PluginServices | undefined;
    return Object.defineProperty(services, 'system', { enumerable: true, get: () => (system ??= this.services(plugin, systemPrincipal(`plugin:${plugin}`), tx)) }) as HookServices;
  }

  /**
   * Tells the plugins that a user was deactivated (after the users API committed it): each
   * plugin's `users.deactivated`, dependencies first, as its system principal. A plugin that
   * fails is logged; the others still run.
   */
  async userDeactivated(userId: string): Promise<void> {
    for (const p of this.#o.registry.plugins) {
      const handler = p.runtime?.users?.deactivated;
      if (!handler) continue;
      const plugin = p.manifest.id;
      const services = this.services(plugin, systemPrincipal(`plugin:${plugin}`));
      try {
        const user = await services.directory.user(userId);
        if (user) await handler(user, services);
      } catch (err) {
        this.logger(plugin).error(`users.deactivated for ${userId} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** A logger whose lines start with `[plugin:<id>]`. */
  logger(plugin: string): PluginLogger {
    const line = (level: string) => (message: string, fields?: Record<string, unknown>) => this.#o.log(`[plugin:${plugin}] ${level} ${message}${fields ? ` ${safeJson(fields)}` : ''}`);
    return { info: line('info'), warn: line('warn'), error: line('error') };
  }

  has(type: string): boolean {
    return this.#hooks.has(type);
  }

  wants(change: WriteChange): boolean {
    return this.#wanting(change, change.data).length > 0;
  }

  /** The plugins hooking the change's entity whose `when` wants it (evaluated on `data`). */
  #wanting(change: WriteChange, data: Record<string, unknown>): { plugin: string; hooks: RecordHooks }[] {
    const all = this.#hooks.get(change.type) ?? [];
    if (!all.some((h) => h.hooks.when)) return all;
    return all.filter(({ plugin, hooks }) => {
      const when = hooks.when;
      if (!when) return true;
      try {
        return when.call(hooks, this.#change(change, data)) !== false;
      } catch (err) {
        throw this.#failed(plugin, 'when', change.type, err);
      }
    });
  }

  async beforeChange(tx: Transaction<Database>, change: WriteChange): Promise<Record<string, unknown>> {
    let data = change.data;
    for (const { plugin, hooks } of this.#wanting(change, data)) {
      if (!hooks.beforeChange) continue;
      const before = hooks.beforeChange;
      const out = await this.#run(plugin, 'beforeChange', change.type, () => before(this.#change(change, data), this.#hookServices(plugin, change.actor, tx)));
      if (out === undefined) continue;
      if (typeof out !== 'object' || out === null || Array.isArray(out)) throw this.#failed(plugin, 'beforeChange', change.type, new Error('beforeChange returned something other than a record body'));
      data = out;
    }
    return data;
  }

  async validate(tx: Transaction<Database>, change: WriteChange): Promise<void> {
    const details: { pointer: string; message: string; code: string }[] = [];
    for (const { plugin, hooks } of this.#wanting(change, change.data)) {
      if (!hooks.validate) continue;
      const validate = hooks.validate;
      const problems = await this.#run(plugin, 'validate', change.type, () => validate(this.#change(change, change.data), this.#hookServices(plugin, change.actor, tx)));
      if (problems === undefined) continue;
      if (!Array.isArray(problems)) throw this.#failed(plugin, 'validate', change.type, new Error('validate returned something other than a list of problems'));
      for (const p of problems) {
        const pointer = typeof p?.pointer === 'string' ? (p.pointer === '' || p.pointer.startsWith('/') ? p.pointer : `/data/${p.pointer}`) : '';
        details.push({ pointer, message: String(p?.message ?? 'is refused'), code: typeof p?.code === 'string' ? p.code : `${plugin}.invalid` });
      }
    }
    if (details.length > 0) {
      const verb = change.operation === 'delete' ? 'deleted' : 'saved';
      throw new ValidationError({ code: 'record.refused-by-plugin', message: `The ${change.type} record cannot be ${verb}: ${details.map((d) => `${d.pointer || '/'} ${d.message}`).join('; ')}.`, details });
    }
  }

  async afterChange(tx: Transaction<Database>, change: WriteChange & { after: RecordView }): Promise<void> {
    for (const { plugin, hooks } of this.#wanting(change, change.data)) {
      if (!hooks.afterChange) continue;
      const after = hooks.afterChange;
      await this.#run(plugin, 'afterChange', change.type, () => after({ ...this.#change(change, change.data), after: pluginRecord(change.after) }, this.#hookServices(plugin, change.actor, tx)));
    }
  }

  #change(change: WriteChange, data: Record<string, unknown>) {
    return { operation: change.operation, type: change.type, before: change.before ? pluginRecord(change.before) : null, data: structuredClone(data), ...(change.transition ? { transition: { ...change.transition } } : {}) };
  }

  /** Runs a hook: a deliberate platform error passes through; anything else is logged and answered without its text. */
  async #run<T>(plugin: string, hook: HookName, type: string, fn: () => Promise<T> | T): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isPipewrightError(err)) throw err;
      throw this.#failed(plugin, hook, type, err);
    }
  }

  #failed(plugin: string, hook: HookName, type: string, err: unknown): PipewrightError {
    this.#o.log(`[plugin:${plugin}] error ${hook} hook on ${type} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return new PipewrightError({ code: 'plugin.hook-failed', status: 500, kind: 'unexpected', plugin, message: `The ${plugin} plugin's ${hook} hook on ${type} failed, so nothing was saved. The server log has the details.`, extensions: { plugin, hook } });
  }

  /** Starts one pg-boss worker per plugin job kind; a handler that throws makes pg-boss retry the job. */
  async startWorkers(): Promise<void> {
    if (this.#working.length > 0) return;
    const { boss, options } = this.#o.queue;
    for (const p of this.#o.registry.plugins) {
      const plugin = p.manifest.id;
      for (const [kind, handler] of Object.entries(p.runtime?.jobs ?? {})) {
        const name = pluginQueue(plugin, kind);
        await boss.work<PluginJobData>(name, { pollingIntervalSeconds: options.pollingIntervalSeconds, batchSize: 1 }, async (jobs) => {
          for (const job of jobs) {
            try {
              await handler(structuredClone(job.data?.data ?? {}), this.services(plugin, systemPrincipal(`plugin:${plugin}`)));
            } catch (err) {
              this.logger(plugin).error(`job ${kind} ${job.id} failed: ${err instanceof Error ? err.message : String(err)}`);
              throw err;
            }
          }
        });
        this.#working.push(name);
      }
    }
  }

  /**
   * Runs, in process, every scheduled job kind whose schedule says `afterDemoSeed` (the demo seed
   * calls it after importing, since imports write without hooks): dependents before their
   * dependencies (reverse load order), so a plugin's job that writes into its dependency's
   * records comes before the dependency's own maintenance. Returns the kinds run as `plugin.kind`.
   */
  async runAfterDemoSeed(): Promise<string[]> {
    const ran: string[] = [];
    for (const p of [...this.#o.registry.plugins].reverse()) {
      const plugin = p.manifest.id;
      for (const [kind, schedule] of Object.entries(p.runtime?.schedules ?? {})) {
        const handler = p.runtime?.jobs?.[kind];
        if (!schedule.afterDemoSeed || !handler) continue;
        await handler(structuredClone(schedule.data ?? {}), this.services(plugin, systemPrincipal(`plugin:${plugin}`)));
        ran.push(`${plugin}.${kind}`);
      }
    }
    return ran;
  }

  async stopWorkers(): Promise<void> {
    const names = this.#working;
    this.#working = [];
    for (const name of names) await this.#o.queue.boss.offWork(name);
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return '[unserialisable]';
  }
}
