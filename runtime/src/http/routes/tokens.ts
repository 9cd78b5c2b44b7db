import { ValidationError } from '@pipewright/core';
import type { Kysely } from 'kysely';
import { adminOnly } from '../../auth/guards';
import { SCOPES } from '../../auth/roles';
import { createToken, listTokens, revokeToken } from '../../auth/tokens';
import type { Database } from '../../db/tables';
import { listOf, ref, scopes } from '../../openapi/identity';
import { RouteTable } from '../declare';
import { enumArrayMember, SLUG, stringMember } from '../input';

/**
 * `/api/tokens` (admins only): create a bearer token for a user with scopes and an expiry (the
 * secret is in the 201 response, once, and stored only hashed), list tokens without secrets,
 * revoke one with DELETE. Creation and revocation are audited.
 *
 * @example
 * ```ts
 * app.route('/api/tokens', tokenRoutes(db, now));
 * ```
 */
export function tokenRoutes(db: Kysely<Database>, now: () => Date): RouteTable {
  const t = new RouteTable('/api/tokens', ['identity']);
  const guards = [adminOnly()];

  t.on({ method: 'get', path: '/', operationId: 'listTokens', summary: 'API tokens, without secrets (admin)', guards, query: { userId: { type: 'string' } }, responses: { 200: { description: 'The tokens', schema: listOf('Token') } }, errors: [403] }, async (c, { query }) => {
    const userId = query.userId;
    return c.json({ items: await listTokens(db, userId ? { userId } : {}) });
  });

  const created = { allOf: [ref('Token'), { type: 'object', required: ['token'], properties: { token: { type: 'string' } } }] };
  t.on({ method: 'post', path: '/', operationId: 'createToken', summary: 'Create a bearer token; the secret is shown once (admin)', guards, body: { type: 'object', required: ['name', 'scopes'], additionalProperties: false, properties: { name: { type: 'string' }, userId: { type: 'string' }, scopes, expiresInDays: { type: ['integer', 'null'], description: '1 to 3650; null for a token that does not expire; default 90.' } } }, responses: { 201: { description: 'Created', schema: created } }, errors: [403] }, async (c, { body }) => {
    const days = body.expiresInDays;
    if (days !== undefined && days !== null && !(typeof days === 'number' && Number.isInteger(days) && days >= 1 && days <= 3650)) {
      throw new ValidationError({ code: 'body.invalid', message: '"expiresInDays" must be an integer from 1 to 3650, or null for a token that does not expire.', details: [{ pointer: '/expiresInDays', message: 'must be 1..3650 or null', code: 'range' }] });
    }
    const actor = c.get('actor');
    const { token, view } = await createToken(
      db,
      {
        name: stringMember(body, 'name'),
        userId: stringMember(body, 'userId', { max: 100, pattern: SLUG, optional: true }) ?? actor.userId ?? '',
        scopes: enumArrayMember(body, 'scopes', SCOPES, { nonEmpty: true }) ?? [],
        expiresInDays: days === undefined ? 90 : (days as number | null),
      },
      actor,
      now(),
    );
    c.header('Cache-Control', 'no-store');
    c.header('Location', `/api/tokens/${view.id}`);
    return c.json({ ...view, token }, 201);
  });

  t.on({ method: 'delete', path: '/:id', operationId: 'revokeToken', summary: 'Revoke a token (admin)', guards, pathParams: { id: { type: 'string', format: 'uuid' } }, responses: { 200: { description: 'Revoked', schema: ref('Token') } }, errors: [403, 404] }, async (c, { param }) => c.json(await revokeToken(db, param('id'), c.get('actor'), now())));

  return t;
}
