import { ValidationError } from '@pipewright/core';
import { Hono } from 'hono';
import { requireScope } from '../../auth/guards';
import { listShares, shareRecord, unshareRecord } from '../../records/shares';
import type { RecordStore } from '../../records/store';
import { onlyMembers, readJsonObject } from '../body';
import type { AppEnv } from '../context';
import { SLUG, stringMember } from '../input';

/**
 * `/api/records/:type/:id/shares`: who else sees (`read`) or works on (`edit`) a record.
 * Anyone who sees the record lists its shares; those who can change it share and unshare.
 *
 * @example
 * ```ts
 * app.route('/api/records', shareRoutes(store));
 * ```
 */
export function shareRoutes(store: RecordStore): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/:type/:id/shares', requireScope('read'), async (c) => c.json({ items: await listShares(store, c.req.param('type'), c.req.param('id'), c.get('actor')) }));

  app.post('/:type/:id/shares', requireScope('write'), async (c) => {
    const body = await readJsonObject(c);
    onlyMembers(body, ['userId', 'access']);
    const access = body.access ?? 'edit';
    if (access !== 'read' && access !== 'edit') throw new ValidationError({ code: 'body.invalid', message: '"access" must be "read" or "edit".', details: [{ pointer: '/access', message: 'must be read or edit', code: 'enum' }] });
    const share = await shareRecord(store, c.req.param('type'), c.req.param('id'), { userId: stringMember(body, 'userId', { max: 100, pattern: SLUG }), access }, c.get('actor'));
    return c.json(share, 201);
  });

  app.delete('/:type/:id/shares/:userId', requireScope('write'), async (c) => {
    await unshareRecord(store, c.req.param('type'), c.req.param('id'), c.req.param('userId'), c.get('actor'));
    return c.body(null, 204);
  });

  return app;
}
