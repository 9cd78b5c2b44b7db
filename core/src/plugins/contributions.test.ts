import { describe, expect, it } from 'vitest';
import { PluginError } from '../errors';
import { definePlugin, type PluginRuntime } from './define-plugin';
import { loadPlugins } from './loader';
import { memorySource } from './memory-source';

const manifest = (id: string, extra: Record<string, unknown> = {}) => ({ id, name: id.toUpperCase(), version: '1.0.0', apiVersion: 1, ...extra });
const entity = (id: string) => ({ id, label: id, labelPlural: `${id}s`, schema: { type: 'object', properties: { n: { type: 'number' } }, additionalProperties: false } });

/** base (entity thing) and other (entity item, no dependency between them), plus `acme` with the given runtime. */
function load(runtime: PluginRuntime, dependsOn: Record<string, string> = {}) {
  return loadPlugins([
    memorySource('p/base', { 'plugin.json': manifest('base', { contributes: { entities: ['t.json'] } }), 't.json': entity('thing') }),
    memorySource('p/abc', { 'plugin.json': manifest('abc', { contributes: { entities: ['i.json'] } }), 'i.json': entity('item') }),
    memorySource('p/acme', { 'plugin.json': manifest('acme', { runtime: 'index.ts', dependsOn, contributes: { entities: ['v.json'] } }), 'v.json': entity('visit') }, { 'index.ts': { plugin: definePlugin(runtime) } }),
  ]);
}

async function refusal(runtime: PluginRuntime, dependsOn: Record<string, string> = {}): Promise<PluginError> {
  const err = await load(runtime, dependsOn).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PluginError);
  return err as PluginError;
}

const response = { type: 'object' };

describe('runtime contributions at load', () => {
  it('accepts hooks on own entities and on those of a declared dependency, and every other contribution', async () => {
    const registry = await load(
      {
        hooks: { 'acme.visit': { validate: () => [] }, 'base.thing': { afterChange: () => {} } },
        visibility: { 'acme.visit': () => null },
        routes: [{ method: 'get', path: '/visits/:id', summary: 'One visit', response, handler: () => ({}) }],
        jobs: { tally: () => {} },
        schedules: { tally: { cron: '0 * * * *', afterDemoSeed: true } },
        config: { schema: { type: 'object', properties: { limit: { type: 'integer', default: 3 } } } },
      },
      { base: '^1.0.0' },
    );
    expect(registry.plugins.find((p) => p.manifest.id === 'acme')?.runtime?.routes?.[0]?.path).toBe('/visits/:id');
  });

  it('refuses hooks on an entity of a plugin it does not depend on, naming the hook', async () => {
    const err = await refusal({ hooks: { 'abc.item': { validate: () => [] } } }, { base: '^1.0.0' });
    expect(err.code).toBe('plugin.undeclared-hook-entity');
    expect(err.pointer).toBe('/hooks/abc.item');
    expect(err.plugin).toBe('acme');
  });

  it('refuses hooks on an unknown entity and unknown hook names', async () => {
    expect((await refusal({ hooks: { 'acme.nothing': { validate: () => [] } } })).code).toBe('plugin.unknown-entity');
    expect((await refusal({ hooks: { 'acme.visit': { onSave: () => {} } as never } })).pointer).toBe('/hooks/acme.visit/onSave');
  });

  it('refuses visibility rules for another plugin\'s entity', async () => {
    const err = await refusal({ visibility: { 'base.thing': () => null } }, { base: '^1.0.0' });
    expect(err.code).toBe('plugin.invalid-visibility');
  });

  it('refuses bad routes: path, duplicates, missing summary, invalid schemas, a body on GET', async () => {
    const route = { method: 'get' as const, path: '/ok', summary: 'Ok', response, handler: () => ({}) };
    expect((await refusal({ routes: [{ ...route, path: 'no-slash' }] })).pointer).toBe('/routes/0/path');
    expect((await refusal({ routes: [route, { ...route, summary: 'Again' }] })).code).toBe('plugin.duplicate-route');
    expect((await refusal({ routes: [{ ...route, path: '/a/:x' }, { ...route, path: '/a/:y' }] })).code).toBe('plugin.duplicate-route');
    expect((await refusal({ routes: [{ ...route, summary: '' }] })).pointer).toBe('/routes/0/summary');
    expect((await refusal({ routes: [{ ...route, response: { type: 'nonsense' } }] })).pointer).toBe('/routes/0/response');
    expect((await refusal({ routes: [{ ...route, body: { type: 'object' } }] })).pointer).toBe('/routes/0/body');
    expect((await refusal({ routes: [{ ...route, method: 'trace' as never }] })).pointer).toBe('/routes/0/method');
  });

  it('refuses schedules without a job handler or with a bad cron, and bad job kinds', async () => {
    expect((await refusal({ schedules: { tally: { cron: '0 * * * *' } } })).code).toBe('plugin.unknown-job');
    expect((await refusal({ jobs: { tally: () => {} }, schedules: { tally: { cron: 'hourly' } } })).pointer).toBe('/schedules/tally/cron');
    expect((await refusal({ jobs: { tally: () => {} }, schedules: { tally: { cron: '0 * * * *', afterDemoSeed: 'yes' as never } } })).pointer).toBe('/schedules/tally/afterDemoSeed');
    expect((await refusal({ jobs: { 'Bad-Kind': () => {} } })).code).toBe('plugin.invalid-job');
  });

  it('refuses a config schema that is not an object schema', async () => {
    expect((await refusal({ config: { schema: { type: 'string' } as never } })).pointer).toBe('/config/schema');
  });

  it('checks an entity apiAlias: stageful only, not a platform path, not taken twice', async () => {
    const aliased = (id: string, stageful: boolean, apiAlias: string) => ({ ...entity(id), stageful, apiAlias });
    const loadAliases = (...entities: ReturnType<typeof aliased>[]) =>
      loadPlugins([memorySource('p/s', { 'plugin.json': manifest('sales', { contributes: { entities: entities.map((_, i) => `e${i}.json`) } }), ...Object.fromEntries(entities.map((e, i) => [`e${i}.json`, e])) })]).then(
        (r) => r,
        (e: unknown) => e as PluginError,
      );
    const ok = await loadAliases(aliased('deal', true, 'deals'));
    expect(ok).not.toBeInstanceOf(PluginError);
    for (const [entities, message] of [
      [[aliased('note', false, 'notes')], 'has no stages'],
      [[aliased('deal', true, 'records')], 'platform path'],
      [[aliased('deal', true, 'deals'), aliased('lead', true, 'deals')], 'already taken'],
    ] as const) {
      const err = await loadAliases(...entities);
      expect(err).toBeInstanceOf(PluginError);
      expect((err as PluginError).pointer).toBe('/apiAlias');
      expect((err as PluginError).message).toContain(message);
    }
  });
});
