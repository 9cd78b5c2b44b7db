import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { loadConfig, type Config } from '../src/config';
import { dropSchema } from '../src/db/database';
import { createPlatform, type Platform } from '../src/platform';

/** The storage backends every contract suite runs against. */
export interface Backend {
  name: 'pglite' | 'postgres';
  url?: string;
}

/**
 * PGlite always; PostgreSQL too when `TEST_DATABASE_URL` is set.
 *
 * @example
 * ```ts
 * describe.each(backends())('records on $name', (backend) => { ... });
 * ```
 */
export function backends(): Backend[] {
  const url = process.env.TEST_DATABASE_URL;
  return [{ name: 'pglite' }, ...(url ? [{ name: 'postgres' as const, url }] : [])];
}

export interface TestServer {
  platform: Platform;
  url: string;
  logs: string[];
  /** fetch relative to the server, JSON bodies encoded. */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Starts the real runtime over HTTP on an ephemeral port, on in-memory PGlite or a fresh
 * PostgreSQL schema that is dropped on close.
 *
 * @example
 * ```ts
 * const server = await startServer(backend);
 * const res = await server.api('/health');
 * ```
 */
export async function startServer(backend: Backend, env: Record<string, string> = {}): Promise<TestServer> {
  const schema = backend.url ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const config: Config = loadConfig({ PIPEWRIGHT_DATA_DIR: 'memory', PIPEWRIGHT_DEMO: 'false', ...(backend.url ? { DATABASE_URL: backend.url } : {}), ...env });
  const logs: string[] = [];
  const platform = await createPlatform(config, { ...(schema ? { schema } : {}), log: (l) => logs.push(l) });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: platform.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    platform,
    url,
    logs,
    api(path, init = {}) {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (json !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(url + path, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await platform.close();
      if (schema && backend.url) await dropSchema(backend.url, schema);
    },
  };
}

/** Counts rows of the records and events tables, to prove a refused request wrote nothing. */
export async function countRows(platform: Platform): Promise<{ records: number; events: number }> {
  const db = platform.database.db;
  const r = await db.selectFrom('records').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const e = await db.selectFrom('events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return { records: Number(r.n), events: Number(e.n) };
}
