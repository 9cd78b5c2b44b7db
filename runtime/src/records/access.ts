import { PipewrightError } from '@pipewright/core';
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
/** An extra read condition for one entity, given who reads; null adds nothing. */
export type Restriction = (p: Principal) => RawBuilder<boolean> | null;

export type VisibilityHook = (p: Principal) => { read?: RawBuilder<boolean>; edit?: RawBuilder<boolean> } | null;

/** What {@link AccessPolicy.readKeys} answers: the owners, org units and shares that make records visible. */
export interface ReadKeys {
  /** A query of one text column `key`: the users whose records are visible (the principal, a manager's subtree's users). */
  owners: RawBuilder<unknown>;
  /** The org units whose records are visible (a manager's subtree). */
  units: readonly string[];
  /** Records with neither owner nor org unit (company-wide reference records) are visible. */
  ownerless: boolean;
  /** Records shared with this user are visible. */
  sharedWith: string;
}

/**
 * Who sees and edits which records, as SQL conditions every read and write starts from, so
 * single reads, lists, search, counts, exports and imports obey the same rule:
 *
 * - admins and system work: everything;
 * - everyone: records they own, records shared with them (`record_shares`; `edit` shares also
 *   allow changes), and company-wide reference records (no owner and no org unit; read only);
 * - managers: records whose org unit is in their unit's subtree, or whose owner belongs to it
 *   (deactivated reps included, until their records are reassigned);
 * - users a record is about: those named in its entity's audience fields (read only);
 * - records an entity's widening admits (a plugin's `visibility.widen`, read only);
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
  private readonly restrictions = new Map<string, Restriction[]>();
  private readonly widenings = new Map<string, Restriction[]>();

  /**
   * @param audienceOf the audience fields of every entity that declares some (entity type ->
   *   body fields holding a user id or an array of user ids); those users may read the record.
   */
  constructor(private readonly audienceOf: () => ReadonlyMap<string, readonly string[]> = () => new Map()) {}

  /** Adds a visibility hook (plugins, the handoff rules). */
  addHook(hook: VisibilityHook): void {
    this.hooks.push(hook);
  }

  /**
   * Adds an extra read condition for one entity (a plugin's visibility rule): a record of that
   * type is visible only when it also holds. Admins and system work are not narrowed.
   */
  addRestriction(type: string, restriction: Restriction): void {
    this.restrictions.set(type, [...(this.restrictions.get(type) ?? []), restriction]);
  }

  /**
   * Widens what one entity's records admit (a plugin's `visibility.widen`): a record of that type
   * is also readable when the condition holds (reads only: {@link edit} does not change).
   * Restrictions of the type still apply on top.
   */
  addWidening(type: string, widening: Restriction): void {
    this.widenings.set(type, [...(this.widenings.get(type) ?? []), widening]);
  }

  /**
   * Condition for records the principal may see; null when unrestricted. Given the type the
   * caller reads, only that entity's audience fields are added; otherwise every entity's.
   * Restrictions of the type (or, without a type, of every restricted type) are and-ed on.
   */
  read(p: Principal, type?: string): RawBuilder<boolean> | null {
    if (isUnrestricted(p)) return null;
    const base = this.#base(p, type);
    const narrowed: RawBuilder<boolean>[] = [];
    for (const [t, list] of this.restrictions) {
      if (type !== undefined && t !== type) continue;
      const conditions = list.flatMap((r) => r(p) ?? []);
      if (conditions.length === 0) continue;
      const all = sql<boolean>`(${sql.join(conditions, sql` and `)})`;
      narrowed.push(type !== undefined ? all : sql<boolean>`(records.type <> ${t} or ${all})`);
    }
    return narrowed.length === 0 ? base : sql<boolean>`(${base} and ${sql.join(narrowed, sql` and `)})`;
  }

  #base(p: Principal, type: string | undefined): RawBuilder<boolean> {
    const uid = p.userId ?? '';
    const parts: RawBuilder<boolean>[] = [
      sql<boolean>`records.owner_id = ${uid}`,
      sql<boolean>`(records.owner_id is null and records.org_unit_id is null)`,
      sql<boolean>`records.id in (select s.record_id from record_shares s where s.user_id = ${uid})`,
      ...this.subtree(p),
      ...(p.userId ? this.audience(p.userId, type) : []),
      ...this.hooks.flatMap((h) => h(p)?.read ?? []),
      ...this.widened_(p, type),
    ];
    return sql<boolean>`(${sql.join(parts, sql` or `)})`;
  }

  /** The widenings of the type (or, without a type, of every widened type, each under its type). */
  private widened_(p: Principal, type: string | undefined): RawBuilder<boolean>[] {
    const out: RawBuilder<boolean>[] = [];
    for (const [t, list] of this.widenings) {
      if (type !== undefined && t !== type) continue;
      for (const w of list) {
        const c = w(p);
        if (c) out.push(type !== undefined ? c : sql<boolean>`(records.type = ${t} and ${c})`);
      }
    }
    return out;
  }

  /**
   * Whether the principal's read condition for a type needs more than a record's owner, org unit
   * and shares (a visibility hook, or audience fields of the type): then only a scan of the
   * records counts them exactly.
   */
  widened(p: Principal, type: string): boolean {
    if (isUnrestricted(p)) return false;
    return this.hooks.some((h) => h(p)?.read !== undefined) || (this.restrictions.get(type)?.some((r) => r(p) !== null) ?? false) || (this.widenings.get(type)?.some((w) => w(p) !== null) ?? false) || (p.userId !== null && (this.audienceOf().get(type)?.length ?? 0) > 0);
  }

  /**
   * The keys through which {@link read} admits a principal's records, for reads driven by an
   * index on owner or org unit (the board's columns); null when unrestricted. Unless
   * {@link widened} holds, every record `read()` admits has its owner among `owners`, its org unit
   * among `units`, neither owner nor org unit (`ownerless`), or a share to `sharedWith`: keep
   * the two in step (`board-column.test.ts` compares them for every role).
   *
   * @example
   * ```ts
   * const keys = policy.readKeys(principal); // { owners: sql`select 'rick-rep' as key`, units: [], ... }
   * ```
   */
  readKeys(p: Principal): ReadKeys | null {
    if (isUnrestricted(p)) return null;
    const uid = p.userId ?? '';
    const units = p.visibleUnits;
    const inUnits = units.length ? sql` union select u.id from users u where u.org_unit_id in (${sql.join(units.map((u) => sql`${u}`))})` : sql``;
    return { owners: sql`select ${uid}::text as key${inUnits}`, units, ownerless: true, sharedWith: uid };
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

  /**
   * Refuses (403 `record.reassign-forbidden`) changing a record's owner or org unit unless the
   * principal is an admin (or system work) or a manager whose subtree holds the record (by its
   * org unit or its owner's unit). Shares, even `edit` ones, and owning the record do not give it.
   */
  async assertMayReassign(db: Kysely<Database> | Transaction<Database>, p: Principal, record: { owner_id: string | null; org_unit_id: string | null }, changed: { owner: boolean; orgUnit: boolean }): Promise<void> {
    if (isUnrestricted(p) || (!changed.owner && !changed.orgUnit)) return;
    if (p.visibleUnits.length > 0) {
      if (record.org_unit_id && p.visibleUnits.includes(record.org_unit_id)) return;
      const owner = record.owner_id ? await db.selectFrom('users').select('org_unit_id').where('id', '=', record.owner_id).executeTakeFirst() : undefined;
      if (owner?.org_unit_id && p.visibleUnits.includes(owner.org_unit_id)) return;
    }
    const pointers = [...(changed.owner ? ['/owner'] : []), ...(changed.orgUnit ? ['/orgUnit'] : [])];
    throw new PipewrightError({
      code: 'record.reassign-forbidden',
      status: 403,
      message: "Only the owner's manager or an admin can change who owns a record or which org unit it belongs to; a share, even for editing, does not allow it.",
      details: pointers.map((pointer) => ({ pointer, message: 'needs the owner\'s manager or an admin', code: 'forbidden' })),
    });
  }

  /**
   * The user is named in one of the record's audience fields: `data->>'f' = user` for a user id
   * (the form the entity's expression indexes use), `data->'f' ? user` for an array of them.
   */
  private audience(userId: string, type: string | undefined): RawBuilder<boolean>[] {
    const out: RawBuilder<boolean>[] = [];
    for (const [entity, fields] of this.audienceOf()) {
      if (type !== undefined && entity !== type) continue;
      const named = fields.map((f) => sql<boolean>`(case when jsonb_typeof(records.data->${sql.lit(f)}) = 'array' then (records.data->${sql.lit(f)}) ? ${userId} else (records.data->>${sql.lit(f)}) = ${userId} end)`);
      if (named.length === 0) continue;
      const any = sql<boolean>`(${sql.join(named, sql` or `)})`;
      out.push(type !== undefined ? any : sql<boolean>`(records.type = ${entity} and ${any})`);
    }
    return out;
  }

  // Subqueries are `in (...)` rather than correlated `exists`: PostgreSQL runs each once, as a
  // hashed subplan, instead of once per row.
  private subtree(p: Principal): RawBuilder<boolean>[] {
    if (p.visibleUnits.length === 0) return [];
    const units = sql.join(p.visibleUnits.map((u) => sql`${u}`));
    return [sql<boolean>`records.org_unit_id in (${units})`, sql<boolean>`records.owner_id in (select u.id from users u where u.org_unit_id in (${units}))`];
  }
}
