import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { forbidden } from '../auth/errors';
import { isUnrestricted, type Principal } from '../auth/principal';
import type { Database } from '../db/tables';

/**
 * Extra record visibility a plugin contributes for a principal, as SQL conditions over the
 * `records` row (refer to it as `records.<column>`). The handoff plugin, for one, lets marketing
 * and presales see the records handed to them. Return null to add nothing.
 *
 * @example
 * ```ts
 * policy.addHook((p) => p.roles.includes('presales')
 *   ? { read: sql<boolean>`records.id in (select record_id from handoffs where assignee = ${p.userId})` }
 *   : null);
 * ```
 */
export type VisibilityHook = (p: Principal) => { read?: RawBuilder<boolean>; edit?: RawBuilder<boolean> } | null;

/**
 * Who sees and edits which records, as SQL conditions every read and write starts from, so
 * single reads, lists, search, counts, exports and imports obey the same rule:
 *
 * - admins and system work: everything;
 * - everyone: records they own, records shared with them (`record_shares`; `edit` shares also
 *   allow changes), and company-wide reference records (no owner and no org unit; read only);
 * - managers: records whose org unit is in their unit's subtree, or whose owner belongs to it
 *   (deactivated reps included, until their records are reassigned);
 * - anything a {@link VisibilityHook} adds.
 *
 * @example
 * ```ts
 * const visible = policy.read(principal); // null when unrestricted
 * if (visible) query = query.where(visible);
 * ```
 */
export class AccessPolicy {
  private readonly hooks: VisibilityHook[] = [];

  /** Adds a visibility hook (plugins, the handoff rules). */
  addHook(hook: VisibilityHook): void {
    this.hooks.push(hook);
  }

  /** Condition for records the principal may see; null when unrestricted. */
  read(p: Principal): RawBuilder<boolean> | null {
    if (isUnrestricted(p)) return null;
    const uid = p.userId ?? '';
    const parts: RawBuilder<boolean>[] = [
      sql<boolean>`records.owner_id = ${uid}`,
      sql<boolean>`(records.owner_id is null and records.org_unit_id is null)`,
      sql<boolean>`records.id in (select s.record_id from record_shares s where s.user_id = ${uid})`,
      ...this.subtree(p),
      ...this.hooks.flatMap((h) => h(p)?.read ?? []),
    ];
    return sql<boolean>`(${sql.join(parts, sql` or `)})`;
  }

  /** Whether a visibility hook widens what the principal reads (then only a scan of records counts exactly). */
  widened(p: Principal): boolean {
    return !isUnrestricted(p) && this.hooks.some((h) => h(p)?.read !== undefined);
  }

  /** Condition for records the principal may change; null when unrestricted. */
  edit(p: Principal): RawBuilder<boolean> | null {
    if (isUnrestricted(p)) return null;
    const uid = p.userId ?? '';
    const parts: RawBuilder<boolean>[] = [
      sql<boolean>`records.owner_id = ${uid}`,
      sql<boolean>`records.id in (select s.record_id from record_shares s where s.user_id = ${uid} and s.access = 'edit')`,
      ...this.subtree(p),
      ...this.hooks.flatMap((h) => h(p)?.edit ?? []),
    ];
    return sql<boolean>`(${sql.join(parts, sql` or `)})`;
  }

  /** Whether one record satisfies a condition (inside the caller's transaction). */
  async holds(db: Kysely<Database> | Transaction<Database>, id: string, condition: RawBuilder<boolean> | null): Promise<boolean> {
    if (!condition) return true;
    return (await db.selectFrom('records').select('id').where('id', '=', id).where(condition).executeTakeFirst()) !== undefined;
  }

  /**
   * Refuses (403) giving a record an owner or org unit outside the principal's reach: others may
   * assign only themselves, and managers also users and units of their subtree.
   */
  async assertAssignable(db: Kysely<Database> | Transaction<Database>, p: Principal, target: { owner?: string | null; orgUnit?: string | null }): Promise<void> {
    if (isUnrestricted(p)) return;
    if (target.owner && target.owner !== p.userId) {
      const owner = await db.selectFrom('users').select('org_unit_id').where('id', '=', target.owner).executeTakeFirst();
      if (owner && !(owner.org_unit_id && p.visibleUnits.includes(owner.org_unit_id))) throw forbidden(`You cannot assign records to "${target.owner}".`, '/owner');
    }
    if (target.orgUnit && target.orgUnit !== p.orgUnitId && !p.visibleUnits.includes(target.orgUnit)) {
      throw forbidden(`You cannot put records in org unit "${target.orgUnit}".`, '/orgUnit');
    }
  }

  // Subqueries are `in (...)` rather than correlated `exists`: PostgreSQL runs each once, as a
  // hashed subplan, instead of once per row.
  private subtree(p: Principal): RawBuilder<boolean>[] {
    if (p.visibleUnits.length === 0) return [];
    const units = sql.join(p.visibleUnits.map((u) => sql`${u}`));
    return [sql<boolean>`records.org_unit_id in (${units})`, sql<boolean>`records.owner_id in (select u.id from users u where u.org_unit_id in (${units}))`];
  }
}
