import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { sql, type Kysely } from 'kysely';
import { auditAction } from '../../auth/audit';
import { crossSiteProblem, refuse } from '../../auth/authenticate';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../auth/password';
import type { RateLimiter } from '../../auth/rate-limit';
import { SignInLimits } from '../../auth/sign-in-limits';
import { CSRF_COOKIE, SESSION_COOKIE, createSession, csrfTokenOf, endSession } from '../../auth/sessions';
import { USER_COLUMNS, userView } from '../../auth/users';
import type { Config } from '../../config';
import type { Database } from '../../db/tables';
import { ref, roles, scopes } from '../../openapi/identity';
import type { AppEnv } from '../context';
import { RouteTable } from '../declare';
import { stringMember } from '../input';

export interface AuthRouteDeps {
  db: Kysely<Database>;
  config: Config;
  limiter: RateLimiter;
  now: () => Date;
  log: (line: string) => void;
}

function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function secure(c: Context, config: Config): boolean {
  if (config.secureCookies !== 'auto') return config.secureCookies === 'always';
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

/**
 * `POST /api/auth/login` (email + password: sets the httpOnly SameSite=Strict session cookie
 * and returns the CSRF token), `POST /api/auth/logout`, `GET /api/auth/me`. Failed sign-ins
 * are limited per account, per address and per both ({@link SignInLimits}); a failed sign-in
 * does not tell whether the account exists.
 *
 * @example
 * ```ts
 * app.route('/api/auth', authRoutes({ db, config, limiter, now, log }));
 * ```
 */
export function authRoutes(d: AuthRouteDeps): RouteTable {
  const t = new RouteTable('/api/auth', ['identity']);
  const limits = new SignInLimits(d.db, d.limiter, d.config.loginAttemptsPer15Min, d.now);

  // Sign-in from another site is refused before the body is read.
  const sameSite: MiddlewareHandler<AppEnv> = async (c, next) => {
    const cross = crossSiteProblem(c);
    if (cross) return refuse(c, 403, 'csrf', `Sign-in must come from the Pipewright studio itself: ${cross}.`);
    await next();
  };
  const signedIn = { type: 'object', properties: { user: ref('User'), csrfToken: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } } };
  t.on({ method: 'post', path: '/login', operationId: 'login', summary: 'Sign in: sets the session cookie, returns the CSRF token', public: true, guards: [sameSite], body: { type: 'object', required: ['email', 'password'], additionalProperties: false, properties: { email: { type: 'string' }, password: { type: 'string' } } }, responses: { 200: { description: 'Signed in', schema: signedIn } }, errors: [401, 403, 429] }, async (c, { body }) => {
    const email = stringMember(body, 'email', { max: 254 }).toLowerCase();
    const password = stringMember(body, 'password', { max: 256, trim: false });
    const address = clientAddress(c);
    const user = await d.db.selectFrom('users').select(['id', 'active', 'password_hash']).where(sql<boolean>`lower(email) = ${email}`).executeTakeFirst();
    const limit = await limits.attempt(email, address, user?.id);
    if (!limit.allowed) {
      d.log(`[${c.get('requestId') ?? '-'}] sign-in rate limit reached for ${email} (${limit.limitedBy})`);
      return refuse(c, 429, 'rate-limited', `Too many failed sign-in attempts. Retry in ${limit.retryAfter} s.`, { 'Retry-After': String(limit.retryAfter) });
    }
    const check = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !user.active || !user.password_hash || !check.ok) {
      d.log(`[${c.get('requestId') ?? '-'}] sign-in failed for ${email}`);
      return refuse(c, 401, 'invalid-credentials', 'The email or the password is wrong, or the account is deactivated.');
    }
    await limits.succeeded(email, address);
    const now = d.now();
    if (check.needsRehash) await d.db.updateTable('users').set({ password_hash: await hashPassword(password) }).where('id', '=', user.id).execute();
    const session = await createSession(d.db, user.id, d.config.sessionTtlSeconds, now);
    await auditAction(d.db, { actor: { id: `user:${user.id}` }, action: 'auth.login', subject: `user:${user.id}`, before: null, after: null, at: now, meta: { address } });
    const cookie = { path: '/', sameSite: 'Strict', secure: secure(c, d.config), maxAge: d.config.sessionTtlSeconds } as const;
    setCookie(c, SESSION_COOKIE, session.secret, { ...cookie, httpOnly: true });
    setCookie(c, CSRF_COOKIE, session.csrfToken, cookie);
    c.header('Cache-Control', 'no-store');
    const view = userView(await d.db.selectFrom('users').select(USER_COLUMNS).where('id', '=', user.id).executeTakeFirstOrThrow());
    return c.json({ user: view, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });
  });

  t.on({ method: 'post', path: '/logout', operationId: 'logout', summary: 'End the session', responses: { 204: { description: 'Signed out' } }, errors: [403] }, async (c) => {
    const p = c.get('actor');
    if (p.via === 'session' && p.credentialId) {
      await endSession(d.db, p.credentialId);
      await auditAction(d.db, { actor: p, action: 'auth.logout', subject: `user:${p.userId}`, before: null, after: null, at: d.now() });
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    deleteCookie(c, CSRF_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  const me = { type: 'object', properties: { user: { oneOf: [ref('User'), { type: 'null' }] }, via: { type: 'string' }, actor: { type: 'string' }, roles, scopes, visibleUnits: { type: 'array', items: { type: 'string' } }, csrfToken: { type: 'string' } } };
  t.on({ method: 'get', path: '/me', operationId: 'me', summary: 'Who am I: user, roles, scopes, CSRF token', responses: { 200: { description: 'The caller', schema: me } } }, async (c) => {
    const p = c.get('actor');
    const user = p.userId ? await d.db.selectFrom('users').select(USER_COLUMNS).where('id', '=', p.userId).executeTakeFirst() : undefined;
    const secret = p.via === 'session' ? getCookie(c, SESSION_COOKIE) : undefined;
    c.header('Cache-Control', 'no-store');
    return c.json({
      user: user ? userView(user) : null,
      via: p.via,
      actor: p.id,
      roles: p.roles,
      scopes: p.scopes,
      visibleUnits: p.visibleUnits,
      ...(secret ? { csrfToken: csrfTokenOf(secret) } : {}),
    });
  });

  return t;
}
