import semver from 'semver';
import { PluginError } from '../errors';
import type { PluginManifest } from './types';

/** Plugin API majors this kernel can load. */
export const SUPPORTED_API_VERSIONS: readonly number[] = [1];

/**
 * Orders manifests so every plugin comes after the plugins it depends on. Ties are broken by id,
 * so the order is deterministic. A duplicate id, an unsupported apiVersion, a missing or
 * incompatible dependency, or a cycle is a {@link PluginError} naming the plugin.
 *
 * @example
 * ```ts
 * resolvePluginOrder([{ id: 'pipeline', dependsOn: { crm: '^1.0.0' }, ... }, { id: 'crm', ... }]);
 * // -> [crm, pipeline]
 * ```
 */
export function resolvePluginOrder<T extends { manifest: PluginManifest; location: string }>(
  plugins: readonly T[],
  supportedApiVersions: readonly number[] = SUPPORTED_API_VERSIONS,
): T[] {
  const byId = new Map<string, T>();
  for (const p of plugins) {
    const { id, apiVersion } = p.manifest;
    const prior = byId.get(id);
    if (prior) {
      throw new PluginError({
        code: 'plugin.duplicate-id',
        plugin: id,
        file: `${p.location}/plugin.json`,
        pointer: '/id',
        message: `Plugin "${id}" is defined twice: in ${prior.location} and in ${p.location}.`,
      });
    }
    if (!supportedApiVersions.includes(apiVersion)) {
      throw new PluginError({
        code: 'plugin.incompatible-api-version',
        plugin: id,
        file: `${p.location}/plugin.json`,
        pointer: '/apiVersion',
        message: `Plugin "${id}" targets plugin API ${apiVersion}; this runtime supports ${supportedApiVersions.join(', ')}.`,
      });
    }
    byId.set(id, p);
  }
  for (const p of plugins) {
    for (const [dep, range] of Object.entries(p.manifest.dependsOn ?? {})) {
      const target = byId.get(dep);
      const file = `${p.location}/plugin.json`;
      const pointer = `/dependsOn/${dep}`;
      if (!target) {
        throw new PluginError({
          code: 'plugin.missing-dependency',
          plugin: p.manifest.id,
          file,
          pointer,
          message: `Plugin "${p.manifest.id}" depends on "${dep}", which is not loaded.`,
        });
      }
      if (semver.validRange(range) === null) {
        throw new PluginError({
          code: 'plugin.invalid-range',
          plugin: p.manifest.id,
          file,
          pointer,
          message: `Plugin "${p.manifest.id}" asks for "${dep}" with an invalid version range "${range}".`,
        });
      }
      if (!semver.satisfies(target.manifest.version, range, { includePrerelease: true })) {
        throw new PluginError({
          code: 'plugin.incompatible-dependency',
          plugin: p.manifest.id,
          file,
          pointer,
          message: `Plugin "${p.manifest.id}" needs "${dep}" ${range}, but version ${target.manifest.version} is loaded.`,
        });
      }
    }
  }
  const ordered: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    const mark = state.get(id);
    if (mark === 'done') return;
    if (mark === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      throw new PluginError({
        code: 'plugin.dependency-cycle',
        plugin: id,
        file: `${byId.get(id)?.location ?? id}/plugin.json`,
        pointer: '/dependsOn',
        message: `Plugin dependency cycle: ${cycle.join(' -> ')}.`,
        extensions: { cycle },
      });
    }
    state.set(id, 'visiting');
    const p = byId.get(id) as T;
    for (const dep of Object.keys(p.manifest.dependsOn ?? {}).sort()) visit(dep, [...path, id]);
    state.set(id, 'done');
    ordered.push(p);
  };
  for (const id of [...byId.keys()].sort()) visit(id, []);
  return ordered;
}
