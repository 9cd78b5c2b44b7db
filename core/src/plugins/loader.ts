import type { Ajv2020 } from 'ajv/dist/2020.js';
import { PluginError, isPipewrightError } from '../errors';
import { ajvDetails, createAjv } from '../validation/ajv';
import type { PluginRuntime } from './define-plugin';
import { checkRule } from '../rules/check';
import { checkDashboard } from '../dashboards/check';
import { checkEntityApprovals, compileEntity } from './entity';
import { checkMetrics } from './metrics';
import { checkApiAlias, checkRuntimeContributions } from './contributions';
import { Registry, type LoadedPlugin } from './registry';
import { resolvePluginOrder } from './resolve';
import type { EntityDefinition, PluginManifest, PluginSource } from './types';

const ID = 'https://pipewright.dev/schemas/';

export interface LoadPluginsOptions {
  /** Validator to use; a fresh strict one by default. */
  ajv?: Ajv2020;
  /** Plugin API majors accepted. */
  apiVersions?: readonly number[];
}

/**
 * Loads plugins: validates every manifest (strict ajv), orders them by dependency, then
 * validates and registers what each contributes. Any problem is a {@link PluginError} with the
 * plugin, the file and a JSON pointer.
 *
 * @example
 * ```ts
 * const registry = await loadPlugins([folderSource('/opt/acme-plugins/tickets')]);
 * registry.entity('acme.ticket').validate({ title: 'Printer on fire' });
 * ```
 */
export async function loadPlugins(sources: readonly PluginSource[], options: LoadPluginsOptions = {}): Promise<Registry> {
  const ajv = options.ajv ?? createAjv();
  const manifests = await Promise.all(sources.map(async (source) => ({ source, location: source.location, manifest: await readManifest(ajv, source) })));
  const ordered = resolvePluginOrder(manifests, options.apiVersions);
  const registry = new Registry();
  for (const { source, manifest } of ordered) {
    const plugin: LoadedPlugin = { manifest, location: source.location };
    await registerContributions(ajv, registry, source, manifest);
    if (manifest.runtime) plugin.runtime = await importRuntime(source, manifest);
    attachRuntime(registry, plugin);
    checkRuntimeContributions(ajv, registry, plugin);
    checkContributedRules(registry, manifest.id);
    for (const entity of registry.entities.values()) if (entity.plugin === manifest.id) checkEntityApprovals(entity, registry.ruleOperators);
    checkMetrics(registry, manifest.id, manifest.contributes?.metrics ?? []);
    checkContributedDashboards(ajv, registry, manifest.id);
    registry.plugins.push(plugin);
  }
  return registry;
}

async function readManifest(ajv: Ajv2020, source: PluginSource): Promise<PluginManifest> {
  const manifest = await readFile(source, 'plugin.json', undefined);
  const validate = ajv.getSchema(`${ID}plugin-manifest.schema.json`);
  if (!validate) throw new Error('plugin-manifest schema is not loaded');
  if (!validate(manifest)) {
    const details = ajvDetails(validate.errors);
    const id = typeof (manifest as { id?: unknown }).id === 'string' ? (manifest as { id: string }).id : source.location;
    throw new PluginError({
      code: 'plugin.invalid-manifest',
      plugin: id,
      file: `${source.location}/plugin.json`,
      pointer: details[0]?.pointer ?? '',
      details,
      message: `Invalid manifest for plugin "${id}" (${source.location}/plugin.json): ${details.map((d) => `${d.pointer || '/'} ${d.message}`).join('; ')}`,
    });
  }
  return manifest as PluginManifest;
}

async function readFile(source: PluginSource, file: string, plugin: string | undefined): Promise<unknown> {
  try {
    return await source.readJson(file);
  } catch (err) {
    if (isPipewrightError(err)) throw err;
    throw new PluginError({
      code: 'plugin.unreadable-file',
      plugin: plugin ?? source.location,
      file: `${source.location}/${file}`,
      pointer: '',
      message: `Cannot read ${source.location}/${file}: ${(err as Error).message}`,
      cause: err,
    });
  }
}

function checkDocument(ajv: Ajv2020, schema: string, doc: unknown, plugin: string, file: string): void {
  const validate = ajv.getSchema(`${ID}${schema}`);
  if (!validate) throw new Error(`${schema} is not loaded`);
  if (validate(doc)) return;
  const details = ajvDetails(validate.errors);
  throw new PluginError({
    code: 'plugin.invalid-document',
    plugin,
    file,
    pointer: details[0]?.pointer ?? '',
    details,
    message: `Plugin "${plugin}": ${file} does not match ${schema}: ${details.map((d) => `${d.pointer || '/'} ${d.message}`).join('; ')}`,
  });
}

