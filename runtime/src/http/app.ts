import { fileURLToPath } from 'node:url';
import { isPipewrightError, type Registry } from '@pipewright/core';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { typesSchema } from '@pipewright/schemas';
import { authenticate } from '../auth/authenticate';
import { readOrWrite } from '../auth/guards';
import { PrincipalCache } from '../auth/principal-cache';
import { RateLimiter } from '../auth/rate-limit';
import type { Config } from '../config';
import type { DatabaseHandle } from '../db/database';
import { dashboardRoutes } from '../dashboards/routes';
import type { DashboardStore } from '../dashboards/store';
import { isStorageUnavailable } from '../db/unavailable';
import { constraintCatalog, databaseProblem } from '../db/errors';
import { generateOpenApi, withSharedTypes } from '../openapi/generate';
import { actionTypeRoutes, approvalRoutes, pipelineRoutes, processRoutes, transitionRoutes } from '../process/http/index';
import type { ProcessRuntime } from '../process/runtime';
import { metricRoutes } from '../metrics/routes';
import type { MetricService } from '../metrics/service';
import type { PluginHost } from '../plugins/host';
import { pluginPaths, pluginRoutes } from '../plugins/routes';
import type { RecordStore } from '../records/store';
import type { AppEnv } from './context';
import { storableQuery } from './input-limits';
import { problem, toProblem } from './problem';
import { requestLocale } from './locale';
import { localizeProblem, localizeProblems } from './problem-i18n';
import { auditRoutes } from './routes/audit';
import { entityRoutes } from './routes/entities';
import { authRoutes } from './routes/auth';
import { healthRoutes, type Lifecycle } from './routes/health';
import { withSecurity } from '../openapi/identity';
import { RouteTable } from './declare';
import { ruleRoutes } from './routes/rules';
import { ruleLibraryRoutes } from './routes/rule-library';
import { RuleLibrary } from '../rules/library';
import { importRoutes } from './routes/imports';
import { notificationRoutes } from './routes/notifications';
import { savedViewRoutes } from './routes/saved-views';
import { orgUnitRoutes } from './routes/org-units';
import { recordRoutes } from './routes/records';
import { shareRoutes } from './routes/shares';
import { studioPluginRoutes } from './routes/studio-plugins';
import { tokenRoutes } from './routes/tokens';
import { userRoutes } from './routes/users';
import { SignInLimits } from '../auth/sign-in-limits';
import { mountStudio } from './static';

export interface AppServices {
  config: Config;
  registry: Registry;
  database: DatabaseHandle;
  store: RecordStore;
  /** The process runtime (definitions, transitions, pipeline analytics); its routes mount when given. */
  processes?: ProcessRuntime;
  /** The metric engine; `/api/metrics` mounts when given. */
  metrics?: MetricService;
  /** Stored dashboards; `/api/dashboards` mounts when given. */
  dashboards?: DashboardStore;
  /** Plugin services; the routes plugins contribute mount under `/api/plugins/` when given. */
  plugins?: PluginHost;
  /** The rate limiter (the platform owns it to flush it on close); default: a new one. */
  limiter?: RateLimiter;
  /** Shared with the process's shutdown: `/ready` answers 503 once `draining` is set. */
  lifecycle?: Lifecycle;
  log?: (line: string) => void;
}

const STUDIO_DIST = fileURLToPath(new URL('../../../studio/dist', import.meta.url));

