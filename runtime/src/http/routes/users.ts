import { NotFoundError, ValidationError } from '@pipewright/core';
import type { Kysely } from 'kysely';
import { forbidden } from '../../auth/errors';
import { adminOnly, requireScope } from '../../auth/guards';
import { passwordProblem } from '../../auth/password';
import { hasRole, type Principal } from '../../auth/principal';
import { ROLES } from '../../auth/roles';
import type { SignInLimits } from '../../auth/sign-in-limits';
import { auditAction } from '../../auth/audit';
import { createUser, updateUser, USER_COLUMNS, userView, type UserPatch } from '../../auth/users';
import type { Database } from '../../db/tables';
import { ref, listOf, roles } from '../../openapi/identity';
import { RouteTable } from '../declare';
import { booleanMember, EMAIL, enumArrayMember, SLUG, stringMember } from '../input';

const userWrite = { name: { type: 'string' }, email: { type: 'string' }, orgUnit: { type: ['string', 'null'] }, roles, password: { type: 'string', writeOnly: true } };

const slug = (s: string): string => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function password(body: Record<string, unknown>): string | undefined {
  const pw = stringMember(body, 'password', { max: 256, optional: true, trim: false });
  const problem = pw === undefined ? null : passwordProblem(pw);
  if (problem) throw new ValidationError({ code: 'user.weak-password', message: `The password ${problem}.`, details: [{ pointer: '/password', message: problem, code: 'password' }] });
  return pw;
}

function orgUnit(body: Record<string, unknown>): string | null | undefined {
  return body.orgUnit === null ? null : stringMember(body, 'orgUnit', { max: 100, optional: true });
}

/** Which users a principal may read: admins all, managers their subtree, anyone themselves. */
function canRead(p: Principal, user: { id: string; org_unit_id: string | null }): boolean {
  return hasRole(p, 'admin') || user.id === p.userId || (user.org_unit_id !== null && p.visibleUnits.includes(user.org_unit_id));
}

/**
 * `/api/users`: admins create, change, deactivate, reactivate and unlock (sign-in limits) users
 * (all audited); managers
 * list the users of their subtree; everyone reads themselves. Users are never deleted, so no
 * record is ever orphaned. Password hashes never leave the database.
 *
 * @example
 * ```ts
 * app.route('/api/users', userRoutes(db, now));
 * ```
 */
