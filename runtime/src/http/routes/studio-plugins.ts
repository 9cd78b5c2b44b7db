import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Registry } from '@pipewright/core';
import { Hono } from 'hono';
import { requireScope } from '../../auth/guards';
import type { AppEnv } from '../context';
import { RouteTable } from '../declare';
import { problem } from '../problem';
import { IMMUTABLE, REVALIDATE } from '../static';

/** A built studio module: an ES module file (`.js`/`.mjs`) inside the plugin's folder. */
const MODULE_FILE = /\.m?js$/;

/** The built studio module a plugin's manifest names, when it has one inside its folder. */
function moduleFile(registry: Registry, id: string): string | null {
  const plugin = registry.plugins.find((p) => p.manifest.id === id);
  const file = plugin?.manifest.studio;
  if (!plugin || !file || !MODULE_FILE.test(file)) return null;
  const root = resolve(plugin.location);
  const full = resolve(root, file);
  const rel = relative(root, full);
  return rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..') ? null : full;
}

async function readModule(registry: Registry, id: string): Promise<{ body: Buffer; hash: string } | null> {
  const file = moduleFile(registry, id);
  if (!file) return null;
  try {
    const body = await readFile(file);
    return { body, hash: createHash('sha256').update(body).digest('base64url').slice(0, 16) };
  } catch {
    return null;
  }
}

/**
 * The studio halves of company plugins, served from the runtime's own origin so the studio's CSP
 * stays `script-src 'self'`:
 *
 * - `GET /api/studio/plugins` lists the loaded plugins whose manifest names a built ES module
 *   (`"studio": "dist/studio.js"`), each with its address, versioned by content hash;
 * - `GET /plugins/{id}/studio.js` sends that file (`text/javascript`), immutable for a year when
 *   asked with the current hash (`?v=`), otherwise revalidated (`no-cache`, ETag, 304).
 *
 * Built-in plugins' studio halves are bundled into the studio and not listed.
 *
 * @example
 * ```ts
 * const { list, modules } = studioPluginRoutes(registry);
 * app.route(list.base, list.app);
 * app.route('/', modules);
 * ```
 */
export function studioPluginRoutes(registry: Registry): { list: RouteTable; modules: Hono<AppEnv> } {
  const list = new RouteTable('/api/studio/plugins', ['studio']);
  const items = { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object', required: ['id', 'version', 'module'], properties: { id: { type: 'string' }, version: { type: 'string' }, module: { type: 'string', description: 'Address of the ES module, `/plugins/{id}/studio.js?v={content hash}`.' } } } } } };
  list.on({ method: 'get', path: '/', operationId: 'listStudioPlugins', summary: 'Company plugins with a built studio module, and the same-origin address to import it from', guards: [requireScope('read')], responses: { 200: { description: 'The plugins', schema: items } }, errors: [403] }, async (c) => {
    const items = [];
    for (const p of registry.plugins) {
      const m = await readModule(registry, p.manifest.id);
      if (m) items.push({ id: p.manifest.id, version: p.manifest.version, module: `/plugins/${encodeURIComponent(p.manifest.id)}/studio.js?v=${m.hash}` });
    }
    c.header('Cache-Control', 'no-store');
    return c.json({ items });
  });
  // The module files are static assets outside /api (no JSON, no OpenAPI operation).
  const app = new Hono<AppEnv>();
  app.get('/plugins/:id/studio.js', async (c) => {
    const id = c.req.param('id');
    const m = await readModule(registry, id);
    if (!m) return c.json(problem(404, 'not-found', `Plugin "${id}" has no studio module.`), 404, { 'Content-Type': 'application/problem+json' });
    const etag = `"${m.hash}"`;
    const headers = { ETag: etag, 'Cache-Control': c.req.query('v') === m.hash ? IMMUTABLE : REVALIDATE, 'Content-Type': 'text/javascript; charset=utf-8' };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    return c.body(new Uint8Array(m.body), 200, headers);
  });
  return { list, modules: app };
}
