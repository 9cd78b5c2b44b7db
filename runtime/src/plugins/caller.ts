import type { PluginCaller } from '@pipewright/core';
import type { Principal } from '../auth/principal';

/**
 * What plugin code may know of a principal (no credential ids, no scopes).
 *
 * @example
 * ```ts
 * callerOf(principal).roles; // ['rep']
 * ```
 */
export function callerOf(p: Principal): PluginCaller {
  return { id: p.id, userId: p.userId, roles: [...p.roles], orgUnitId: p.orgUnitId };
}
