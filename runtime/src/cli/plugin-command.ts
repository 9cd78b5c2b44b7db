import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { actionTypeCatalogue, isPipewrightError, loadPlugins, untranslatedActionTypes, untranslatedProcessTexts, type PipewrightError, type ProcessDefinition } from '@pipewright/core';
import { pluginDirsOf } from '../config';
import { BUILTIN_PLUGINS_DIR, discoverPluginDirs, folderSource } from '../plugins/folder-source';
import { resolveAbout } from './plugin-about';
import { scaffoldFiles } from './plugin-scaffold';

const USAGE = 'Usage: pipewright plugin new <id> [--dir <folder>] [--about <plugin.entity>] | pipewright plugin check <folder>';
const ID = /^[a-z][a-z0-9_]{1,39}$/;
/** The SDK version a scaffolded plugin depends on (the platform's own). */
export const SDK_VERSION = '0.1.0';

/** What to do about each loader error, by code. */
const HINTS: Record<string, string> = {
  'plugin.invalid-manifest': 'Fix plugin.json at the pointer; its format is schemas/plugin-manifest.schema.json.',
  'plugin.invalid-document': 'Fix the file at the pointer so it matches the schema named in the message.',
  'plugin.unreadable-file': 'Create the file or correct its path in plugin.json; it must be valid JSON inside the plugin folder.',
  'plugin.runtime-failed': 'Install the dependencies (npm install) and build the plugin (npm run build) so the runtime module in plugin.json exists and imports cleanly.',
  'plugin.runtime-missing-export': 'Export `plugin` (or a default export) created with definePlugin() from @pipewright/plugin-sdk.',
  'plugin.runtime-unavailable': 'Load the plugin from a folder (PIPEWRIGHT_PLUGINS) so its runtime module can be imported.',
  'plugin.missing-action-handler': 'Add the handler under `actions` in definePlugin(), or remove the action type from plugin.json.',
  'plugin.undeclared-action': 'Declare the action under contributes.actionTypes in plugin.json, or remove the handler.',
  'plugin.missing-operator': 'Implement the operator under `operators` in definePlugin(), or remove it from plugin.json.',
  'plugin.undeclared-operator': 'Declare the operator under contributes.operators in plugin.json, or remove the implementation.',
  'plugin.operator-conflict': 'Rename the operator: another plugin or the platform already has one of that name.',
  'plugin.duplicate-id': 'Give the plugin an id no other loaded plugin uses.',
  'plugin.duplicate-contribution': 'Rename the contribution: its id is already taken.',
  'plugin.missing-dependency': 'Name the folder of the plugin named in dependsOn in PIPEWRIGHT_PLUGINS, or remove the dependency.',
  'plugin.incompatible-dependency': 'Widen the version range in dependsOn, or load a matching version of that plugin.',
  'plugin.incompatible-api-version': 'Set apiVersion to a plugin API version this platform supports.',
  'plugin.dependency-cycle': 'Break the cycle: plugins may not depend on each other both ways.',
  'plugin.cycle': 'Break the cycle: plugins may not depend on each other both ways.',
  'plugin.invalid-rule': 'Fix the rule at the pointer: known operators only, field names and types as the entity schema declares.',
  'plugin.unknown-entity': 'Name an entity a loaded plugin contributes (full id, `plugin.entity`).',
  'plugin.invalid-metric': 'Fix the metric at the pointer (entity, measure and dimensions must exist).',
  'plugin.invalid-dashboard': 'Fix the dashboard at the pointer (metric ids, grid, where-rules).',
  'plugin.invalid-action-type': 'Fix the action type\'s configSchema: it must be a valid JSON Schema.',
};

/**
 * `pipewright plugin new <id> [--dir <folder>] [--about <plugin.entity>]` writes a plugin
 * skeleton (manifest, entity, action, studio page, tests, README, package.json with `build`) that
 * depends on no other plugin; with `--about`, on the plugin of the entity named, which each visit
 * may reference. `pipewright plugin check <folder>` loads the folder's plugins with the built-in
 * ones and those `PIPEWRIGHT_PLUGINS` names through the platform's loader and prints each problem
 * with its file, JSON pointer and what to do. Returns the exit code (0 fine, 1 problems, 2 usage).
 *
 * @example
 * ```ts
 * await pluginCommand(['new', 'acme_visits', '--dir', '/tmp'], console.log); // writes /tmp/acme_visits
 * await pluginCommand(['new', 'acme_calls', '--about', 'acme_sites.site'], console.log); // visits name a site
 * await pluginCommand(['check', '/tmp/acme_visits'], console.log);
 * ```
 */