/**
 * The HTTP application: security headers, body limits, authentication (session cookie with
 * CSRF protection, or bearer token) and rate limits on `/api/`, problem+json errors, the
 * records, import and identity APIs, `/health`, `/openapi.json`, and the studio build at `/`.
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
  // Problems in the caller's language (Accept-Language; ADR 019).
  app.use('*', localizeProblems());
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
  const tooLarge = (limit: number): MiddlewareHandler<AppEnv> => {
    const onError = (c: Context) => c.json(problem(413, 'body-too-large', `The request body is larger than ${limit} bytes.`), 413, { 'Content-Type': 'application/problem+json' });
    const streamed = bodyLimit({ maxSize: limit, onError });
    // A body with a Content-Length is judged by the header (Node's parser holds the body to
    // it), without touching the body: hono's bodyLimit reads `c.req.raw.body`, which makes the
    // node adapter build a full web Request and stream for every request instead of reading
    // the body directly. Chunked bodies are counted as they stream (hono's bodyLimit). An
    // HTTP/1.1 request with neither header has no body.
    return async (c, next) => {
      if (c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
      const length = c.req.header('content-length');
      if (length === undefined) return next();
      return Number(length) > limit ? onError(c) : next();
    };
  };
  app.use('/api/imports', tooLarge(s.config.maxImportBytes));
  // Built once, not per request.
  const apiBodyLimit = tooLarge(s.config.maxBodyBytes);
  app.use('/api/*', async (c, next) => (c.req.path.startsWith('/api/imports') ? next() : apiBodyLimit(c, next)));
  const now = s.store.now;
  const limiter = s.limiter ?? new RateLimiter(s.database.db, now, s.config.rateLimitSyncMs);
  const auth = authenticate({ db: s.database.db, config: s.config, limiter, now, cache: new PrincipalCache(s.config.authCacheMs) });
  // Everything under /api/ needs a session or a token, except signing in.
  app.use('/api/*', async (c, next) => (c.req.method === 'POST' && c.req.path === '/api/auth/login' ? next() : auth(c, next)));
  app.use('/api/*', storableQuery());

  // Routes declared once (ADR 031): served here and documented by /openapi.json from the same declarations.
  // The document itself is one of them; it is built once, below, from all of them.
  let openapi: Record<string, unknown> = {};
  const document = new RouteTable('', ['platform']).on({ method: 'get', path: '/openapi.json', operationId: 'openapi', summary: 'This document', public: true, responses: { 200: { description: 'OpenAPI 3.1', schema: { type: 'object' } } } }, (c) => c.json(openapi));
  const tables: RouteTable[] = [
    healthRoutes(s.database, s.registry, s.lifecycle ?? { draining: false }),
    document,
    entityRoutes(s.registry),
    authRoutes({ db: s.database.db, config: s.config, limiter, now, log }),
    shareRoutes(s.store),
    userRoutes(s.database.db, now, new SignInLimits(s.database.db, limiter, s.config.loginAttemptsPer15Min, now), s.plugins ? (id) => (s.plugins as PluginHost).userDeactivated(id) : undefined),
    orgUnitRoutes(s.database.db, now),
    tokenRoutes(s.database.db, now),
    auditRoutes(s.database.db),
    ruleRoutes(s.registry, now, s.database.db),
    // after the fixed /operators, /check and /explain: the library's /:id matches any segment
    ruleLibraryRoutes(new RuleLibrary(s.database.db, s.registry, now)),
    notificationRoutes(s.database.db, now),
    savedViewRoutes(s.database.db, now),
    ...(s.metrics ? [metricRoutes(s.metrics)] : []),
    ...(s.dashboards ? [dashboardRoutes(s.dashboards)] : []),
    importRoutes(s.database.db, s.registry, s.processes ? { definitions: s.processes.definitions } : undefined, () => s.store.hooks),
    ...(s.processes ? [actionTypeRoutes(s.registry), processRoutes(s.processes), approvalRoutes(s.processes), transitionRoutes(s.processes), ...pipelineRoutes(s.processes)] : []),
  ];
  const studioPlugins = studioPluginRoutes(s.registry);
  tables.push(studioPlugins.list);
  const declared = Object.assign({}, ...tables.map((t) => t.paths())) as Record<string, Record<string, unknown>>;
  // The records API is generated per entity from the registry (openapi/generate.ts); everything else is declared.
  openapi = withSecurity(withSharedTypes(generateOpenApi(s.registry, { paths: { ...declared, ...(s.plugins ? pluginPaths(s.registry) : {}) } }), typesSchema));
  const mount = (base: string) => {
    for (const t of tables) if (t.base === base) app.route(t.base || '/', t.app);
  };
  // /health, /ready and /openapi.json
  mount('');
  mount('/api/auth');
  mount('/api/entities');
  app.use('/api/records/*', readOrWrite());
  app.route('/api/records', recordRoutes(s.store));
  mount('/api/records');
  mount('/api/imports');
  mount('/api/users');
  mount('/api/org-units');
  mount('/api/notifications');
  mount('/api/saved-views');
  mount('/api/tokens');
  mount('/api/audit');
  mount('/api/rules');
  mount('/api/processes/action-types');
  // after the fixed /action-types: the processes' /:id matches any segment
  mount('/api/processes');
  mount('/api/approvals');
  // transitions and stage history: /api/records/{type}/{id}/... and each entity's alias (/api/deals/{id}/...)
  mount('/api');
  mount('/api/pipeline');
  mount('/api/incidents');
  mount('/api/metrics');
  mount('/api/dashboards');
  if (s.plugins) app.route('/api/plugins', pluginRoutes(s.registry, s.plugins, s.database.db, log));
  mount('/api/studio/plugins');
  app.route('/', studioPlugins.modules);
  app.all('/api/*', (c) => c.json(problem(404, 'not-found', `No API route ${c.req.method} ${c.req.path}.`), 404, { 'Content-Type': 'application/problem+json' }));

  mountStudio(app, STUDIO_DIST);

  app.notFound((c) => c.json(problem(404, 'not-found', `Nothing at ${c.req.path}.`), 404, { 'Content-Type': 'application/problem+json' }));
  const constraints = constraintCatalog(s.registry);
  app.onError((err, c) => {
    if (isStorageUnavailable(err)) {
      // The database is restarting or out of reach: worth retrying (writes with an Idempotency-Key).
      log(`[${c.get('requestId') ?? '-'}] ${c.req.method} ${c.req.path}: storage unavailable (${err instanceof Error ? err.message : String(err)})`);
      return c.json({ ...localizeProblem(problem(503, 'storage-unavailable', 'The database cannot be reached right now; retry shortly (writes with the same Idempotency-Key).'), requestLocale(c)), instance: c.req.path }, 503, { 'Content-Type': 'application/problem+json', 'Retry-After': '1', 'Content-Language': requestLocale(c) });
    }
    // A database error caused by the request (a taken value, a bad reference, a value the
    // database cannot store) is the client's problem, named by field; see db/errors.ts.
    const known = databaseProblem(err, constraints) ?? err;
    const locale = requestLocale(c);
    const p = localizeProblem(toProblem(known), locale, isPipewrightError(known) ? known.localizedMessage : undefined);
    if (p.status === 503 && typeof p.retryAfter === 'number') c.header('Retry-After', String(p.retryAfter));
    p.instance = c.req.path;
    if (p.status >= 500) log(`[${c.get('requestId') ?? '-'}] ${c.req.method} ${c.req.path} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return c.json(p, p.status as 400, { 'Content-Type': 'application/problem+json', 'Content-Language': locale });
  });
  return app;
}

