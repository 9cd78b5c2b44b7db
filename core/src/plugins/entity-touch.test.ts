import { describe, expect, it } from 'vitest';
import { loadPlugins } from './loader';
import { memorySource } from './memory-source';

const manifest = { id: 'acme', name: 'ACME', version: '1.0.0', apiVersion: 1, contributes: { entities: ['e.json'] } };
const props = { subject: { type: 'string' }, at: { type: 'string', format: 'date-time' }, done: { type: 'boolean' }, site_id: { type: 'string' } };
const entity = (touch: unknown, references: unknown = { site_id: { entity: 'acme.visit' } }) => ({ id: 'visit', label: 'Visit', labelPlural: 'Visits', schema: { type: 'object', properties: props }, references, touch });
const load = (touch: unknown, references?: unknown) => loadPlugins([memorySource('p/acme', { 'plugin.json': manifest, 'e.json': entity(touch, references) })]);

/** `touch`: the entity's records are touches of the records they reference. */
describe('entity touch', () => {
  it('keeps the date field and the done field', async () => {
    const registry = await load({ at: 'at', done: 'done' });
    expect(registry.entity('acme.visit').touch).toEqual({ at: 'at', done: 'done' });
  });

  it('refuses a date field that is not a date, naming its pointer', async () => {
    await expect(load({ at: 'subject' })).rejects.toMatchObject({ pointer: '/touch/at', message: expect.stringContaining('"subject" must be a date') });
  });

  it('refuses a done field that is not a boolean', async () => {
    await expect(load({ at: 'at', done: 'subject' })).rejects.toMatchObject({ pointer: '/touch/done' });
  });

  it('refuses a touch without references', async () => {
    await expect(load({ at: 'at' }, {})).rejects.toMatchObject({ pointer: '/touch' });
  });
});