async function registerContributions(ajv: Ajv2020, registry: Registry, source: PluginSource, manifest: PluginManifest): Promise<void> {
  const plugin = manifest.id;
  const c = manifest.contributes ?? {};
  for (const [i, file] of (c.entities ?? []).entries()) {
    const doc = await readFile(source, file, plugin);
    checkDocument(ajv, 'entity.schema.json', doc, plugin, file);
    const entity = compileEntity(ajv, plugin, file, doc as EntityDefinition);
    registry.add('entities', entity.fullId, entity, { plugin, file, pointer: `/contributes/entities/${i}` });
    checkApiAlias(registry, entity);
  }
  for (const [kind, schema] of [['processes', 'process.schema.json'], ['rules', 'rule.schema.json'], ['dashboards', 'dashboard.schema.json']] as const) {
    for (const [i, file] of (c[kind] ?? []).entries()) {
      const doc = await readFile(source, file, plugin);
      checkDocument(ajv, schema, doc, plugin, file);
      const fullId = `${plugin}.${(doc as { id: string }).id}`;
      registry.add(kind, fullId, { fullId, plugin, file, document: doc }, { plugin, file, pointer: `/contributes/${kind}/${i}` });
    }
  }
  const where = (kind: string, i: number) => ({ plugin, file: 'plugin.json', pointer: `/contributes/${kind}/${i}` });
  const shipped = new Set([...registry.processes.values()].filter((p) => p.plugin === plugin).map((p) => (p.document as { id: string }).id));
  c.publishProcesses?.forEach((id, i) => {
    if (!shipped.has(id)) throw new PluginError({ code: 'plugin.unknown-process', ...where('publishProcesses', i), file: `${source.location}/plugin.json`, message: `Plugin "${plugin}" asks to publish the process "${id}", which it does not ship (contributes.processes).` });
  });
  c.actionTypes?.forEach((a, i) => {
    if (a.configSchema) {
      try {
        ajv.compile(a.configSchema);
      } catch (err) {
        throw new PluginError({ code: 'plugin.invalid-action-type', ...where('actionTypes', i), message: `Action type "${plugin}.${a.id}" has an invalid configSchema: ${(err as Error).message}` });
      }
    }
    const registered = { ...a, fullId: `${plugin}.${a.id}`, plugin };
    registry.add('actionTypes', registered.fullId, registered, where('actionTypes', i));
    // An alias is the same action under a former id: one object, so the handler attached later serves both.
    for (const alias of a.aliases ?? []) registry.add('actionTypes', alias, registered, { ...where('actionTypes', i), pointer: `/contributes/actionTypes/${i}/aliases` });
  });
  c.operators?.forEach((o, i) => registry.add('operators', o.id, { ...o, plugin }, where('operators', i)));
  c.metrics?.forEach((m, i) => registry.add('metrics', `${plugin}.${m.id}`, { ...m, fullId: `${plugin}.${m.id}`, plugin }, where('metrics', i)));
}

async function importRuntime(source: PluginSource, manifest: PluginManifest): Promise<PluginRuntime> {
  const file = manifest.runtime as string;
  if (!source.importModule) {
    throw new PluginError({ code: 'plugin.runtime-unavailable', plugin: manifest.id, file, pointer: '/runtime', message: `Plugin "${manifest.id}" has runtime code but its source cannot import modules.` });
  }
  let mod: unknown;
  try {
    mod = await source.importModule(file);
  } catch (err) {
    throw new PluginError({ code: 'plugin.runtime-failed', plugin: manifest.id, file: `${source.location}/${file}`, pointer: '/runtime', message: `Plugin "${manifest.id}": importing ${file} failed: ${(err as Error).message}`, cause: err });
  }
  const m = mod as { plugin?: PluginRuntime; default?: PluginRuntime };
  const runtime = m.plugin ?? m.default;
  if (!runtime || typeof runtime !== 'object') {
    throw new PluginError({ code: 'plugin.runtime-missing-export', plugin: manifest.id, file: `${source.location}/${file}`, pointer: '/runtime', message: `Plugin "${manifest.id}": ${file} must export \`plugin\` (or default) created with definePlugin().` });
  }
  return runtime;
}

