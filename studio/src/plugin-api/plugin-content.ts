import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelledContent } from './coverage';

/**
 * Reads a plugin folder's entity schemas and processes (as its `plugin.json` lists them) into
 * the content {@link untranslated} checks. Node only: for plugin tests.
 *
 * @example
 * ```ts
 * untranslated(translations, pluginContent(fileURLToPath(new URL('../..', import.meta.url))));
 * ```
 */
export function pluginContent(dir: string): LabelledContent {
  const json = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  const manifest = json('plugin.json') as { id: string; contributes?: { entities?: string[]; processes?: string[] } };
  const entities = (manifest.contributes?.entities ?? []).map((f) => {
    const e = json(f) as { id: string; schema: { properties: Record<string, { enum?: readonly unknown[] }> } };
    return { fullId: `${manifest.id}.${e.id}`, schema: e.schema };
  });
  const stages: Record<string, string[]> = {};
  for (const f of manifest.contributes?.processes ?? []) {
    const p = json(f) as { entity: string; stages: { id: string }[] };
    stages[p.entity] = [...new Set([...(stages[p.entity] ?? []), ...p.stages.map((s) => s.id)])];
  }
  return { entities, stages };
}
