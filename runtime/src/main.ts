import { serve } from '@hono/node-server';
import { setDemoCredentials } from './auth/demo-credentials';
import { loadConfig } from './config';
import { seedDemo } from './demo/seed';
import { createPlatform } from './platform';
import { isStorageUnavailable } from './db/unavailable';
import { keepIdleConnections, type KeepAliveServer } from './http/keep-alive';

/**
 * `npm start`: loads plugins, opens the database (PGlite in PIPEWRIGHT_DATA_DIR, or PostgreSQL
 * when DATABASE_URL is set), seeds the demo on first start and prints an admin and a rep
 * credential, serves the API and the studio.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = (line: string) => console.log(line);
  // pg-boss 10 marks a finished job completed (or failed) without awaiting it, so while the
  // database is down that write rejects with nobody to catch it, and Node ends the process on an
  // unhandled rejection. Such a job stays active, expires and runs again (its effects are keyed,
  // ADR 005); the process must live on and reconnect. Any other unhandled rejection still ends it.
  process.on('unhandledRejection', (reason) => {
    if (isStorageUnavailable(reason)) {
      console.error(`Database unavailable in a background task: ${reason instanceof Error ? reason.message : String(reason)}`);
      return;
    }
    console.error(reason);
    process.exit(1);
  });
  const platform = await createPlatform(config, { log: (l) => console.error(l) });
  if (platform.database.migrated.length > 0) log(`Pipewright: applied migrations ${platform.database.migrated.join(', ')}`);
  log(`Pipewright: ${platform.registry.plugins.length} plugins, storage ${platform.database.backend}${platform.database.backend === 'pglite' ? ` (${config.dataDir})` : ''}`);
  if (config.demo) {
    const seed = await seedDemo(platform, log);
    if (seed.seeded) {
      const credentials = await setDemoCredentials(platform.database.db, config.demoPassword);
      log(`Demo sign-in (shown once; ${config.demoPassword ? 'password from PIPEWRIGHT_DEMO_PASSWORD' : 'random password, set PIPEWRIGHT_DEMO_PASSWORD to choose it'}):`);
      for (const c of credentials) log(`  ${c.role.padEnd(5)} ${c.email}  ${c.password}`);
    }
  }
  if (process.env.PIPEWRIGHT_WORKERS !== '0') {
    const workers = await platform.processes.startWorkers();
    log(`Pipewright: job workers started (${workers.id})`);
  }
  const server = serve({ fetch: platform.app.fetch, port: config.port, hostname: config.host }, (info) => {
    log(`Pipewright is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${info.port}/`);
  });
  keepIdleConnections(server as unknown as KeepAliveServer, config.keepAliveSeconds);
  server.on('error', (err: NodeJS.ErrnoException) => {
    console.error(err.code === 'EADDRINUSE' ? `Port ${config.port} on ${config.host} is in use; stop what uses it or set PORT.` : `Cannot listen: ${err.message}`);
    void platform.close().then(() => process.exit(1));
  });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    // /ready answers 503 from now on; a load balancer that probes it stops sending new requests
    // during PIPEWRIGHT_SHUTDOWN_DELAY_MS, then the listener closes and requests in flight finish.
    platform.lifecycle.draining = true;
    log(`${signal}: shutting down`);
    setTimeout(() => {
      server.close(() => {
        // Stops the job workers (letting running jobs finish), then the queue and the database.
        void platform.close().then(() => process.exit(0));
      });
      setTimeout(() => process.exit(1), 10_000).unref();
    }, config.shutdownDelayMs);
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
