import type { Registry } from '@pipewright/core';
import { Hono } from 'hono';
import { ping, type DatabaseHandle } from '../../db/database';
import type { AppEnv } from '../context';
import { problem } from '../problem';

/**
 * `GET /health`: the storage backend and loaded plugins; 503 when storage does not answer.
 *
 * @example
 * ```ts
 * app.route('/health', healthRoutes(database, registry));
 * ```
 */
export function healthRoutes(database: DatabaseHandle, registry: Registry): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    try {
      await ping(database.db);
    } catch {
      return c.json(problem(503, 'storage-unavailable', `The ${database.backend} storage does not answer.`), 503, { 'Content-Type': 'application/problem+json' });
    }
    return c.json({ status: 'ok', storage: { backend: database.backend }, plugins: registry.summary() });
  });
  return app;
}
