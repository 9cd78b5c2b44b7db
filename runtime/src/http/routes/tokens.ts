import { ValidationError } from '@pipewright/core';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { adminOnly } from '../../auth/guards';
import { SCOPES } from '../../auth/roles';
import { createToken, listTokens, revokeToken } from '../../auth/tokens';
import type { Database } from '../../db/tables';
import { onlyMembers, readJsonObject } from '../body';
import type { AppEnv } from '../context';
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
export function tokenRoutes(db: Kysely<Database>, now: () => Date): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', adminOnly());

  app.get('/', async (c) => {
    const userId = c.req.query('userId');
    return c.json({ items: await listTokens(db, userId ? { userId } : {}) });
  });

  app.post('/', async (c) => {
    const body = await readJsonObject(c);
    onlyMembers(body, ['name', 'userId', 'scopes', 'expiresInDays']);
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

  app.delete('/:id', async (c) => c.json(await revokeToken(db, c.req.param('id'), c.get('actor'), now())));

  return app;
}
