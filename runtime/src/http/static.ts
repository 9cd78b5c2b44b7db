import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context';

/** Hashed build output (`assets/index-3f9c1a2b.js`): its name changes whenever its content does. */
const HASHED_ASSET = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/** A year, the longest lifetime caches honour; with `immutable` the browser does not even revalidate. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (index.html above all) is revalidated on every load, so a deploy shows at once. */
export const REVALIDATE = 'no-cache';

/**
 * Serves the studio build from `dir`: precompressed `.br`/`.gz` siblings when the browser accepts
 * them (made at build time, so no CPU is spent compressing per request), immutable caching for
 * hashed assets and `no-cache` for `index.html`, which every unknown path falls back to (client
 * routing).
 *
 * @example
 * ```ts
 * mountStudio(app, fileURLToPath(new URL('../../studio/dist', import.meta.url)));
 * ```
 */
export function mountStudio(app: Hono<AppEnv>, dir: string): boolean {
  if (!existsSync(dir)) return false;
  const root = relative(process.cwd(), dir) || '.';
  const cacheHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
    await next();
    if (c.res.status === 200 && !c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', HASHED_ASSET.test(c.req.path) ? IMMUTABLE : REVALIDATE);
  };
  app.use('/*', cacheHeaders, serveStatic({ root, precompressed: true }));
  app.get('*', serveStatic({ root, path: 'index.html', precompressed: true }));
  return true;
}
