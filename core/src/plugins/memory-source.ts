import type { PluginSource } from './types';

/**
 * A plugin held in memory: files by relative path. For tests and for plugins shipped as data.
 *
 * @example
 * ```ts
 * const source = memorySource('acme', { 'plugin.json': { id: 'acme', ... } });
 * ```
 */
export function memorySource(location: string, files: Record<string, unknown>, modules: Record<string, unknown> = {}): PluginSource {
  return {
    location,
    async readJson(path) {
      if (!Object.hasOwn(files, path)) throw new Error(`no such file ${path}`);
      return structuredClone(files[path]);
    },
    async importModule(path) {
      if (!Object.hasOwn(modules, path)) throw new Error(`no such module ${path}`);
      return modules[path];
    },
  };
}
