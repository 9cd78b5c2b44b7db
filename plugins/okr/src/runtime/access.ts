import type { HookProblem, PluginCaller, PluginRecord, PluginServices } from '@pipewright/plugin-sdk';

/**
 * Whether the caller may edit an OKR record, as the platform's policy decides edits: admins and
 * system work, the owner, and managers whose unit's subtree holds the record (by its org unit or
 * its owner's unit). Used where a write on one record needs the right to edit another (a key
 * result on an objective, a check-in on a key result).
 */
export async function mayEdit(record: PluginRecord, caller: PluginCaller, s: PluginServices): Promise<boolean> {
  if (caller.userId === null || caller.roles.includes('admin')) return true;
  if (record.owner !== null && record.owner === caller.userId) return true;
  if (!caller.roles.includes('manager') || !caller.orgUnitId) return false;
  return (await unitsUnder(s, caller.orgUnitId)).has((await unitOf(record, s)) ?? '');
}

/** The record's org unit, else its owner's. */
async function unitOf(record: PluginRecord, s: PluginServices): Promise<string | null> {
  if (record.orgUnit) return record.orgUnit;
  return record.owner ? ((await s.directory.user(record.owner))?.orgUnitId ?? null) : null;
}

/** The ids of a unit's subtree (itself included). */
export async function unitsUnder(s: PluginServices, unitId: string): Promise<Set<string>> {
  return new Set((await s.directory.orgUnits()).filter((u) => u.path.includes(unitId)).map((u) => u.id));
}

/**
 * Problems with a metric key result's scope for the caller: the unit or person must exist, a
 * unit must be one the metric layer splits by (company, office/region, team), and it must lie
 * within the caller's reach (admins: anything; managers: their unit's subtree and its people;
 * others: themselves only), so nobody reads figures through a key result that he could not
 * read through the metric layer.
 */
export async function scopeProblems(data: Record<string, unknown>, s: PluginServices): Promise<HookProblem[]> {
  const caller = s.caller;
  const unit = typeof data.scope_unit === 'string' ? data.scope_unit : null;
  const user = typeof data.scope_user === 'string' ? data.scope_user : null;
  if (unit && user) return [{ pointer: '/data/scope_user', message: 'a key result is scoped to an org unit or a person, not both', code: 'okr.scope-both' }];
  const admin = caller.userId === null || caller.roles.includes('admin');
  const reach = !admin && caller.roles.includes('manager') && caller.orgUnitId ? await unitsUnder(s, caller.orgUnitId) : new Set<string>();
  if (unit) {
    const found = (await s.directory.orgUnits()).find((u) => u.id === unit);
    if (!found) return [{ pointer: '/data/scope_unit', message: `there is no org unit "${unit}"`, code: 'okr.unknown-unit' }];
    if (!['company', 'region', 'team'].includes(found.kind)) return [{ pointer: '/data/scope_unit', message: `metrics split by company, office and team; "${unit}" is a ${found.kind}`, code: 'okr.unit-kind' }];
    if (!admin && !reach.has(unit)) return [{ pointer: '/data/scope_unit', message: 'you may scope key results only to your own unit or units under it', code: 'okr.scope-out-of-reach' }];
    return [];
  }
  if (user) {
    const found = await s.directory.user(user);
    if (!found) return [{ pointer: '/data/scope_user', message: `there is no user "${user}"`, code: 'okr.unknown-user' }];
    if (!admin && user !== caller.userId && !(found.orgUnitId && reach.has(found.orgUnitId))) return [{ pointer: '/data/scope_user', message: 'you may scope key results only to yourself or people of your units', code: 'okr.scope-out-of-reach' }];
    return [];
  }
  if (!admin) return [{ pointer: '/data/scope_unit', message: 'only admins set company-wide metric key results; name your unit or a person', code: 'okr.scope-out-of-reach' }];
  return [];
}
