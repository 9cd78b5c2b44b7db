import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/context';
import { forbidden } from './errors';
import { hasRole, hasScope, type Principal } from './principal';
import type { Role, Scope } from './roles';

/**
 * Throws 403 unless the principal holds one of the roles. For use inside a handler when the
 * decision depends on the request.
 *
 * @example
 * ```ts
 * assertRole(c.get('actor'), 'admin', 'manager');
 * ```
 */
export function assertRole(p: Principal, ...roles: Role[]): void {
  if (!roles.some((r) => hasRole(p, r))) throw forbidden(`This needs the ${roles.map((r) => `"${r}"`).join(' or ')} role.`);
}

/**
 * Throws 403 unless the principal (a token, typically) holds the scope.
 *
 * @example
 * ```ts
 * assertScope(c.get('actor'), 'write');
 * ```
 */
export function assertScope(p: Principal, scope: Scope): void {
  if (!hasScope(p, scope)) throw forbidden(`This token lacks the "${scope}" scope.`);
}

/**
 * Route guard: 403 unless the principal holds one of the roles.
 *
 * @example
 * ```ts
 * app.post('/:id/publish', requireRole('admin'), requireScope('admin'), publishHandler);
 * ```
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    assertRole(c.get('actor'), ...roles);
    await next();
  };
}

/**
 * Route guard: 403 unless the principal holds the scope (sessions hold every scope).
 *
 * @example
 * ```ts
 * app.post('/', requireScope('write'), createHandler);
 * ```
 */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    assertScope(c.get('actor'), scope);
    await next();
  };
}

/**
 * Route guard for admin-only endpoints (users, tokens, audit, and processes, rules and plugins
 * as they land): the admin role and, for tokens, the `admin` scope.
 *
 * @example
 * ```ts
 * app.use('/api/processes/*', async (c, next) => (c.req.method === 'GET' ? next() : adminOnly()(c, next)));
 * app.post('/api/processes/:id/publish', adminOnly(), publish);
 * ```
 */
export function adminOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const p = c.get('actor');
    assertRole(p, 'admin');
    assertScope(p, 'admin');
    await next();
  };
}

/**
 * Route guard deriving the scope from the method: `read` for GET and HEAD, else `write`.
 *
 * @example
 * ```ts
 * app.use('/api/records/*', readOrWrite());
 * ```
 */
export function readOrWrite(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    assertScope(c.get('actor'), c.req.method === 'GET' || c.req.method === 'HEAD' ? 'read' : 'write');
    await next();
  };
}
