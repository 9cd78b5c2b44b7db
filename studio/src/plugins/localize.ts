import { textIn, type LocalizableText } from '@pipewright/core/i18n';
import type { EntityInfo, JsonSchema } from '../api/types';
import type { PluginTranslation } from '../plugin-api/types';

/**
 * A schema property member holding a field's help for a generated form (e.g. an action's config
 * form), shown as `ui:help` and removed before the form's schema is used (`formSchema`).
 */
export const HELP = 'x-help';

/**
 * An entity in the reader's language: its label, plural, description, field titles (in the
 * field list and in the form schema), field help (as `ui:help` in the entity's form hints), enum
 * labels and stage labels, from its plugin's translations. Whatever the translation lacks keeps the entity's own text.
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
  for (const [name, prop] of Object.entries(entity.schema.properties ?? {})) properties[name] = fields[name] ? { ...prop, title: fields[name] } : prop;
  // Help goes into the form hints, not into the schema: other code compiles the entity schema
  // with ajv in strict mode (the designer's entry requirements), which refuses unknown keywords.
  const help = Object.entries(t.help ?? {});
  const form = (entity.ui?.form ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const ui = help.length > 0 ? { ...entity.ui, form: { ...form, ...Object.fromEntries(help.map(([f, text]) => [f, { ...(form[f] ?? {}), 'ui:help': text }])) } } : entity.ui;
  return {
    ...entity,
    label: t.label ?? entity.label,
    labelPlural: t.labelPlural ?? entity.labelPlural,
    ...(t.description ?? entity.description ? { description: t.description ?? entity.description } : {}),
    schema: { ...entity.schema, properties },
    ...(ui ? { ui } : {}),
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
