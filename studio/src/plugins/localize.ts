import { textIn, type LocalizableText } from '@pipewright/core/i18n';
import type { EntityInfo, JsonSchema } from '../api/types';
import type { PluginTranslation } from '../plugin-api/types';

/** The schema property member holding a field's help for forms, in the reader's language. */
export const HELP = 'x-help';

/**
 * An entity in the reader's language: its label, plural, description, field titles (in the
 * field list and in the form schema), field help (as `x-help` on the form schema's property, for
 * forms), enum labels and stage labels, from its plugin's translations. Whatever the translation lacks keeps the entity's own text.
 *
 * @example
 * ```ts
 * localizeEntity(deal, registry.translation('pipeline', 'zh-CN')).label; // '商机'
 * ```
 */
export function localizeEntity(entity: EntityInfo, translation: PluginTranslation | undefined): EntityInfo {
  const t = translation?.entities?.[entity.fullId];
  if (!t) return entity;
  const fields = t.fields ?? {};
  const enums = t.enums ?? {};
  const properties: Record<string, JsonSchema> = {};
  const help = t.help ?? {};
  for (const [name, prop] of Object.entries(entity.schema.properties ?? {})) properties[name] = fields[name] || help[name] ? { ...prop, ...(fields[name] ? { title: fields[name] } : {}), ...(help[name] ? { [HELP]: help[name] } : {}) } : prop;
  return {
    ...entity,
    label: t.label ?? entity.label,
    labelPlural: t.labelPlural ?? entity.labelPlural,
    ...(t.description ?? entity.description ? { description: t.description ?? entity.description } : {}),
    schema: { ...entity.schema, properties },
    fields: entity.fields.map((f) => ({ ...f, ...(fields[f.name] ? { title: fields[f.name] } : {}), ...(enums[f.name] ? { enumLabels: enums[f.name] } : {}) })),
    ...(t.stages ? { stageLabels: t.stages } : {}),
  };
}

/**
 * The label of a stage of an entity in the reader's language: the process's own label when it
 * holds one per language (ADR 019), else the plugin's translation of the stage id, else the
 * process's plain label, else the id.
 *
 * @example
 * ```ts
 * stageLabel(deal, 'won', { en: 'Won', 'zh-CN': '赢单' }, 'zh-CN'); // '赢单'
 * stageLabel(deal, 'won', 'Won'); // the plugin's translation ('赢单' when deal is localized to zh-CN)
 * ```
 */
export function stageLabel(entity: Pick<EntityInfo, 'stageLabels'> | undefined, id: string, processLabel?: LocalizableText, language = 'en'): string {
  if (processLabel !== undefined && typeof processLabel === 'object') return textIn(processLabel, language) || id;
  return entity?.stageLabels?.[id] ?? (processLabel || id);
}

/**
 * Process content (a process, stage or transition label, a guard message, guidance) in the
 * reader's language: the text for it, else English, else any; a plain string as written.
 *
 * @example
 * ```ts
 * processText({ en: 'Mark won', 'zh-CN': '标记赢单' }, 'zh-CN'); // '标记赢单'
 * ```
 */
export function processText(text: LocalizableText | null | undefined, language: string): string {
  return textIn(text, language);
}
