import { ValidationError } from '@pipewright/core';
import { requireScope } from '../../auth/guards';
import { listShares, shareRecord, unshareRecord } from '../../records/shares';
import type { RecordStore } from '../../records/store';
import { listOf, ref } from '../../openapi/identity';
import { RouteTable } from '../declare';
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
export function shareRoutes(store: RecordStore): RouteTable {
  const t = new RouteTable('/api/records', ['identity']);
  const pathParams = { id: { type: 'string', format: 'uuid' } };

  t.on({ method: 'get', path: '/:type/:id/shares', operationId: 'listShares', summary: 'Who a record is shared with', guards: [requireScope('read')], pathParams, responses: { 200: { description: 'The shares', schema: listOf('Share') } }, errors: [403, 404] }, async (c, { param }) => c.json({ items: await listShares(store, param('type'), param('id'), c.get('actor')) }));

  t.on({ method: 'post', path: '/:type/:id/shares', operationId: 'shareRecord', summary: 'Share a record with a user (read or edit)', guards: [requireScope('write')], pathParams, body: { type: 'object', required: ['userId'], additionalProperties: false, properties: { userId: { type: 'string' }, access: { enum: ['read', 'edit'], default: 'edit' } } }, responses: { 201: { description: 'Shared', schema: ref('Share') } }, errors: [403, 404] }, async (c, { body, param }) => {
    const access = body.access ?? 'edit';
    if (access !== 'read' && access !== 'edit') throw new ValidationError({ code: 'body.invalid', message: '"access" must be "read" or "edit".', details: [{ pointer: '/access', message: 'must be read or edit', code: 'enum' }] });
    const share = await shareRecord(store, param('type'), param('id'), { userId: stringMember(body, 'userId', { max: 100, pattern: SLUG }), access }, c.get('actor'));
    return c.json(share, 201);
  });

  t.on({ method: 'delete', path: '/:type/:id/shares/:userId', operationId: 'unshareRecord', summary: 'Stop sharing a record with a user', guards: [requireScope('write')], pathParams, responses: { 204: { description: 'Unshared' } }, errors: [403, 404] }, async (c, { param }) => {
    await unshareRecord(store, param('type'), param('id'), param('userId'), c.get('actor'));
    return c.body(null, 204);
  });

  return t;
}
