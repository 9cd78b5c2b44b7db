import { describe, expect, it } from 'vitest';
import { loadPlugins } from './loader';
import { memorySource } from './memory-source';

const manifest = { id: 'acme', name: 'ACME', version: '1.0.0', apiVersion: 1, contributes: { entities: ['e.json'] } };
const entity = (indexes: unknown[]) => ({ id: 'firm', label: 'Firm', labelPlural: 'Firms', schema: { type: 'object', additionalProperties: false, properties: { name: { type: 'string' }, key: { type: 'string' }, size: { type: 'integer' } } }, indexes });
const load = (indexes: unknown[]) => loadPlugins([memorySource('p/acme', { 'plugin.json': manifest, 'e.json': entity(indexes) })]);

/** Entity indexes with `method: "trigram"` (pg_trgm, for records.similar): one text field, never unique. */
describe('trigram entity indexes', () => {
  it('accepts a trigram index on one text field', async () => {
    const registry = await load([{ fields: ['key'], method: 'trigram' }, { fields: ['name'], method: 'btree', unique: true }]);
    expect(registry.entity('acme.firm').indexes).toEqual([{ fields: ['key'], method: 'trigram' }, { fields: ['name'], method: 'btree', unique: true }]);
  });

  it.each([
    [[{ fields: ['key', 'name'], method: 'trigram' }], '/indexes/0/fields', 'exactly one field'],
    [[{ fields: ['size'], method: 'trigram' }], '/indexes/0/fields/0', 'text field'],
    [[{ fields: ['key'], method: 'trigram', unique: true }], '/indexes/0/unique', 'cannot be unique'],
  ])('refuses %j naming %s', async (indexes, pointer, message) => {
    await expect(load(indexes)).rejects.toMatchObject({ pointer, message: expect.stringContaining(message) });
  });

  it('refuses an unknown method by the entity schema', async () => {
    await expect(load([{ fields: ['key'], method: 'hash' }])).rejects.toMatchObject({ status: expect.any(Number) });
  });
});
