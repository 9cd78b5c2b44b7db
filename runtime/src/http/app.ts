import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Registry } from '@pipewright/core';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { typesSchema } from '@pipewright/schemas';
import type { Config } from '../config';
import type { DatabaseHandle } from '../db/database';
import { generateOpenApi, withSharedTypes } from '../openapi/generate';
import type { RecordStore } from '../records/store';
import type { AppEnv } from './context';
import { problem, toProblem } from './problem';
import { importPaths, importRoutes } from './routes/imports';
import { recordRoutes } from './routes/records';
import { healthRoutes } from './routes/health';

export interface AppServices {
  config: Config;
  registry: Registry;
  database: DatabaseHandle;
  store: RecordStore;
  log?: (line: string) => void;
}

const STUDIO_DIST = fileURLToPath(new URL('../../../studio/dist', import.meta.url));

/**
 * The HTTP application: security headers, body limits, problem+json errors, the records and
 * import API under `/api/`, `/health`, `/openapi.json`, and the studio build at `/`.
 *
 * @example
 * ```ts
 * const app = createApp({ config, registry, database, store });
 * serve({ fetch: app.fetch, port: 3000 });
 * ```
 */
export function createApp(s: AppServices): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const log = s.log ?? ((line: string) => console.error(line));
  app.use('*', requestId());
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    }),
  );
  const tooLarge = (limit: number) =>
    bodyLimit({
      maxSize: limit,
      onError: (c) => c.json(problem(413, 'body-too-large', `The request body is larger than ${limit} bytes.`), 413, { 'Content-Type': 'application/problem+json' }),
    });
  app.use('/api/imports', tooLarge(s.config.maxImportBytes));
  app.use('/api/*', async (c, next) => (c.req.path.startsWith('/api/imports') ? next() : tooLarge(s.config.maxBodyBytes)(c, next)));
  app.use('/api/*', async (c, next) => {
    c.set('actor', { id: 'system:anonymous' });
    await next();
  });

  app.route('/health', healthRoutes(s.database, s.registry));
  const openapi = withSharedTypes(generateOpenApi(s.registry, { paths: importPaths }), typesSchema);
  app.get('/openapi.json', (c) => c.json(openapi));
  app.get('/api/entities', (c) => c.json({ items: [...s.registry.entities.values()].map(describeEntity) }));
  app.get('/api/entities/:type', (c) => c.json(describeEntity(s.registry.entity(c.req.param('type')))));
  app.route('/api/records', recordRoutes(s.store));
  app.route('/api/imports', importRoutes(s.database.db, s.registry));
  app.all('/api/*', (c) => c.json(problem(404, 'not-found', `No API route ${c.req.method} ${c.req.path}.`), 404, { 'Content-Type': 'application/problem+json' }));

  if (existsSync(STUDIO_DIST)) {
    const root = relative(process.cwd(), STUDIO_DIST) || '.';
    app.use('/*', serveStatic({ root }));
    app.get('*', serveStatic({ root, path: 'index.html' }));
  }

  app.notFound((c) => c.json(problem(404, 'not-found', `Nothing at ${c.req.path}.`), 404, { 'Content-Type': 'application/problem+json' }));
  app.onError((err, c) => {
    const p = toProblem(err);
    p.instance = c.req.path;
    if (p.status >= 500) log(`[${c.get('requestId') ?? '-'}] ${c.req.method} ${c.req.path} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return c.json(p, p.status as 400, { 'Content-Type': 'application/problem+json' });
  });
  return app;
}

function describeEntity(e: Registry['entities'] extends Map<string, infer V> ? V : never) {
  const { validate: _v, fields, ...rest } = e;
  return { ...rest, fields: [...fields.values()] };
}
