import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import type { Kysely } from 'kysely';
import type { Config } from '../config';
import type { Database } from '../db/tables';
import type { AppEnv } from '../http/context';
import { problem } from '../http/problem';
import { loadUserPrincipal } from './load-principal';
import type { Principal } from './principal';
import { changesIdentity, PrincipalCache } from './principal-cache';
import type { RateLimiter } from './rate-limit';
import { safeEqual } from './secrets';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, csrfTokenOf, findSession } from './sessions';
import { findToken } from './tokens';

export interface AuthDeps {
  db: Kysely<Database>;
  config: Config;
  limiter: RateLimiter;
  now: () => Date;
  /** Short-lived principal cache; a fresh one (2 s) by default, `ttlMs: 0` disables it. */
  cache?: PrincipalCache;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Answers a problem+json response (used where middleware refuses a request).
 *
 * @example
 * ```ts
 * return refuse(c, 401, 'unauthenticated', 'Sign in first.');
 * ```
 */
export function refuse(c: Context, status: 401 | 403 | 429, code: string, detail: string, headers: Record<string, string> = {}): Response {
  return c.json(problem(status, code, detail), status, { 'Content-Type': 'application/problem+json', ...headers });
}

/**
 * Why a request is refused as cross-site, or null: browsers send Sec-Fetch-Site and Origin,
 * and both must name our own origin when present.
 *
 * @example
 * ```ts
 * if (crossSiteProblem(c)) return refuse(c, 403, 'csrf', 'cross-site');
 * ```
 */
export function crossSiteProblem(c: Context): string | null {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `cross-site request (Sec-Fetch-Site: ${site})`;
  const origin = c.req.header('origin');
  if (origin === undefined) return null;
  const host = c.req.header('x-forwarded-host') ?? c.req.header('host') ?? '';
  try {
    return new URL(origin).host === host ? null : `cross-origin request from ${origin}`;
  } catch {
    return 'malformed Origin header';
  }
}

/**
 * Why a cookie-authenticated unsafe request is refused as a possible CSRF, or null: it must not
 * be cross-site and must carry the session's CSRF token in `X-CSRF-Token`, which a cross-site
 * form or script can neither read nor send.
 *
 * @example
 * ```ts
 * const why = csrfProblem(c, sessionSecret);
 * ```
 */
export function csrfProblem(c: Context, sessionSecret: string): string | null {
  const cross = crossSiteProblem(c);
  if (cross) return cross;
  const token = c.req.header(CSRF_HEADER);
  if (!token) return `missing ${CSRF_HEADER} header`;
  if (!safeEqual(token, csrfTokenOf(sessionSecret))) return `wrong ${CSRF_HEADER} header`;
  return null;
}

/**
 * Authenticates every `/api/` request: a bearer API token (`Authorization: Bearer pwt_...`)
 * or the session cookie, CSRF-checked on unsafe methods. Then applies the per-user or
 * per-token rate limit (429 with Retry-After) and sets `actor`. Answers 401 without a valid
 * credential; never writes anything for a refused request.
 *
 * @example
 * ```ts
 * app.use('/api/*', authenticate({ db, config, limiter, now }));
 * ```
 */
export function authenticate(d: AuthDeps): MiddlewareHandler<AppEnv> {
  const cache = d.cache ?? new PrincipalCache();
  return async (c, next) => {
    const now = d.now();
    const nowMs = now.getTime();
    let principal: Principal | null;
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const m = /^Bearer +([A-Za-z0-9_\-]{1,100})$/i.exec(authorization.trim());
      const secret = m?.[1];
      principal = secret ? (cache.get('token', secret, nowMs) ?? null) : null;
      if (secret && !principal) {
        const token = await findToken(d.db, secret, now);
        principal = token ? await loadUserPrincipal(d.db, token.userId, { via: 'token', credentialId: token.id, scopes: token.scopes }) : null;
        if (principal) cache.set('token', secret, principal, nowMs);
      }
      if (!principal) return refuse(c, 401, 'invalid-token', 'The bearer token is malformed, unknown, expired or revoked.', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    } else {
      const secret = getCookie(c, SESSION_COOKIE);
      if (secret === undefined) return refuse(c, 401, 'unauthenticated', 'Sign in (POST /api/auth/login), or send a bearer API token.', { 'WWW-Authenticate': 'Bearer' });
      principal = cache.get('session', secret, nowMs) ?? null;
      if (!principal) {
        const session = await findSession(d.db, secret, now);
        principal = session ? await loadUserPrincipal(d.db, session.userId, { via: 'session', credentialId: session.id }) : null;
        if (principal) cache.set('session', secret, principal, nowMs);
      }
      if (!principal) {
        deleteCookie(c, SESSION_COOKIE, { path: '/' });
        deleteCookie(c, CSRF_COOKIE, { path: '/' });
        return refuse(c, 401, 'session-expired', 'The session is unknown or has ended; sign in again.');
      }
      if (!SAFE.has(c.req.method)) {
        const why = csrfProblem(c, secret);
        if (why) return refuse(c, 403, 'csrf', `Refused as a possible cross-site request forgery: ${why}.`);
      }
    }
    const limit = await d.limiter.hit(`api:${principal.id}`, d.config.rateLimitPerMinute, 60);
    const rateHeaders = { 'RateLimit-Limit': String(limit.limit), 'RateLimit-Remaining': String(limit.remaining), 'RateLimit-Reset': String(limit.resetSeconds) };
    if (!limit.allowed) {
      return refuse(c, 429, 'rate-limited', `Too many requests: at most ${limit.limit} a minute for ${principal.via === 'token' ? 'this token' : 'this user'}. Retry in ${limit.resetSeconds} s.`, { 'Retry-After': String(limit.resetSeconds), ...rateHeaders });
    }
    for (const [k, v] of Object.entries(rateHeaders)) c.header(k, v);
    c.set('actor', principal);
    await next();
    if (changesIdentity(c.req.method, c.req.path)) cache.clear();
  };
}