function attachRuntime(registry: Registry, plugin: LoadedPlugin): void {
  const id = plugin.manifest.id;
  for (const [local, handler] of Object.entries(plugin.runtime?.actions ?? {})) {
    const action = registry.actionTypes.get(`${id}.${local}`);
    if (!action || action.plugin !== id) {
      throw new PluginError({ code: 'plugin.undeclared-action', plugin: id, file: plugin.manifest.runtime ?? 'plugin.json', pointer: '/contributes/actionTypes', message: `Plugin "${id}" implements action "${local}" but its manifest does not declare it.` });
    }
    action.handler = handler;
  }
  // Every declared action type needs its handler: a process could otherwise name an action that
  // can only ever fail (an incident on every move).
  plugin.manifest.contributes?.actionTypes?.forEach((a, i) => {
    if (typeof registry.actionTypes.get(`${id}.${a.id}`)?.handler === 'function') return;
    throw new PluginError({
      code: 'plugin.missing-action-handler',
      plugin: id,
      file: `${plugin.location}/plugin.json`,
      pointer: `/contributes/actionTypes/${i}`,
      message: `Plugin "${id}" declares action type "${id}.${a.id}" but ${plugin.manifest.runtime ? `its runtime module (${plugin.manifest.runtime}) does not implement it` : 'has no runtime module to implement it'}: add a handler under \`actions.${a.id}\` in definePlugin().`,
    });
  });
  const implementations = plugin.runtime?.operators ?? {};
  for (const name of Object.keys(implementations)) {
    const op = registry.operators.get(name);
    if (!op || op.plugin !== id) {
      throw new PluginError({ code: 'plugin.undeclared-operator', plugin: id, file: plugin.manifest.runtime ?? 'plugin.json', pointer: '/contributes/operators', message: `Plugin "${id}" implements operator "${name}" but its manifest does not declare it.` });
    }
  }
  plugin.manifest.contributes?.operators?.forEach((op, i) => {
    const where = { plugin: id, file: 'plugin.json', pointer: `/contributes/operators/${i}` };
    const impl = Object.hasOwn(implementations, op.id) ? implementations[op.id] : undefined;
    if (!impl) throw new PluginError({ code: 'plugin.missing-operator', ...where, message: `Plugin "${id}" declares operator "${op.id}" but its runtime module does not implement it.` });
    const parts = typeof impl === 'function' ? { evaluate: impl } : impl;
    const signature = { params: op.signature.params, returns: op.signature.returns, ...(op.signature.variadic ? { rest: op.signature.variadic } : {}) };
    try {
      registry.ruleOperators.register(id, { ...parts, name: op.id, signature, ...(op.description ? { doc: op.description } : {}) });
    } catch (err) {
      throw new PluginError({ code: 'plugin.operator-conflict', ...where, message: `Plugin "${id}": ${(err as Error).message}`, cause: err });
    }
  });
}

/** A plugin's rules are checked once its operators are registered: allowlist, caps, field types. */
function checkContributedRules(registry: Registry, plugin: string): void {
  for (const rule of registry.rules.values()) {
    if (rule.plugin !== plugin) continue;
    const doc = rule.document as { logic: unknown; entity?: string };
    const where = { plugin, file: rule.file };
    if (doc.entity !== undefined && !registry.entities.has(doc.entity)) {
      throw new PluginError({ code: 'plugin.unknown-entity', ...where, pointer: '/entity', message: `Rule "${rule.fullId}" is about unknown entity "${doc.entity}".` });
    }
    try {
      checkRule(doc.logic, { operators: registry.ruleOperators, ...(doc.entity ? { schema: registry.entity(doc.entity).schema } : {}) });
    } catch (err) {
      const e = err as { pointer?: string; message: string; details?: unknown[] };
      throw new PluginError({ code: 'plugin.invalid-rule', ...where, pointer: `/logic${e.pointer ?? ''}`, message: `Rule "${rule.fullId}" (${rule.file}) is refused: ${e.message}`, cause: err });
    }
  }
}

/**
 * A plugin's dashboards are checked once its metrics are registered: metric ids, grid, where-rules.
 * Dimensions and grains are the metric layer's to know; the runtime checks them when it stores the dashboards.
 */
function checkContributedDashboards(ajv: Ajv2020, registry: Registry, plugin: string): void {
  for (const d of registry.dashboards.values()) {
    if (d.plugin !== plugin) continue;
    const { problems } = checkDashboard(d.document, { metrics: new Map([...registry.metrics].map(([id, m]) => [id, { entity: m.entity }])), operators: registry.ruleOperators, entitySchema: (e) => registry.entities.get(e)?.schema }, ajv);
    const first = problems[0];
    if (first) throw new PluginError({ code: 'plugin.invalid-dashboard', plugin, file: d.file, pointer: first.pointer, details: problems, message: `Dashboard "${d.fullId}" (${d.file}) is refused: ${problems.map((p) => `${p.pointer} ${p.message}`).join('; ')}` });
  }
}
