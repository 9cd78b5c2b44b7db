import type { PluginTranslation, StudioLanguage } from './types';

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
