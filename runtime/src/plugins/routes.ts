import { PipewrightError, ValidationError, ajvDetails, createAjv, isPipewrightError, stripRequired, type PluginRoute, type Registry } from '@pipewright/core';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { forbidden } from '../auth/errors';
import { assertScope } from '../auth/guards';
import { isUnrestricted, systemPrincipal } from '../auth/principal';
import type { Database } from '../db/tables';
import { readJsonObject } from '../http/body';
import { operationOf, readQuery } from '../http/declare';
import type { AppEnv } from '../http/context';
import { requestLocale } from '../http/locale';
import type { PluginHost } from './host';

type Json = Record<string, unknown>;

/**
 * The routes plugins contribute, under `/api/plugins/<plugin><path>` (mount the result at
 * `/api/plugins`). Each is authenticated like the rest of the API (the auth middleware runs on
 * `/api/*`), needs the `read` scope for GET and `write` otherwise, and `roles` when the route
 * names some (admins pass). Query parameters and the JSON body are checked against the route's
 * schemas (400 / 422 problem+json naming each member), the handler gets the plugin's services
 * as the caller (inside one transaction for methods other than GET), and its answer is checked
 * against the response schema: a handler that breaks its own contract, or throws something other
 * than a platform error, answers a 500 problem that names the plugin and reveals nothing else.
 *
 * @example
 * ```ts
 * app.route('/api/plugins', pluginRoutes(registry, host, db, log));
 * ```
 */
export function pluginRoutes(registry: Registry, host: PluginHost, db: Kysely<Database>, log: (line: string) => void): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ajv = createAjv();
  for (const p of registry.plugins) {
    const plugin = p.manifest.id;
    for (const route of p.runtime?.routes ?? []) {
      const body = route.body ? ajv.compile(route.body) : null;
      const response = ajv.compile(route.response);
      const query = Object.entries(route.query ?? {}).map(([name, schema]) => ({ name, schema, validate: ajv.compile(stripRequired(schema)) }));
      app.on(route.method.toUpperCase(), `/${plugin}${route.path}`, async (c) => {
        const principal = c.get('actor');
        assertScope(principal, route.method === 'get' ? 'read' : 'write');
        if (route.roles && !isUnrestricted(principal) && !route.roles.some((r) => (principal.roles as readonly string[]).includes(r))) {
          throw forbidden(`This needs the ${route.roles.map((r) => `"${r}"`).join(' or ')} role.`);
        }
        const q = readQuery(c, query);
        let input: Record<string, unknown> = {};
        if (body) {
          input = await readJsonObject(c);
          if (!body(input)) throw new ValidationError({ code: 'plugin.invalid-body', message: `The body does not match what ${route.method.toUpperCase()} /api/plugins/${plugin}${route.path} accepts.`, details: ajvDetails(body.errors) });
        }
        const params = c.req.param() as Record<string, string>;
        const language = requestLocale(c);
        const run = async (tx?: Parameters<PluginHost['services']>[2]) => {
          const result = await route.handler({ ...host.services(plugin, principal, tx, language), system: host.services(plugin, systemPrincipal(`plugin:${plugin}`), tx, language), params, query: q, body: input, language });
          if (!response(result)) {
            log(`[plugin:${plugin}] error ${route.method.toUpperCase()} ${route.path} answered what its response schema refuses: ${ajvDetails(response.errors).map((d) => `${d.pointer || '/'} ${d.message}`).join('; ')}`);
            throw routeFailed(plugin, route);
          }
          return result;
        };
        let result: unknown;
        try {
          result = route.method === 'get' ? await run() : await db.transaction().execute((tx) => run(tx));
        } catch (err) {
          if (isPipewrightError(err)) throw err;
          log(`[plugin:${plugin}] error ${route.method.toUpperCase()} ${route.path} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
          throw routeFailed(plugin, route);
        }
        return c.json(result as Json, route.status ?? 200);
      });
    }
  }
  return app;
}

function routeFailed(plugin: string, route: PluginRoute): PipewrightError {
  return new PipewrightError({ code: 'plugin.route-failed', status: 500, kind: 'unexpected', plugin, message: `The ${plugin} plugin could not answer ${route.method.toUpperCase()} ${route.path}; nothing it wrote was kept. The server log has the details.`, extensions: { plugin } });
}

/**
 * The OpenAPI paths of every plugin route, with their parameters, body and response schemas.
 *
 * @example
 * ```ts
 * generateOpenApi(registry, { paths: { ...pluginPaths(registry) } });
 * ```
 */
export function pluginPaths(registry: Registry): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const p of registry.plugins) {
    const plugin = p.manifest.id;
    for (const r of p.runtime?.routes ?? []) {
      const [path, op] = operationOf(`/api/plugins/${plugin}`, [plugin], {
        method: r.method,
        path: r.path,
        operationId: `${plugin}_${r.method}_${r.path.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '')}`,
        summary: r.summary,
        ...(r.description ? { description: r.description } : {}),
        query: r.query ?? {},
        ...(r.body ? { body: r.body } : {}),
        responses: { [r.status ?? 200]: { description: r.summary, schema: r.response } },
        errors: [403, 500],
      });
      out[path] = { ...(out[path] ?? {}), [r.method]: op };
    }
  }
  return out;
}
