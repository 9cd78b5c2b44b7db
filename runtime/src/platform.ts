import { loadPlugins, type Registry } from '@pipewright/core';
import type { Hono } from 'hono';
import { RateLimiter } from './auth/rate-limit';
import type { Config } from './config';
import { DashboardStore } from './dashboards/store';
import { openDatabase, type DatabaseHandle } from './db/database';
import { ensureEntityIndexes } from './db/entity-indexes';
import { createApp } from './http/app';
import type { Lifecycle } from './http/routes/health';
import type { AppEnv } from './http/context';
import { noticePluginChanges, type PluginChanges } from './plugins/changes';
import { BUILTIN_PLUGINS_DIR, discoverPluginDirs, folderSource } from './plugins/folder-source';
import { MetricService } from './metrics/service';
import { PluginHost } from './plugins/host';
import { ensureMetricStatistics } from './metrics/statistics';
import { createProcessRuntime, type ProcessRuntime } from './process/runtime';
import { RecordStore } from './records/store';

export interface Platform {
  config: Config;
  registry: Registry;
  database: DatabaseHandle;
  store: RecordStore;
  /** Process definitions, transitions, the job queue and (once started) the workers. */
  processes: ProcessRuntime;
  /** The metric engine (dashboards, OKR key results, scorecards and forecasts read from it). */
  metrics: MetricService;
  /** Stored dashboards (plugin defaults added on start). */
  dashboards: DashboardStore;
  /** Plugin services, hooks, visibility rules, routes, jobs and schedules. */
  plugins: PluginHost;
  app: Hono<AppEnv>;
  /** Set `draining` when asked to stop, so `/ready` turns the load balancer away. */
  lifecycle: Lifecycle;
  /** What this start noticed plugins changed since the previous start (new drafts, entity checks). */
  pluginChanges: PluginChanges;
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** PostgreSQL schema to use (tests isolate suites this way). */
  schema?: string;
  log?: (line: string) => void;
  now?: () => Date;
  /** Folder of the built-in plugins (default: the repository's `plugins/`; the packed SDK ships its own built copy). */
  builtinPluginsDir?: string;
}

/**
 * Loads the built-in and configured plugins, opens and migrates the database, creates entity
 * indexes and builds the HTTP app. Nothing listens yet.
 *
 * @example
 * ```ts
 * const platform = await createPlatform(loadConfig(process.env));
 * serve({ fetch: platform.app.fetch, port: platform.config.port });
 * ```
 */
export async function createPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const dirs = discoverPluginDirs([options.builtinPluginsDir ?? BUILTIN_PLUGINS_DIR, ...config.pluginDirs]);
  const registry = await loadPlugins(dirs.map(folderSource));
  const database = await openDatabase({
    ...(config.databaseUrl ? { url: config.databaseUrl, poolSize: config.databasePoolSize } : config.dataDir === 'memory' ? {} : { dataDir: config.dataDir }),
    ...(options.schema ? { schema: options.schema } : {}),
  });
  try {
    await ensureEntityIndexes(database.db, registry, { concurrent: database.backend === 'postgres', ...(options.schema ? { schema: options.schema } : {}) });
    await ensureMetricStatistics(database.db, registry);
  } catch (err) {
    await database.close();
    throw err;
  }
  const store = new RecordStore(database.db, registry, options.now);
  // The host needs the job queue the process runtime opens; the runtime needs the host's
  // services for action handlers and starts its job workers: bound once both exist.
  let plugins: PluginHost | undefined;
  const pluginPort = {
    services: (...args: Parameters<PluginHost['services']>) => (plugins as PluginHost).services(...args),
    startWorkers: () => plugins?.startWorkers() ?? Promise.resolve(),
    stopWorkers: () => plugins?.stopWorkers() ?? Promise.resolve(),
  };
  let processes: ProcessRuntime;
  try {
    processes = await createProcessRuntime({ database, registry, store, env: process.env, plugins: pluginPort, idempotencyTtlHours: config.idempotencyTtlHours, webhookAllowPrivate: config.webhookAllowPrivate, ...(options.schema ? { schema: options.schema } : {}), ...(config.databaseUrl ? { url: config.databaseUrl } : {}), ...(options.log ? { log: options.log } : {}), ...(options.now ? { now: options.now } : {}) });
  } catch (err) {
    await database.close();
    throw err;
  }
  let pluginChanges: PluginChanges;
  try {
    pluginChanges = await noticePluginChanges(database.db, registry, processes.definitions, options.log ?? ((line) => console.log(line)), store.now);
  } catch (err) {
    await processes.close();
    await database.close();
    throw err;
  }
  const metrics = new MetricService({ db: database.db, registry, access: store.access, timeZone: config.timeZone, now: store.now });
  try {
    plugins = new PluginHost({ registry, store, metrics, queue: processes.queue, transitions: processes.transitions, env: config.pluginEnv, now: store.now, log: options.log ?? ((line) => console.error(line)) });
    await plugins.start();
  } catch (err) {
    await processes.close();
    await database.close();
    throw err;
  }
  const dashboards = new DashboardStore(database.db, registry, config.timeZone, store.now, new Map(metrics.list().map((m) => [m.id, { entity: m.entity, dimensions: m.dimensions.map((d) => d.name), grains: m.grains }])));
  try {
    await dashboards.syncPluginDashboards();
  } catch (err) {
    await processes.close();
    await database.close();
    throw err;
  }
  const limiter = new RateLimiter(database.db, store.now, config.rateLimitSyncMs);
  const lifecycle: Lifecycle = { draining: false };
  const app = createApp({ config, registry, database, store, processes, metrics, dashboards, plugins, limiter, lifecycle, ...(options.log ? { log: options.log } : {}) });
  const close = async () => {
    await limiter.close();
    await processes.close();
    await database.close();
  };
  return { config, registry, database, store, processes, metrics, dashboards, plugins, app, lifecycle, pluginChanges, close };
}
