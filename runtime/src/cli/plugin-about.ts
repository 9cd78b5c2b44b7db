import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_PLUGINS_DIR, discoverPluginDirs } from '../plugins/folder-source';

/** The entity `plugin new <id> --about <plugin.entity>` links the scaffolded visits to. */
export interface AboutEntity {
  /** Full id, `<plugin>.<entity>`. */
  entity: string;
  /** The plugin contributing it: the scaffold's `dependsOn`. */
  plugin: string;
  /** The `dependsOn` range: the installed version and compatible later ones. */
  range: string;
  /** The visit's body field holding the record's id: `<entity>_id`. */
  field: string;
  /** The entity's title field, by which imports and pickers find a record. */
  lookup?: string;
  /** The entity's label, as its definition gives it. */
  label: string;
}

/** A full entity id, as `references` in schemas/entity.schema.json accepts it. */
const ENTITY_ID = /^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$/;

interface Manifest {
  id?: unknown;
  version?: unknown;
  contributes?: { entities?: unknown };
}

/**
 * Finds the entity `--about` names among the installed plugins (the built-in ones and the folders
 * `PIPEWRIGHT_PLUGINS` names, as the server loads them), reading their manifests and entity
 * definitions only (no code is imported). Answers the entity, or what is wrong in one sentence.
 *
 * @example
 * ```ts
 * resolveAbout('acme_sites.site', 'acme_visits', ['/srv/plugins']); // { entity: 'acme_sites.site', field: 'site_id', ... }
 * ```
 */
export function resolveAbout(about: string, self: string, pluginDirs: readonly string[]): AboutEntity | { error: string } {
  const m = ENTITY_ID.exec(about);
  if (!m) return { error: `--about "${about}" is not an entity id: write the plugin id, a dot and the entity id (e.g. acme_sites.site).` };
  const [, pluginId, entityId] = m as unknown as [string, string, string];
  if (pluginId === self) return { error: `--about names an entity of another plugin; ${self} is the plugin being made.` };
  let dirs: string[];
  try {
    dirs = discoverPluginDirs([BUILTIN_PLUGINS_DIR, ...pluginDirs]);
  } catch (err) {
    return { error: `${(err as Error).message} (PIPEWRIGHT_PLUGINS).` };
  }
  const installed = new Map<string, { dir: string; manifest: Manifest }>();
  for (const dir of dirs) {
    const manifest = readJson(join(dir, 'plugin.json')) as Manifest | undefined;
    if (typeof manifest?.id === 'string') installed.set(manifest.id, { dir, manifest });
  }
  const target = installed.get(pluginId);
  if (!target) return { error: `--about ${about}: no installed plugin has the id "${pluginId}" (installed: ${[...installed.keys()].sort().join(', ')}). Name a company plugin's folder in PIPEWRIGHT_PLUGINS to link to its entities.` };
  const files = Array.isArray(target.manifest.contributes?.entities) ? (target.manifest.contributes.entities as unknown[]) : [];
  const entities = files.map((f) => (typeof f === 'string' ? (readJson(join(target.dir, f)) as { id?: unknown; label?: unknown; titleField?: unknown } | undefined) : undefined));
  const entity = entities.find((e) => e?.id === entityId);
  if (!entity) return { error: `--about ${about}: plugin "${pluginId}" has no entity "${entityId}" (its entities: ${entities.map((e) => String(e?.id)).sort().join(', ') || 'none'}).` };
  return {
    entity: about,
    plugin: pluginId,
    range: typeof target.manifest.version === 'string' ? `^${target.manifest.version}` : '*',
    field: `${entityId}_id`,
    ...(typeof entity.titleField === 'string' ? { lookup: entity.titleField } : {}),
    label: typeof entity.label === 'string' ? entity.label : entityId,
  };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
