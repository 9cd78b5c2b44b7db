import { textIn } from '@pipewright/core/i18n';
import type { ActionDefinition, ActionTypeInfo } from '../../api/processes';
import type { JsonSchema } from '../../api/types';
import { HELP } from '../../plugins/localize';

/**
 * An action type's config schema for the reader: each top-level field titled in `language`
 * (from the type's field labels) with its help for users (`x-help`, shown as `ui:help` by
 * `formUiSchema`; forms never show a schema's `description`), a field allowing any value (`true` or
 * `{}`) edited as text.
 *
 * @example
 * ```ts
 * localizedConfigSchema(info, 'zh-CN').properties.subject.title; // '主题'
 * ```
 */
export function localizedConfigSchema(info: ActionTypeInfo, language: string): JsonSchema {
  const schema = info.configSchema as JsonSchema;
  const properties: Record<string, JsonSchema> = {};
  for (const [name, raw] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema | boolean>)) {
    const prop: JsonSchema = raw === true || (typeof raw === 'object' && Object.keys(raw).length === 0) ? { type: 'string' } : (raw as JsonSchema);
    const label = info.fields[name];
    const help = info.help[name];
    properties[name] = { ...prop, ...(label ? { title: textIn(label, language) } : {}), ...(help ? { [HELP]: textIn(help, language) } : {}) };
  }
  return { ...schema, type: 'object', properties };
}

/** The label of a field of an action's config in `language` (its name when the type has none). */
export const configFieldLabel = (info: ActionTypeInfo | undefined, pointer: string, language: string): string => {
  const name = pointer.replace(/^\/config(?=\/|$)/, '').split('/')[1] ?? '';
  const label = info?.fields[name];
  return label ? textIn(label, language) : name || pointer;
};

/**
 * A new action id for `type` (its local name, numbered when taken), unique in the transition.
 *
 * @example
 * ```ts
 * newActionId([{ id: 'notify', type: 'core.notify' }], 'core.notify'); // 'notify_2'
 * ```
 */
export function newActionId(actions: readonly ActionDefinition[], type: string): string {
  const base = (type.split('.')[1] ?? 'action').slice(0, 58);
  const taken = new Set(actions.map((a) => a.id));
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  return id;
}
