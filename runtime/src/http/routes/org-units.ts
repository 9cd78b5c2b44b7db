import { NotFoundError, PipewrightError, ValidationError } from '@pipewright/core';
import type { Kysely } from 'kysely';
import { auditAction } from '../../auth/audit';
import { adminOnly, requireScope } from '../../auth/guards';
import { wouldCycle } from '../../auth/org-tree';
import type { Database } from '../../db/tables';
import { listOf, ref } from '../../openapi/identity';
import { RouteTable } from '../declare';
import { SLUG, stringMember } from '../input';

const KINDS = ['company', 'region', 'team'] as const;
type Kind = (typeof KINDS)[number];
const view = (u: { id: string; name: string; kind: Kind; parent_id: string | null }) => ({ id: u.id, name: u.name, kind: u.kind, parent: u.parent_id });

/**
 * `/api/org-units`: the org tree (company -> region -> team) for every signed-in user; admins
 * add units, rename and move them (no cycles), audited as `org-unit.create` / `org-unit.update`.
 *
 * @example
 * ```ts
 * app.route('/api/org-units', orgUnitRoutes(db, now));
 * ```
 */
export function orgUnitRoutes(db: Kysely<Database>, now: () => Date): RouteTable {
  const t = new RouteTable('/api/org-units', ['identity']);

  t.on({ method: 'get', path: '/', operationId: 'listOrgUnits', summary: 'The org tree', guards: [requireScope('read')], responses: { 200: { description: 'The org units', schema: listOf('OrgUnit') } }, errors: [403] }, async (c) => c.json({ items: (await db.selectFrom('org_units').select(['id', 'name', 'kind', 'parent_id']).orderBy('id').execute()).map(view) }));

  t.on({ method: 'post', path: '/', operationId: 'createOrgUnit', summary: 'Add an org unit (admin)', guards: [adminOnly()], body: { type: 'object', required: ['id', 'name', 'kind'], additionalProperties: false, properties: { id: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string', enum: [...KINDS] }, parent: { type: ['string', 'null'] } } }, responses: { 201: { description: 'Created', schema: ref('OrgUnit') } }, errors: [403, 409] }, async (c, { body }) => {
    const id = stringMember(body, 'id', { max: 100, pattern: SLUG });
    const name = stringMember(body, 'name');
    const kind = stringMember(body, 'kind') as Kind;
    if (!KINDS.includes(kind)) throw new ValidationError({ code: 'body.invalid', message: `"kind" must be one of ${KINDS.join(', ')}.`, details: [{ pointer: '/kind', message: 'unknown kind', code: 'enum' }] });
    const parent = body.parent === null ? null : (stringMember(body, 'parent', { max: 100, optional: true }) ?? null);
    if ((kind === 'company') !== (parent === null)) throw new ValidationError({ code: 'org-unit.parent', message: 'A company has no parent; regions and teams need one.', details: [{ pointer: '/parent', message: kind === 'company' ? 'must be absent' : 'is required', code: 'parent' }] });
    const at = now();
    const created = await db.transaction().execute(async (tx) => {
      if (parent && !(await tx.selectFrom('org_units').select('id').where('id', '=', parent).executeTakeFirst())) throw new ValidationError({ code: 'org-unit.parent', message: `There is no org unit "${parent}".`, details: [{ pointer: '/parent', message: 'no such org unit', code: 'unknown-reference' }] });
      if (await tx.selectFrom('org_units').select('id').where('id', '=', id).executeTakeFirst()) throw new PipewrightError({ code: 'org-unit.id-taken', status: 409, message: `There is already an org unit "${id}".` });
      const row = await tx.insertInto('org_units').values({ id, name, kind, parent_id: parent }).returning(['id', 'name', 'kind', 'parent_id']).executeTakeFirstOrThrow();
      await auditAction(tx, { actor: c.get('actor'), action: 'org-unit.create', subject: `org-unit:${id}`, before: null, after: view(row), at });
      return view(row);
    });
    return c.json(created, 201);
  });

  t.on({ method: 'patch', path: '/:id', operationId: 'updateOrgUnit', summary: 'Rename or move an org unit (admin)', guards: [adminOnly()], body: { type: 'object', additionalProperties: false, properties: { name: { type: 'string' }, parent: { type: 'string' } } }, responses: { 200: { description: 'The org unit', schema: ref('OrgUnit') } }, errors: [403, 404] }, async (c, { body, param }) => {
    const id = param('id');
    const name = stringMember(body, 'name', { optional: true });
    const parent = stringMember(body, 'parent', { max: 100, optional: true });
    const at = now();
    const updated = await db.transaction().execute(async (tx) => {
      const current = await tx.selectFrom('org_units').select(['id', 'name', 'kind', 'parent_id']).where('id', '=', id).forUpdate().executeTakeFirst();
      if (!current) throw new NotFoundError(`There is no org unit "${id}".`);
      // An empty merge patch changes nothing (and an UPDATE without a SET is not SQL).
      if (name === undefined && parent === undefined) return view(current);
      if (parent !== undefined) {
        if (current.kind === 'company') throw new ValidationError({ code: 'org-unit.parent', message: 'A company has no parent.', details: [{ pointer: '/parent', message: 'must be absent', code: 'parent' }] });
        if (!(await tx.selectFrom('org_units').select('id').where('id', '=', parent).executeTakeFirst())) throw new ValidationError({ code: 'org-unit.parent', message: `There is no org unit "${parent}".`, details: [{ pointer: '/parent', message: 'no such org unit', code: 'unknown-reference' }] });
        if (await wouldCycle(tx, id, parent)) throw new ValidationError({ code: 'org-unit.cycle', message: `"${parent}" is inside "${id}"; the tree cannot loop.`, details: [{ pointer: '/parent', message: 'would make a cycle', code: 'cycle' }] });
      }
      const row = await tx
        .updateTable('org_units')
        .set({ ...(name !== undefined ? { name } : {}), ...(parent !== undefined ? { parent_id: parent } : {}) })
        .where('id', '=', id)
        .returning(['id', 'name', 'kind', 'parent_id'])
        .executeTakeFirstOrThrow();
      await auditAction(tx, { actor: c.get('actor'), action: 'org-unit.update', subject: `org-unit:${id}`, before: view(current), after: view(row), at });
      return view(row);
    });
    return c.json(updated);
  });

  return t;
}
