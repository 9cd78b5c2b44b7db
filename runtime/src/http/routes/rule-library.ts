import { RULE_ID_PATTERN } from '@pipewright/core';
import { adminOnly, requireScope } from '../../auth/guards';
import type { RuleLibrary, SavedRuleInput } from '../../rules/library';
import { ruleUsedBy } from '../../rules/used-by';
import { RouteTable } from '../declare';

const ID = { type: 'string', pattern: RULE_ID_PATTERN, description: 'The rule\'s id: a lowercase slug, e.g. big-discount. Guards, grading and scoring name it as {"rule": "big-discount"}.' } as const;
const NAME = { type: 'object', required: ['en'], additionalProperties: false, properties: { en: { type: 'string', minLength: 1, maxLength: 120, pattern: '\\S' }, 'zh-CN': { type: 'string', minLength: 1, maxLength: 120, pattern: '\\S' } }, description: 'The name by language (English required, Simplified Chinese optional).' } as const;
const ENTITY = { type: ['string', 'null'], maxLength: 200, description: 'The entity whose fields the rule reads (its fields and types are checked against the entity schema).' } as const;
const DESCRIPTION = { type: ['string', 'null'], maxLength: 2000 } as const;
const LOGIC = { description: 'The json-logic rule (schemas/rule.schema.json); may reference other saved rules as {"rule": "<id>"}.' } as const;
const NOTE = { type: 'string', maxLength: 500, description: 'What this version changes.' } as const;

const SUMMARY = { type: 'object', required: ['id', 'name', 'entity', 'description', 'latestVersion', 'updatedAt', 'updatedBy'], properties: { id: { type: 'string' }, name: NAME, entity: { type: ['string', 'null'] }, description: { type: ['string', 'null'] }, latestVersion: { type: 'integer' }, updatedAt: { type: 'string', format: 'date-time' }, updatedBy: { type: 'string' } } };
const VERSION = { type: 'object', required: ['version', 'logic', 'author', 'createdAt', 'note'], properties: { version: { type: 'integer' }, logic: {}, author: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, note: { type: ['string', 'null'] } } };
const RULE = { ...SUMMARY, required: [...SUMMARY.required, 'versions'], properties: { ...SUMMARY.properties, versions: { type: 'array', items: VERSION, description: 'Newest first.' } } };
const USE = { type: 'object', required: ['kind', 'pointer'], properties: { kind: { enum: ['process', 'rule', 'record'] }, process: { type: 'string' }, draft: { type: 'boolean' }, version: { type: 'integer' }, pinned: { type: 'integer', description: 'The version of the rule a published process version pinned.' }, rule: { type: 'string' }, type: { type: 'string' }, record: { type: 'string' }, pointer: { type: 'string' }, via: { type: 'string', description: 'The saved rule referenced on the way, for a use through another rule.' } } };

/**
 * The rule library's routes under `/api/rules` (ADR 032): list (with search), get with every
 * version, create, update (the next version, 409 when the version sent is not the latest),
 * rename, delete (409 while in use) and "used by". Reading needs the `read` scope; writing is for admins. A rule the checker refuses
 * (unknown fields, wrong types, unknown or cyclic references) is 422 naming each problem under
 * `/logic`.
 *
 * @example
 * ```ts
 * app.route('/api/rules', ruleLibraryRoutes(library).app);
 * ```
 */
export function ruleLibraryRoutes(library: RuleLibrary): RouteTable {
  const t = new RouteTable('/api/rules', ['rules']);
  const reading = [requireScope('read')];

  t.on({ method: 'get', path: '/', operationId: 'listSavedRules', summary: 'The saved rules of the rule library, by id', guards: reading, query: { q: { type: 'string', maxLength: 200, description: 'Keep rules whose id, names or description contain this text.' } }, responses: { 200: { description: 'The rules', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: SUMMARY } } } } }, errors: [403, 429] }, async (c, { query }) => {
    return c.json({ items: await library.list(query.q) });
  });

  t.on({ method: 'post', path: '/', operationId: 'createSavedRule', summary: 'Save a new rule as version 1 (admins)', guards: [adminOnly()], body: { type: 'object', required: ['id', 'name', 'logic'], additionalProperties: false, properties: { id: ID, name: NAME, entity: ENTITY, description: DESCRIPTION, logic: LOGIC, note: NOTE } }, responses: { 201: { description: 'Saved', schema: RULE } }, errors: [403, 409, 429] }, async (c, { body }) => {
    const saved = await library.create(body as unknown as SavedRuleInput, c.get('actor'));
    c.header('Location', `/api/rules/${saved.id}`);
    return c.json(saved, 201);
  });

  t.on({ method: 'get', path: '/:id', operationId: 'getSavedRule', summary: 'A saved rule with all its versions, newest first', guards: reading, pathParams: { id: ID }, responses: { 200: { description: 'The rule', schema: RULE } }, errors: [403, 404, 429] }, async (c, { param }) => {
    return c.json(await library.get(param('id')));
  });

  t.on({ method: 'put', path: '/:id', operationId: 'updateSavedRule', summary: 'Save the next version of a rule (admins); `version` is the version it was read at: 409 when a newer one was saved since', guards: [adminOnly()], pathParams: { id: ID }, body: { type: 'object', required: ['version', 'logic'], additionalProperties: false, properties: { version: { type: 'integer', minimum: 1 }, name: NAME, entity: ENTITY, description: DESCRIPTION, logic: LOGIC, note: NOTE } }, responses: { 200: { description: 'Saved as the next version', schema: RULE } }, errors: [403, 404, 409, 429] }, async (c, { body, param }) => {
    const { version, ...input } = body as unknown as SavedRuleInput & { version: number };
    return c.json(await library.update(param('id'), version, input, c.get('actor')));
  });

  t.on({ method: 'patch', path: '/:id', operationId: 'renameSavedRule', summary: 'Rename a rule (admins): its name in English and Chinese and its description; the id and the versions stay (references name the id)', guards: [adminOnly()], pathParams: { id: ID }, body: { type: 'object', minProperties: 1, additionalProperties: false, properties: { name: NAME, description: DESCRIPTION } }, responses: { 200: { description: 'Renamed', schema: RULE } }, errors: [403, 404, 429] }, async (c, { body, param }) => {
    return c.json(await library.rename(param('id'), body as Pick<SavedRuleInput, 'name' | 'description'>, c.get('actor')));
  });

  t.on({ method: 'delete', path: '/:id', operationId: 'deleteSavedRule', summary: 'Delete a rule and its versions (admins); 409 `rule.in-use` naming every use while anything uses it', guards: [adminOnly()], pathParams: { id: ID }, responses: { 204: { description: 'Deleted' } }, errors: [403, 404, 409, 429] }, async (c, { param }) => {
    await library.remove(param('id'), c.get('actor'));
    return c.body(null, 204);
  });

  t.on({ method: 'get', path: '/:id/used-by', operationId: 'savedRuleUsedBy', summary: 'What uses a saved rule: process drafts and published versions (with the version they pinned), other saved rules and records (scoring indicators...), directly or through other rules', guards: reading, pathParams: { id: ID }, responses: { 200: { description: 'The uses', schema: { type: 'object', required: ['items', 'truncated'], properties: { items: { type: 'array', items: USE }, truncated: { type: 'boolean' } } } } }, errors: [403, 404, 429] }, async (c, { param }) => {
    const id = param('id');
    await library.get(id);
    return c.json(await ruleUsedBy(library.db, id));
  });

  return t;
}
