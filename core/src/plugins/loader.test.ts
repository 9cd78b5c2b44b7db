import { describe, expect, it } from 'vitest';
import { PluginError } from '../errors';
import { compileRule } from '../rules/compile';
import { definePlugin } from './define-plugin';
import { loadPlugins } from './loader';
import { memorySource } from './memory-source';

const manifest = (id: string, extra: Record<string, unknown> = {}) => ({ id, name: id.toUpperCase(), version: '1.0.0', apiVersion: 1, ...extra });
const entity = (id: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id,
  label: id,
  labelPlural: `${id}s`,
  schema: { type: 'object', properties, additionalProperties: false },
  ...extra,
});

async function loadError(promise: Promise<unknown>): Promise<PluginError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PluginError);
  return err as PluginError;
}

describe('loadPlugins', () => {
  it('registers entities, action types, operators and metrics by full id, in dependency order', async () => {
    const registry = await loadPlugins([
      memorySource('p/sales', { 'plugin.json': manifest('sales', { dependsOn: { base: '^1.0.0' }, contributes: { entities: ['e.json'], actionTypes: [{ id: 'ping', title: 'Ping', configSchema: { type: 'object' } }], metrics: [{ id: 'visits', label: { en: 'Visits', 'zh-CN': '拜访' }, entity: 'base.thing', measure: { aggregate: 'count' } }] }, runtime: 'index.ts' }), 'e.json': entity('lead', { name: { type: 'string' }, when: { type: 'string', format: 'date' } }) }, { 'index.ts': { plugin: definePlugin({ actions: { ping: () => 'pong' } }) } }),
      memorySource('p/base', { 'plugin.json': manifest('base', { runtime: 'index.ts', contributes: { entities: ['t.json'], operators: [{ id: 'twice', title: 'Twice', signature: { params: ['number'], returns: 'number' } }] } }), 't.json': entity('thing', { n: { type: 'number' } }) }, { 'index.ts': { plugin: definePlugin({ operators: { twice: ([x]) => Number(x) * 2 } }) } }),
    ]);
    expect(registry.plugins.map((p) => p.manifest.id)).toEqual(['base', 'sales']);
    expect([...registry.entities.keys()]).toEqual(['base.thing', 'sales.lead']);
    expect(registry.entity('sales.lead').fields.get('when')).toMatchObject({ type: 'date', format: 'date' });
    expect(registry.entity('base.thing').validate({ n: 'x' })).toBe(false);
    expect(registry.entity('base.thing').validate({ n: 2 })).toBe(true);
    expect(registry.actionType('sales.ping').plugin).toBe('sales');
    expect(registry.operators.get('twice')?.plugin).toBe('base');
    expect(registry.metrics.get('sales.visits')?.entity).toBe('base.thing');
    const rule = compileRule({ '>': [{ twice: [{ var: 'n' }] }, 10] }, { operators: registry.ruleOperators });
    expect([rule({ n: 6 }), rule({ n: 4 })]).toEqual([true, false]);
  });

  it('lets a plugin add operators but never replace a built-in, a business operator or another plugin\'s', async () => {
    const op = (id: string) => ({ id, title: id, signature: { params: ['number'], returns: 'number' } });
    const load = (id: string) => loadPlugins([memorySource('p/x', { 'plugin.json': manifest('xplug', { runtime: 'i.ts', contributes: { operators: [op(id)] } }) }, { 'i.ts': { plugin: definePlugin({ operators: { [id]: () => 1 } }) } })]);
    const sales = await loadError(load('days_since'));
    expect([sales.code, sales.plugin, sales.pointer]).toEqual(['plugin.operator-conflict', 'xplug', '/contributes/operators/0']);
    const builtin = await loadError(load('=='));
    expect([builtin.code, builtin.details[0]?.pointer]).toEqual(['plugin.invalid-manifest', '/contributes/operators/0/id']);
    const ok = await load('triple');
    expect(ok.ruleOperators.get('triple')?.owner).toBe('xplug');
    const unimplemented = await loadError(loadPlugins([memorySource('p/x', { 'plugin.json': manifest('xplug', { contributes: { operators: [op('lonely')] } }) })]));
    expect(unimplemented.code).toBe('plugin.missing-operator');
  });

  it('attaches runtime handlers and refuses handlers the manifest does not declare', async () => {
    const handler = () => 'ok';
    const ok = await loadPlugins([memorySource('p/a', { 'plugin.json': manifest('alpha', { runtime: 'index.ts', contributes: { actionTypes: [{ id: 'go', title: 'Go' }] } }) }, { 'index.ts': { plugin: definePlugin({ actions: { go: handler } }) } })]);
    expect(ok.actionType('alpha.go').handler).toBe(handler);
    const err = await loadError(loadPlugins([memorySource('p/a', { 'plugin.json': manifest('alpha', { runtime: 'index.ts' }) }, { 'index.ts': { plugin: definePlugin({ actions: { go: handler } }) } })]));
    expect(err.code).toBe('plugin.undeclared-action');
    const missing = await loadError(loadPlugins([memorySource('p/a', { 'plugin.json': manifest('alpha', { runtime: 'index.ts' }) }, { 'index.ts': {} })]));
    expect(missing.code).toBe('plugin.runtime-missing-export');
  });

  it('refuses an action type declared without a handler, naming plugin, file and pointer', async () => {
    const declared = { contributes: { actionTypes: [{ id: 'go', title: 'Go' }, { id: 'stop', title: 'Stop' }] } };
    const noRuntime = await loadError(loadPlugins([memorySource('p/a', { 'plugin.json': manifest('alpha', declared) })]));
    expect([noRuntime.code, noRuntime.plugin, noRuntime.file, noRuntime.pointer]).toEqual(['plugin.missing-action-handler', 'alpha', 'p/a/plugin.json', '/contributes/actionTypes/0']);
    expect(noRuntime.message).toContain('"alpha.go"');
    const partly = await loadError(loadPlugins([memorySource('p/a', { 'plugin.json': manifest('alpha', { ...declared, runtime: 'index.ts' }) }, { 'index.ts': { plugin: definePlugin({ actions: { go: () => 'ok' } }) } })]));
    expect([partly.code, partly.pointer]).toEqual(['plugin.missing-action-handler', '/contributes/actionTypes/1']);
    const notAFunction = await loadError(loadPlugins([memorySource('p/a', { 'plugin.json': manifest('alpha', { ...declared, runtime: 'index.ts' }) }, { 'index.ts': { plugin: { actions: { go: () => 'ok', stop: 'nope' } } } })]));
    expect([notAFunction.code, notAFunction.pointer]).toEqual(['plugin.missing-action-handler', '/contributes/actionTypes/1']);
  });

  it('refuses publishProcesses naming a process the plugin does not ship, with the pointer', async () => {
    const err = await loadError(loadPlugins([memorySource('p/a', { 'plugin.json': manifest('alpha', { contributes: { publishProcesses: ['ghost'] } }) })]));
    expect([err.code, err.plugin, err.file, err.pointer]).toEqual(['plugin.unknown-process', 'alpha', 'p/a/plugin.json', '/contributes/publishProcesses/0']);
    expect(err.message).toContain('"ghost"');
  });

  it('reports an invalid manifest with plugin, file and pointer', async () => {
    const err = await loadError(loadPlugins([memorySource('p/bad', { 'plugin.json': { ...manifest('bad'), version: 'one', extra: true } })]));
    expect(err.code).toBe('plugin.invalid-manifest');
    expect(err.plugin).toBe('bad');
    expect(err.file).toBe('p/bad/plugin.json');
    expect(err.details.map((d) => d.pointer).sort()).toEqual(['/extra', '/version']);
  });

  it('reports a cycle naming the plugins in it', async () => {
    const err = await loadError(
      loadPlugins([
        memorySource('p/a', { 'plugin.json': manifest('alpha', { dependsOn: { beta: '1.x' } }) }),
        memorySource('p/b', { 'plugin.json': manifest('beta', { dependsOn: { gamma: '1.x' } }) }),
        memorySource('p/c', { 'plugin.json': manifest('gamma', { dependsOn: { alpha: '1.x' } }) }),
      ]),
    );
    expect(err.code).toBe('plugin.dependency-cycle');
    expect(err.message).toContain('alpha -> beta -> gamma -> alpha');
  });

  it('reports a missing dependency, an incompatible version and an incompatible apiVersion', async () => {
    const missing = await loadError(loadPlugins([memorySource('p/a', { 'plugin.json': manifest('alpha', { dependsOn: { ghost: '^1.0.0' } }) })]));
    expect([missing.code, missing.plugin, missing.pointer]).toEqual(['plugin.missing-dependency', 'alpha', '/dependsOn/ghost']);
    const version = await loadError(loadPlugins([memorySource('p/a', { 'plugin.json': manifest('alpha', { dependsOn: { beta: '^2.0.0' } }) }), memorySource('p/b', { 'plugin.json': manifest('beta') })]));
    expect([version.code, version.plugin]).toEqual(['plugin.incompatible-dependency', 'alpha']);
    const api = await loadError(loadPlugins([memorySource('p/a', { 'plugin.json': { ...manifest('alpha'), apiVersion: 2 } })]));
    expect([api.code, api.plugin, api.pointer]).toEqual(['plugin.incompatible-api-version', 'alpha', '/apiVersion']);
  });

  it('refuses duplicate plugins and duplicate contributions', async () => {
    const dup = await loadError(loadPlugins([memorySource('p/a1', { 'plugin.json': manifest('alpha') }), memorySource('p/a2', { 'plugin.json': manifest('alpha') })]));
    expect(dup.code).toBe('plugin.duplicate-id');
    const op = { id: 'same', title: 'Same', signature: { params: [], returns: 'number' } };
    const impl = { 'i.ts': { plugin: definePlugin({ operators: { same: () => 1 } }) } };
    const clash = await loadError(loadPlugins([memorySource('p/a', { 'plugin.json': manifest('alpha', { runtime: 'i.ts', contributes: { operators: [op] } }) }, impl), memorySource('p/b', { 'plugin.json': manifest('beta', { runtime: 'i.ts', contributes: { operators: [op] } }) }, impl)]));
    expect(clash.code).toBe('plugin.duplicate-contribution');
    expect(clash.message).toContain('"alpha"');
  });

  it('reports entity files that do not fit, with file and pointer', async () => {
    const bad = await loadError(loadPlugins([memorySource('p/a', { 'plugin.json': manifest('alpha', { contributes: { entities: ['e.json'] } }), 'e.json': entity('x', { n: { type: 'number', bogusKeyword: 1 } }) })]));
    expect([bad.code, bad.file, bad.pointer]).toEqual(['plugin.invalid-entity-schema', 'e.json', '/schema']);
    const index = await loadError(loadPlugins([memorySource('p/a', { 'plugin.json': manifest('alpha', { contributes: { entities: ['e.json'] } }), 'e.json': entity('x', { n: { type: 'number' } }, { indexes: [{ fields: ['nope'] }] }) })]));
    expect([index.code, index.pointer]).toEqual(['plugin.invalid-entity', '/indexes/0/fields/0']);
    const audience = (fields: string[]) => loadPlugins([memorySource('p/a', { 'plugin.json': manifest('alpha', { contributes: { entities: ['e.json'] } }), 'e.json': entity('x', { n: { type: 'number' }, who: { type: 'string' }, crew: { type: 'array', items: { type: 'string' } } }, { audience: fields }) })]);
    for (const [fields, pointer] of [[['who', 'nope'], '/audience/1'], [['n'], '/audience/0']] as const) {
      const e = await loadError(audience([...fields]));
      expect([e.code, e.file, e.pointer]).toEqual(['plugin.invalid-entity', 'e.json', pointer]);
    }
    expect((await audience(['who', 'crew'])).entity('alpha.x').audience).toEqual(['who', 'crew']);
    const unreadable = await loadError(loadPlugins([memorySource('p/a', { 'plugin.json': manifest('alpha', { contributes: { entities: ['missing.json'] } }) })]));
    expect([unreadable.code, unreadable.file]).toEqual(['plugin.unreadable-file', 'p/a/missing.json']);
  });
});

describe('contributed rules', () => {
  const files = (logic: unknown) => ({
    'plugin.json': manifest('gradeco', { contributes: { entities: ['e.json'], rules: ['r.json'] } }),
    'e.json': entity('account', { revenue: { type: 'number' }, founded: { type: 'string', format: 'date' } }),
    'r.json': { id: 'grade', label: 'Grade', kind: 'grading', entity: 'gradeco.account', logic },
  });
  it('loads a rule that fits its entity', async () => {
    const registry = await loadPlugins([memorySource('p/g', files({ if: [{ '>=': [{ var: 'revenue' }, 1000] }, 'A', 'B'] }))]);
    expect(registry.rules.get('gradeco.grade')?.file).toBe('r.json');
  });
  it('refuses a rule reading an unknown field, with the pointer into the rule', async () => {
    const err = await loadError(loadPlugins([memorySource('p/g', files({ if: [{ '>=': [{ var: 'turnover' }, 1000] }, 'A', 'B'] }))]));
    expect(err.code).toBe('plugin.invalid-rule');
    expect(err.file).toBe('r.json');
    expect(err.pointer?.startsWith('/logic/if/0')).toBe(true);
  });
});