export function userRoutes(db: Kysely<Database>, now: () => Date, signIn?: SignInLimits, onDeactivated?: (userId: string) => Promise<void>): RouteTable {
  const t = new RouteTable('/api/users', ['identity']);
  const user = { 200: { description: 'The user', schema: ref('User') } };
  /** Updates a user; a user this deactivates is then told to the plugins (after the commit). */
  const updateAndTell = async (id: string, patch: UserPatch, actor: Principal) => {
    const wasActive = patch.active === false ? (await db.selectFrom('users').select('active').where('id', '=', id).executeTakeFirst())?.active === true : false;
    const view = await updateUser(db, id, patch, actor, now());
    if (wasActive && onDeactivated) await onDeactivated(id);
    return view;
  };

  t.on({ method: 'get', path: '/', operationId: 'listUsers', summary: 'Users (admins: all; managers: their subtree)', guards: [requireScope('read')], query: { active: { type: 'boolean' } }, responses: { 200: { description: 'The users', schema: listOf('User') } }, errors: [403, 429] }, async (c, { query }) => {
    const p = c.get('actor');
    if (!hasRole(p, 'admin') && !hasRole(p, 'manager')) throw forbidden('Only admins and managers list users; see GET /api/auth/me for yourself.');
    let q = db.selectFrom('users').select(USER_COLUMNS);
    if (!hasRole(p, 'admin')) q = p.visibleUnits.length ? q.where('org_unit_id', 'in', [...p.visibleUnits]) : q.where('id', '=', p.userId ?? '');
    if (query.active !== undefined) q = q.where('active', '=', query.active === 'true');
    return c.json({ items: (await q.orderBy('id').execute()).map(userView) });
  });

  // Names only, for every signed-in user: records, histories and boards name owners and actors
  // (the org tree is as open, GET /api/org-units); emails, roles and units stay with GET /.
  const names = { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object', required: ['id', 'name', 'active'], properties: { id: { type: 'string' }, name: { type: 'string' }, active: { type: 'boolean' } } } } } };
  t.on({ method: 'get', path: '/names', operationId: 'listUserNames', summary: 'The name of every user (active or not), for naming owners and actors; every signed-in user may read it', guards: [requireScope('read')], responses: { 200: { description: 'Names', schema: names } }, errors: [403] }, async (c) => {
    const rows = await db.selectFrom('users').select(['id', 'name', 'active']).orderBy('name').orderBy('id').execute();
    return c.json({ items: rows.map((r) => ({ id: r.id, name: r.name, active: r.active })) });
  });

  t.on({ method: 'get', path: '/:id', operationId: 'getUser', summary: 'A user (admins; managers in their subtree; yourself)', guards: [requireScope('read')], responses: user, errors: [404] }, async (c, { param }) => {
    const row = await db.selectFrom('users').select(USER_COLUMNS).where('id', '=', param('id')).executeTakeFirst();
    if (!row || !canRead(c.get('actor'), row)) throw new NotFoundError(`There is no user "${param('id')}".`);
    return c.json(userView(row));
  });

  t.on({ method: 'post', path: '/', operationId: 'createUser', summary: 'Create a user (admin)', guards: [adminOnly()], body: { type: 'object', required: ['name', 'email', 'roles'], additionalProperties: false, properties: { id: { type: 'string' }, ...userWrite } }, responses: { 201: { description: 'Created', schema: ref('User') } }, errors: [403, 409, 429] }, async (c, { body }) => {
    const name = stringMember(body, 'name');
    const id = stringMember(body, 'id', { max: 100, pattern: SLUG, optional: true }) ?? slug(name);
    if (!SLUG.test(id)) throw new ValidationError({ code: 'body.invalid', message: 'Give the user an "id" (a slug such as "kim-lee").', details: [{ pointer: '/id', message: 'is required for this name', code: 'required' }] });
    const pw = password(body);
    const view = await createUser(
      db,
      { id, name, email: stringMember(body, 'email', { max: 254, pattern: EMAIL }), orgUnit: orgUnit(body) ?? null, roles: enumArrayMember(body, 'roles', ROLES, { nonEmpty: true }) ?? [], ...(pw === undefined ? {} : { password: pw }) },
      c.get('actor'),
      now(),
    );
    c.header('Location', `/api/users/${view.id}`);
    return c.json(view, 201);
  });

  t.on({ method: 'patch', path: '/:id', operationId: 'updateUser', summary: 'Change a user: name, email, unit, roles, password, active (admin)', guards: [adminOnly()], body: { type: 'object', additionalProperties: false, properties: { ...userWrite, active: { type: 'boolean' } } }, responses: user, errors: [403, 404, 409] }, async (c, { body, param }) => {
    const patch: UserPatch = {};
    const name = stringMember(body, 'name', { optional: true });
    const email = stringMember(body, 'email', { max: 254, pattern: EMAIL, optional: true });
    const unit = orgUnit(body);
    const roles = enumArrayMember(body, 'roles', ROLES, { optional: true, nonEmpty: true });
    const pw = password(body);
    const active = booleanMember(body, 'active');
    if (name !== undefined) patch.name = name;
    if (email !== undefined) patch.email = email;
    if (unit !== undefined) patch.orgUnit = unit;
    if (roles !== undefined) patch.roles = roles;
    if (pw !== undefined) patch.password = pw;
    if (active !== undefined) patch.active = active;
    return c.json(await updateAndTell(param('id'), patch, c.get('actor')));
  });

  t.on({ method: 'post', path: '/:id/deactivate', operationId: 'deactivateUser', summary: 'Deactivate: ends sessions, revokes tokens, keeps records (admin)', guards: [adminOnly()], responses: user, errors: [403, 404, 409] }, async (c, { param }) => c.json(await updateAndTell(param('id'), { active: false }, c.get('actor'))));
  if (signIn) {
    // Lifts the sign-in limits of the account (failures from every address), audited.
    t.on({ method: 'post', path: '/:id/unlock', operationId: 'unlockUser', summary: 'Lift the sign-in limits of an account after failed sign-ins (admin)', guards: [adminOnly()], responses: { 200: { description: 'Unlocked', schema: { type: 'object', required: ['id', 'cleared'], properties: { id: { type: 'string' }, cleared: { type: 'integer', minimum: 0 } } } } }, errors: [403, 404] }, async (c, { param }) => {
      const id = param('id');
      const user = await db.selectFrom('users').select(['id', 'email']).where('id', '=', id).executeTakeFirst();
      if (!user) throw new NotFoundError(`There is no user "${id}".`, { user: id });
      const cleared = await signIn.unlock({ email: user.email });
      await auditAction(db, { actor: c.get('actor'), action: 'auth.unlock', subject: `user:${user.id}`, before: null, after: null, at: now(), meta: { cleared } });
      return c.json({ id: user.id, cleared });
    });
  }
  t.on({ method: 'post', path: '/:id/reactivate', operationId: 'reactivateUser', summary: 'Reactivate a user (admin)', guards: [adminOnly()], responses: user, errors: [403, 404] }, async (c, { param }) => c.json(await updateUser(db, param('id'), { active: true }, c.get('actor'), now())));

  return t;
}
