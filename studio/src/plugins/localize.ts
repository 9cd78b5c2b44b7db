import type { EntityInfo, JsonSchema } from '../api/types';
import type { PluginTranslation } from '../plugin-api/types';

/**
 * An entity in the reader's language: its label, plural, description, field titles (in the
 * field list and in the form schema), enum labels and stage labels, from its plugin's
 * translations. Whatever the translation lacks keeps the entity's own text.
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
 * The label of a stage of an entity in the reader's language: the plugin's translation, else the
 * process's own label, else the id.
 *
 * @example
 * ```ts
 * stageLabel(deal, 'won', 'Won'); // '赢单' in zh-CN
 * ```
 */
export function stageLabel(entity: Pick<EntityInfo, 'stageLabels'> | undefined, id: string, fallback?: string): string {
  return entity?.stageLabels?.[id] ?? fallback ?? id;
}
