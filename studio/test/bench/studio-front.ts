import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { AppEnv } from '../../../runtime/src/http/context';
import { mountStudio } from '../../../runtime/src/http/static';

/** A studio build served on a port of its own, its `/api/` passed to a runtime. */
export interface StudioFront {
  url: string;
  close(): Promise<void>;
}

const HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/**
 * Serves the studio build in `dir` as the runtime does (precompressed, cache headers) and passes
 * every `/api/` request to `api` (the runtime), so two builds of the studio can be loaded against
 * one runtime and one database in the same run (`BENCH_BASELINE_DIST`): both through a front like
 * this, so each pays the same extra hop. Cookies are per host, not per port: one sign-in serves both.
 *
 * @example
 * ```ts
 * const front = await startStudioFront('/work/main/studio/dist', server.url);
 * await page.goto(`${front.url}/board/pipeline.deal`);
 * ```
 */
export async function startStudioFront(dir: string, api: string): Promise<StudioFront> {
  const app = new Hono<AppEnv>();
  const target = new URL(api);
  app.all('/api/*', async (c) => {
    const url = new URL(c.req.url);
    const headers = new Headers();
    for (const [k, v] of c.req.raw.headers) if (!HOP.has(k)) headers.set(k, k === 'origin' ? target.origin : v);
    const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? undefined : await c.req.arrayBuffer();
    const res = await fetch(`${target.origin}${url.pathname}${url.search}`, { method: c.req.method, headers, ...(body ? { body } : {}), redirect: 'manual' });
    const out = new Headers(res.headers);
    out.delete('content-encoding');
    out.delete('content-length');
    return new Response(await res.arrayBuffer(), { status: res.status, headers: out });
  });
  if (!mountStudio(app, dir)) throw new Error(`no studio build in ${dir}`);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
