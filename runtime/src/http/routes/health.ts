import type { Registry } from '@pipewright/core';
import { sql } from 'kysely';
import { ping, type DatabaseHandle } from '../../db/database';
import { LATEST_MIGRATION } from '../../db/migrate';
import { RouteTable } from '../declare';
import { problem } from '../problem';

/** What a process tells its load balancer about itself. */
export interface Lifecycle {
  /** Set when the process has been asked to stop: it finishes what it has and takes no more. */
  draining: boolean;
}

/** How long a health or readiness probe waits for the database. */
const PROBE_TIMEOUT_MS = 2000;

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `GET /health` (liveness) and `GET /ready` (readiness), kept apart so an orchestrator or load
 * balancer restarts a process only when the process itself is broken, and sends it traffic
 * only when it can serve it:
 *
 * - `/health` answers 200 as long as the process serves HTTP: `status` is `ok`, or `degraded`
 *   when the database does not answer (restarting a runtime would not help then).
 * - `/ready` answers 200 only when the database answers within 2 s and has every migration this
 *   code needs, and the process is not shutting down; otherwise 503 problem+json whose `code`
 *   says which (`storage-unavailable`, `migrations-pending`, `shutting-down`).
 *
 * Declared once (ADR 031), outside `/api` and public.
 *
 * @example
 * ```ts
 * const t = healthRoutes(database, registry, { draining: false });
 * app.route('/', t.app);
 * ```
 */
export function healthRoutes(database: DatabaseHandle, registry: Registry, lifecycle: Lifecycle): RouteTable {
  const t = new RouteTable('', ['platform']);
  const unavailable = (code: string, detail: string) => Response.json(problem(503, code, detail), { status: 503, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '1', 'Cache-Control': 'no-store' } });
  const storage = { type: 'object', required: ['backend'], properties: { backend: { enum: ['pglite', 'postgres'] }, reachable: { type: 'boolean' } } };
  const health = { type: 'object', required: ['status', 'storage', 'plugins'], properties: { status: { enum: ['ok', 'degraded'], description: '`degraded`: the database does not answer (restarting this process would not help).' }, storage, plugins: { type: 'array', description: 'The loaded plugins and their entities.', items: { type: 'object' } } } };
  const ready = { type: 'object', required: ['status', 'storage', 'migration'], properties: { status: { const: 'ready' }, storage, migration: { type: 'string', description: 'The latest migration this code needs, applied.' } } };
  t.on({ method: 'get', path: '/health', operationId: 'health', summary: 'Liveness: status ok, or degraded when the database does not answer; storage backend and loaded plugins', public: true, responses: { 200: { description: 'The process serves (status ok or degraded)', schema: health } } }, async (c) => {
    let reachable = true;
    try {
      await within(PROBE_TIMEOUT_MS, ping(database.db));
    } catch {
      reachable = false;
    }
    c.header('Cache-Control', 'no-store');
    return c.json({ status: reachable ? 'ok' : 'degraded', storage: { backend: database.backend, reachable }, plugins: registry.summary() });
  });
  t.on({ method: 'get', path: '/ready', operationId: 'ready', summary: 'Readiness: database reachable, migrations current, not shutting down', public: true, responses: { 200: { description: 'Ready for traffic', schema: ready } }, errors: [503] }, async (c) => {
    if (lifecycle.draining) return unavailable('shutting-down', 'This process is shutting down; send requests to another one.');
    let applied: boolean;
    try {
      const { rows } = await within(PROBE_TIMEOUT_MS, sql<{ n: number }>`select count(*)::int as n from kysely_migration where name = ${LATEST_MIGRATION}`.execute(database.db));
      applied = (rows[0]?.n ?? 0) > 0;
    } catch {
      return unavailable('storage-unavailable', `The ${database.backend} storage does not answer.`);
    }
    if (!applied) return unavailable('migrations-pending', `The database lacks migration ${LATEST_MIGRATION}.`);
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'ready', storage: { backend: database.backend }, migration: LATEST_MIGRATION });
  });
  return t;
}
