import { describe, expect, it } from 'vitest';
import { loadPlugins } from './loader';
import { memorySource } from './memory-source';

const manifest = { id: 'acme', name: 'ACME', version: '1.0.0', apiVersion: 1, contributes: { entities: ['e.json'] } };
const entity = (ui: unknown) => ({ id: 'ticket', label: 'Ticket', labelPlural: 'Tickets', schema: { type: 'object', additionalProperties: false, properties: { title: { type: 'string' }, due: { type: 'string', format: 'date' }, next_step: { type: 'string' } } }, ui });
const load = (ui: unknown) => loadPlugins([memorySource('p/acme', { 'plugin.json': manifest, 'e.json': entity(ui) })]);

/** `ui.cardFields`: what a board card shows under its title; only the entity's own fields, at most four. */
describe('entity ui.cardFields', () => {
  it('keeps the fields a card shows', async () => {
    const registry = await load({ cardFields: ['due', 'next_step'] });
    expect(registry.entity('acme.ticket').ui?.cardFields).toEqual(['due', 'next_step']);
  });

  it('refuses an unknown field, naming it with its pointer', async () => {
    await expect(load({ cardFields: ['due', 'nope'] })).rejects.toMatchObject({ pointer: '/ui/cardFields/1', message: expect.stringContaining('unknown field "nope"') });
  });

  it('refuses more than four fields by the entity schema', async () => {
    await expect(load({ cardFields: ['title', 'due', 'next_step', 'title', 'due'] })).rejects.toMatchObject({ status: expect.any(Number) });
  });
});
