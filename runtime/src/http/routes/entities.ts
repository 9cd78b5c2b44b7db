import type { LoadedEntity, Registry } from '@pipewright/core';
import { requireScope } from '../../auth/guards';
import { RouteTable } from '../declare';

const ENTITY = { type: 'object', required: ['id', 'fullId', 'plugin', 'label', 'schema', 'fields'], description: 'An entity definition: schema, references, indexes, UI hints and its top-level fields.', properties: { id: { type: 'string' }, fullId: { type: 'string' }, plugin: { type: 'string' }, label: {}, labelPlural: {}, stageful: { type: 'boolean' }, apiAlias: { type: 'string' }, schema: { type: 'object' }, fields: { type: 'array', items: { type: 'object' } } } };

/** An entity as the API describes it: its definition, with its fields as a list (no compiled validator). */
function describeEntity(e: LoadedEntity) {
  const { validate: _v, fields, ...rest } = e;
  return { ...rest, fields: [...fields.values()] };
}

/**
 * `/api/entities`, declared once (ADR 031): the entity definitions of the loaded plugins, all or
 * one by its full id (404 for an unknown one).
 *
 * @example
 * ```ts
 * const t = entityRoutes(registry);
 * app.route(t.base, t.app);
 * ```
 */
export function entityRoutes(registry: Registry): RouteTable {
  const t = new RouteTable('/api/entities', ['entities']);
  const guards = [requireScope('read')];
  t.on({ method: 'get', path: '/', operationId: 'listEntities', summary: 'Entity definitions of the loaded plugins', guards, responses: { 200: { description: 'Entities', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ENTITY } } } } }, errors: [403, 429] }, (c) => c.json({ items: [...registry.entities.values()].map(describeEntity) }));
  t.on({ method: 'get', path: '/:type', operationId: 'getEntity', summary: 'One entity definition (schema, references, indexes, UI hints, fields)', guards, pathParams: { type: { type: 'string', description: 'Full entity id, e.g. acme.ticket' } }, responses: { 200: { description: 'The entity', schema: ENTITY } }, errors: [403, 404, 429] }, (c, { param }) => c.json(describeEntity(registry.entity(param('type')))));
  return t;
}
