import { loadTranslations, type PluginTranslation, type StudioHost, type StudioLanguage, type StudioPlugin, type TranslationSource } from './types';

/** The parts of a plugin's entity schema and processes that the studio shows by name. */
export interface LabelledContent {
  entities: { fullId: string; schema: { properties: Record<string, { enum?: readonly unknown[] }> } }[];
  /** Stage ids of each entity's processes. */
  stages?: Record<string, readonly string[]>;
}

/**
 * What a plugin's translations leave untranslated in a language: entity labels, field titles,
 * enum values and stage names. For a plugin's own tests (`expect(untranslated(...)).toEqual([])`).
 *
 * @example
 * ```ts
 * untranslated(translations, { entities: [deal], stages: { 'acme.ticket': ['won', 'lost'] } }); // ['zh-CN: acme.ticket stage won', ...]
 * ```
 */
export function untranslated(translations: Record<StudioLanguage, PluginTranslation>, content: LabelledContent): string[] {
  const missing: string[] = [];
  for (const [lang, t] of Object.entries(translations)) {
    for (const e of content.entities) {
      const et = t.entities?.[e.fullId];
      if (!et?.label) missing.push(`${lang}: ${e.fullId} label`);
      if (!et?.labelPlural) missing.push(`${lang}: ${e.fullId} labelPlural`);
      for (const [field, prop] of Object.entries(e.schema.properties)) {
        if (!et?.fields?.[field]) missing.push(`${lang}: ${e.fullId} field ${field}`);
        for (const v of prop.enum ?? []) if (typeof v === 'string' && !et?.enums?.[field]?.[v]) missing.push(`${lang}: ${e.fullId} enum ${field}.${v}`);
      }
      for (const s of content.stages?.[e.fullId] ?? []) if (!et?.stages?.[s]) missing.push(`${lang}: ${e.fullId} stage ${s}`);
    }
  }
  return missing;
}

/**
 * A studio half's text as the studio loads it, for the plugin's own tests: `setup` runs with a
 * host of only the plugin's id and `React` (enough for the manifest; its parts use the rest of
 * the host when they render), and every language is loaded, loaders included. `sources` is the
 * text as the manifest gives it (the text, or a loader per language). Throws when there is none.
 *
 * @example
 * ```ts
 * const { texts } = await studioTexts(studio, React);
 * expect(translationGaps(texts)).toEqual([]);
 * ```
 */
export async function studioTexts(plugin: StudioPlugin, React: StudioHost['React']): Promise<{ sources: Record<StudioLanguage, TranslationSource>; texts: Record<StudioLanguage, PluginTranslation> }> {
  const sources = plugin.setup({ plugin: plugin.id, React } as unknown as StudioHost).translations;
  if (!sources) throw new Error(`the studio half of ${plugin.id} has no translations`);
  return { sources, texts: await loadTranslations(sources) };
}
