import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PluginSource } from '@pipewright/core';

/**
 * A plugin folder on disk. Paths a manifest names must stay inside the folder.
 *
 * @example
 * ```ts
 * const source = folderSource('/srv/acme-plugins/territories');
 * ```
 */
export function folderSource(dir: string): PluginSource {
  const root = resolve(dir);
  const inside = (file: string): string => {
    const full = resolve(root, file);
    const rel = relative(root, full);
    if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) throw new Error(`${file} is outside the plugin folder`);
    return full;
  };
  return {
    location: root,
    async readJson(file) {
      const text = await readFile(inside(file), 'utf8');
      try {
        return JSON.parse(text) as unknown;
      } catch (err) {
        throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
      }
    },
    async importModule(file) {
      return (await import(pathToFileURL(inside(file)).href)) as unknown;
    },
  };
}

/** The repository's own `plugins/` folder. */
export const BUILTIN_PLUGINS_DIR = fileURLToPath(new URL('../../../plugins', import.meta.url));

/**
 * Plugin folders to load: every folder with a `plugin.json` directly under each given folder,
 * or the folder itself when it holds a `plugin.json`. `examples/` and similar subfolders
 * without a manifest are skipped.
 *
 * @example
 * ```ts
 * discoverPluginDirs([BUILTIN_PLUGINS_DIR, ...process.env.PIPEWRIGHT_PLUGINS.split(':')]);
 * ```
 */
export function discoverPluginDirs(folders: readonly string[]): string[] {
  const found: string[] = [];
  for (const folder of folders) {
    const root = resolve(folder);
    if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`Plugin folder ${root} does not exist`);
    if (existsSync(join(root, 'plugin.json'))) {
      found.push(root);
      continue;
    }
    for (const name of readdirSync(root).sort()) {
      const dir = join(root, name);
      if (statSync(dir).isDirectory() && existsSync(join(dir, 'plugin.json'))) found.push(dir);
    }
  }
  return [...new Set(found)];
}
