import { NotFoundError, PipewrightError, ValidationError } from '@pipewright/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/tables';
import { auditAction } from './audit';
import { hashPassword } from './password';
import type { Principal } from './principal';
import { isRole, type Role } from './roles';
import { endUserSessions } from './sessions';
import { isoTime, isoTimeOrNull } from '../db/time';

/** A user as the API shows it: never the password hash. */
export interface UserView {
  id: string;
  name: string;
  email: string;
  orgUnit: string | null;
  roles: Role[];
  active: boolean;
  createdAt: string;
  deactivatedAt: string | null;
}

/** The only user columns ever read for a response; `password_hash` is deliberately absent. */
export const USER_COLUMNS = ['id', 'name', 'email', 'org_unit_id', 'roles', 'active', 'created_at', 'deactivated_at'] as const;

type UserRow = { id: string; name: string; email: string; org_unit_id: string | null; roles: string[]; active: boolean; created_at: Date | string; deactivated_at: Date | string | null };

/**
 * Maps a user row (public columns only) to its view.
 *
 * @example
 * ```ts
 * userView(await db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirstOrThrow());
 * ```
 */
export function userView(r: UserRow): UserView {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    orgUnit: r.org_unit_id,
    roles: (Array.isArray(r.roles) ? r.roles : []).filter(isRole),
    active: r.active,
    createdAt: isoTime(r.created_at),
    deactivatedAt: isoTimeOrNull(r.deactivated_at),
  };
}

export interface NewUser {
  id: string;
  name: string;
  email: string;
  orgUnit: string | null;
  roles: Role[];
  password?: string;
}

export interface UserPatch {
  name?: string;
  email?: string;
  orgUnit?: string | null;
  roles?: Role[];
  password?: string;
  active?: boolean;
}

type Db = Kysely<Database> | Transaction<Database>;

async function checkUnit(db: Db, unit: string | null | undefined): Promise<void> {
  if (!unit) return;
  const hit = await db.selectFrom('org_units').select('id').where('id', '=', unit).executeTakeFirst();
  if (!hit) throw new ValidationError({ code: 'user.unknown-org-unit', message: `There is no org unit "${unit}".`, details: [{ pointer: '/orgUnit', message: 'no such org unit', code: 'unknown-reference' }] });
}

async function checkEmailFree(db: Db, email: string, except?: string): Promise<void> {
  let q = db.selectFrom('users').select('id').where(sql<boolean>`lower(email) = ${email.toLowerCase()}`);
  if (except) q = q.where('id', '<>', except);
  if (await q.executeTakeFirst()) throw new PipewrightError({ code: 'user.email-taken', status: 409, message: `Another user has the email "${email}".` });
}

async function activeAdmins(db: Db): Promise<number> {
  const r = await db.selectFrom('users').select(sql<number>`count(*)::int`.as('n')).where('active', '=', true).where(sql<boolean>`roles ? 'admin'`).executeTakeFirstOrThrow();
  return r.n;
}

/**
 * Creates a user (admin action, audited as `user.create`). Without a password the user can only
 * be reached through tokens until an admin sets one.
 *
 * @example
 * ```ts
 * await createUser(db, { id: 'kim', name: 'Kim', email: 'kim@example.com', orgUnit: 'team-a', roles: ['rep'], password }, actor, new Date());
 * ```
 */
export async function createUser(db: Kysely<Database>, input: NewUser, actor: Principal | { id: string }, now: Date): Promise<UserView> {
  const hash = input.password === undefined ? null : await hashPassword(input.password);
  return db.transaction().execute(async (tx) => {
    if (await tx.selectFrom('users').select('id').where('id', '=', input.id).executeTakeFirst()) {
      throw new PipewrightError({ code: 'user.id-taken', status: 409, message: `There is already a user "${input.id}".` });
    }
    await checkEmailFree(tx, input.email);
    await checkUnit(tx, input.orgUnit);
    const row = await tx
      .insertInto('users')
      .values({ id: input.id, name: input.name, email: input.email.toLowerCase(), org_unit_id: input.orgUnit, roles: JSON.stringify(input.roles), password_hash: hash })
      .returning(USER_COLUMNS)
      .executeTakeFirstOrThrow();
    const view = userView(row);
    await auditAction(tx, { actor, action: 'user.create', subject: `user:${view.id}`, before: null, after: view, at: now, meta: { passwordSet: hash !== null } });
    return view;
  });
}