export async function pluginCommand(args: string[], print: (line: string) => void = console.log, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: { values: { dir?: string | undefined; about?: string | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { dir: { type: 'string' }, about: { type: 'string' } }, strict: true, allowPositionals: true });
  } catch (err) {
    print(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const [sub, target, ...extra] = parsed.positionals;
  if (!target || extra.length) {
    print(USAGE);
    return 2;
  }
  const pluginDirs = pluginDirsOf(env);
  if (sub === 'new') return scaffold(target, resolve(parsed.values.dir ?? '.'), parsed.values.about, pluginDirs, print);
  if (sub === 'check' && parsed.values.about === undefined) return check(resolve(target), pluginDirs, print);
  print(USAGE);
  return 2;
}

function scaffold(id: string, parent: string, aboutArg: string | undefined, pluginDirs: string[], print: (line: string) => void): number {
  if (!ID.test(id)) {
    print(`"${id}" is not a plugin id: use 2 to 40 lower-case letters, digits and _, starting with a letter (e.g. acme_visits).`);
    return 2;
  }
  const about = aboutArg === undefined ? undefined : resolveAbout(aboutArg, id, pluginDirs);
  if (about && 'error' in about) {
    print(`${about.error}\n${USAGE}`);
    return 2;
  }
  const root = join(parent, id);
  if (existsSync(root) && readdirSync(root).length > 0) {
    print(`${root} exists and is not empty; choose another --dir or remove it.`);
    return 1;
  }
  for (const [file, text] of Object.entries(scaffoldFiles(id, SDK_VERSION, about))) {
    const path = join(root, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  print(`Created plugin ${id} in ${root}\nNext: cd ${root} && npm install && npm run build && npm test`);
  return 0;
}

async function check(dir: string, pluginDirs: string[], print: (line: string) => void): Promise<number> {
  let dirs: string[];
  let others: string[];
  try {
    dirs = discoverPluginDirs([dir]);
    others = discoverPluginDirs([BUILTIN_PLUGINS_DIR, ...pluginDirs]).filter((d) => !dirs.includes(d));
  } catch (err) {
    print((err as Error).message);
    return 1;
  }
  if (dirs.length === 0) {
    print(`${dir} holds no plugin.json (neither directly nor in a subfolder).`);
    return 1;
  }
  try {
    const registry = await loadPlugins([...others, ...dirs].map(folderSource));
    const mine = registry.plugins.filter((p) => dirs.includes(p.location));
    for (const p of mine) {
      print(`ok  ${p.manifest.id} ${p.manifest.version} (${p.location})`);
      // every user-visible process text in English and Simplified Chinese (ADR 019): a warning, not a refusal
      for (const proc of registry.processes.values()) {
        if (proc.plugin !== p.manifest.id) continue;
        for (const gap of untranslatedProcessTexts(proc.document as ProcessDefinition)) print(`warn ${proc.file}: ${gap} has no text in that language`);
      }
      // and every action type's title, field labels and help, which the designer shows (ADR 030)
      const actionTypes = actionTypeCatalogue(registry.actionTypes).filter((a) => a.plugin === p.manifest.id);
      for (const gap of untranslatedActionTypes(actionTypes)) print(`warn plugin.json: action type ${gap} is missing`);
    }
    return 0;
  } catch (err) {
    if (!isPipewrightError(err)) throw err;
    for (const line of describe(err)) print(line);
    return 1;
  }
}

/** The loader's error as lines: the problem, then file, pointer, each detail and what to do. */
export function describe(err: PipewrightError): string[] {
  const e = err as PipewrightError & { plugin?: string; file?: string; pointer?: string };
  const lines = [`error ${e.code}: ${e.message}`];
  if (e.plugin) lines.push(`  plugin:  ${e.plugin}`);
  if (e.file) lines.push(`  file:    ${e.file}`);
  if (e.pointer !== undefined) lines.push(`  pointer: ${e.pointer || '/'}`);
  for (const d of (e.details ?? []) as { pointer?: string; message?: string }[]) lines.push(`  - ${d.pointer || '/'} ${d.message ?? ''}`);
  lines.push(`  to do:   ${HINTS[e.code] ?? 'Fix the file at the pointer as the message says.'}`);
  return lines;
}
