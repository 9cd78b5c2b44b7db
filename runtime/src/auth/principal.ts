import type { Role, Scope } from './roles';

/**
 * Who is making a request, resolved once per request by the auth middleware. Record access is
 * computed from it in the query layer (`records/access.ts`).
 */
export interface Principal {
  /** The event `actor` string: `user:<id>`, `token:<id>` or `system:<name>`. */
  id: string;
  /** How the request authenticated. */
  via: 'session' | 'token' | 'system';
  /** The user acted for; null for system principals. */
  userId: string | null;
  roles: readonly Role[];
  /** The user's own org unit. */
  orgUnitId: string | null;
  /** Org units whose records this principal sees by management: the subtree of a manager's unit, else empty. */
  visibleUnits: readonly string[];
  /** Scopes: every scope for sessions and system principals, the token's for tokens. */
  scopes: readonly Scope[];
  /** The session or token id (never the secret). */
  credentialId?: string;
}

/**
 * A principal for work the platform does itself (demo seed, CLI, migrations): unrestricted, and
 * recorded in events as `system:<name>`.
 *
 * @example
 * ```ts
 * await store.create('acme.ticket', { data: { title: 'Printer on fire' } }, systemPrincipal('cli'));
 * ```
 */
export function systemPrincipal(name: string): Principal {
  return { id: `system:${name}`, via: 'system', userId: null, roles: ['admin'], orgUnitId: null, visibleUnits: [], scopes: ['read', 'write', 'import', 'admin'] };
}

/**
 * Whether the principal holds a role.
 *
 * @example
 * ```ts
 * if (hasRole(principal, 'admin')) { ... }
 * ```
 */
export const hasRole = (p: Principal, role: Role): boolean => p.roles.includes(role);

/**
 * Whether the principal holds a scope.
 *
 * @example
 * ```ts
 * hasScope(principal, 'write');
 * ```
 */
export const hasScope = (p: Principal, scope: Scope): boolean => p.scopes.includes(scope);

/** Whether the principal sees and edits every record (admins and system work). */
export const isUnrestricted = (p: Principal): boolean => p.via === 'system' || hasRole(p, 'admin');

/**
 * The principal of an actor: a full principal as is, a bare `{ id: 'system:<name>' }` as the
 * unrestricted system principal. Any other bare actor is a programming error (it would be
 * unclear what it may see), so it throws.
 *
 * @example
 * ```ts
 * principalOf({ id: 'system:demo-seed' }).via; // 'system'
 * ```
 */
export function principalOf(actor: Principal | { id: string }): Principal {
  if ('via' in actor) return actor;
  if (actor.id.startsWith('system:')) return systemPrincipal(actor.id.slice('system:'.length));
  throw new Error(`Actor "${actor.id}" is not a principal: pass the request's principal, or a system actor ("system:<name>").`);
}