/**
 * Changes a user (admin action). Audited as `user.role-change`, `user.deactivate`,
 * `user.reactivate` or `user.update`, with the password never recorded (only that it changed).
 * Deactivating ends the user's sessions and revokes their tokens; their records stay where they
 * are, visible to their manager until reassigned. The last active admin cannot be demoted.
 *
 * @example
 * ```ts
 * await updateUser(db, 'dustin-brinkmann', { active: false }, actor, new Date());
 * ```
 */
export async function updateUser(db: Kysely<Database>, id: string, patch: UserPatch, actor: Principal, now: Date): Promise<UserView> {
  const hash = patch.password === undefined ? undefined : await hashPassword(patch.password);
  return db.transaction().execute(async (tx) => {
    const current = await tx.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw new NotFoundError(`There is no user "${id}".`);
    const before = userView(current);
    if (patch.email !== undefined) await checkEmailFree(tx, patch.email, id);
    await checkUnit(tx, patch.orgUnit);
    const deactivating = patch.active === false && before.active;
    const reactivating = patch.active === true && !before.active;
    if (deactivating && actor.userId === id) throw new PipewrightError({ code: 'user.self-deactivate', status: 409, message: 'You cannot deactivate yourself; ask another admin.' });
    const losesAdmin = before.roles.includes('admin') && before.active && (deactivating || (patch.roles !== undefined && !patch.roles.includes('admin')));
    if (losesAdmin && (await activeAdmins(tx)) <= 1) {
      throw new PipewrightError({ code: 'user.last-admin', status: 409, message: 'This is the last active admin; make another user an admin first.' });
    }
    const changes = {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.email !== undefined ? { email: patch.email.toLowerCase() } : {}),
      ...(patch.orgUnit !== undefined ? { org_unit_id: patch.orgUnit } : {}),
      ...(patch.roles !== undefined ? { roles: JSON.stringify(patch.roles) } : {}),
      ...(hash !== undefined ? { password_hash: hash } : {}),
      ...(deactivating ? { active: false, deactivated_at: now } : {}),
      ...(reactivating ? { active: true, deactivated_at: null } : {}),
    };
    if (Object.keys(changes).length === 0) return before;
    const row = await tx.updateTable('users').set(changes).where('id', '=', id).returning(USER_COLUMNS).executeTakeFirstOrThrow();
    const after = userView(row);
    const meta: Record<string, unknown> = {};
    if (hash !== undefined) meta.passwordChanged = true;
    if (deactivating || hash !== undefined) meta.sessionsEnded = await endUserSessions(tx, id);
    if (deactivating) {
      const revoked = await tx.updateTable('api_tokens').set({ revoked_at: now }).where('user_id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      meta.tokensRevoked = Number(revoked.numUpdatedRows);
      meta.recordsOwned = (await tx.selectFrom('records').select(sql<number>`count(*)::int`.as('n')).where('owner_id', '=', id).where('deleted_at', 'is', null).executeTakeFirstOrThrow()).n;
    }
    const rolesChanged = patch.roles !== undefined && JSON.stringify([...before.roles].sort()) !== JSON.stringify([...after.roles].sort());
    const action = deactivating ? 'user.deactivate' : reactivating ? 'user.reactivate' : rolesChanged ? 'user.role-change' : 'user.update';
    await auditAction(tx, { actor, action, subject: `user:${id}`, before, after, at: now, meta });
    return after;
  });
}
