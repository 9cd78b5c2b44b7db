import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';
import { subtreeOf } from './org-tree';
import type { Principal } from './principal';
import { isRole, SCOPES, type Scope } from './roles';

/**
 * Builds the principal of an active user: roles, unit and, for managers, the subtree they see.
 * Returns null when the user is missing or deactivated.
 *
 * @example
 * ```ts
 * const p = await loadUserPrincipal(db, 'dustin-brinkmann', { via: 'session', credentialId });
 * ```
 */
export async function loadUserPrincipal(
  db: Kysely<Database>,
  userId: string,
  o: { via: 'session' | 'token'; credentialId: string; scopes?: readonly Scope[] },
): Promise<Principal | null> {
  const user = await db.selectFrom('users').select(['id', 'roles', 'org_unit_id', 'active']).where('id', '=', userId).executeTakeFirst();
  if (!user || !user.active) return null;
  const roles = (Array.isArray(user.roles) ? user.roles : []).filter(isRole);
  const visibleUnits = roles.includes('manager') && user.org_unit_id ? await subtreeOf(db, user.org_unit_id) : [];
  const scopes = o.scopes ? SCOPES.filter((s) => o.scopes?.includes(s)) : [...SCOPES];
  return {
    id: o.via === 'token' ? `token:${o.credentialId}` : `user:${user.id}`,
    via: o.via,
    userId: user.id,
    roles,
    orgUnitId: user.org_unit_id,
    visibleUnits,
    scopes,
    credentialId: o.credentialId,
  };
}
