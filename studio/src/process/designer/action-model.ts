import { textIn } from '@pipewright/core/i18n';
import type { ActionDefinition, ActionTypeInfo } from '../../api/processes';
import type { JsonSchema } from '../../api/types';
import { HELP } from '../../plugins/localize';

/**
 * An action type's config schema for the reader: each field titled in `language` (from the
 * type's field labels; nested members by their dotted path, `assignTo.role`) with its help for
 * users (`x-help`, shown as `ui:help` by `formUiSchema`; forms never show a schema's
 * `description`), a field allowing any value (`true` or `{}`) edited as text.
 *
 * @example
 * ```ts
 * localizedConfigSchema(info, 'zh-CN').properties.subject.title; // '主题'
 * ```
 */
export function localizedConfigSchema(info: ActionTypeInfo, language: string): JsonSchema {
  return { ...localizedObject(info.configSchema as JsonSchema, info, language, ''), type: 'object' };
}

function localizedObject(schema: JsonSchema, info: ActionTypeInfo, language: string, prefix: string): JsonSchema {
  if (!schema.properties || typeof schema.properties !== 'object') return schema;
  const properties: Record<string, JsonSchema> = {};
  for (const [name, raw] of Object.entries(schema.properties as Record<string, JsonSchema | boolean>)) {
    const prop: JsonSchema = raw === true || (typeof raw === 'object' && Object.keys(raw).length === 0) ? { type: 'string' } : (raw as JsonSchema);
    const path = `${prefix}${name}`;
    const label = info.fields[path];
    const help = info.help[path];
    const nested = localizedObject(prop, info, language, `${path}.`);
    const items = nested.items && typeof nested.items === 'object' && !Array.isArray(nested.items) ? { items: localizedObject(nested.items as JsonSchema, info, language, `${path}.`) } : {};
    properties[name] = { ...nested, ...items, ...(label ? { title: textIn(label, language) } : {}), ...(help ? { [HELP]: textIn(help, language) } : {}) };
  }
  return { ...schema, properties };
}

/**
 * The uiSchema the config form adds for enum values: `ui:enumNames` in `language` for each field
 * (nested members by path) whose values the type labels, so a select shows "电话", not `call`.
 *
 * @example
 * ```ts
 * configEnumUi(info, 'zh-CN'); // { kind: { 'ui:enumNames': { call: '电话', … } } }
 * ```
 */
export function configEnumUi(info: ActionTypeInfo, language: string): Record<string, unknown> {
  const ui: Record<string, unknown> = {};
  for (const [path, values] of Object.entries(info.enums ?? {})) {
    let node = ui;
    for (const segment of path.split('.')) node = (node[segment] ??= {}) as Record<string, unknown>;
    node['ui:enumNames'] = Object.fromEntries(Object.entries(values).map(([v, text]) => [v, textIn(text, language)]));
  }
  return ui;
}

/** Merges uiSchemas member by member (nested objects merged, `b` wins on a conflict). */
export function mergeUi(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = cur && typeof cur === 'object' && !Array.isArray(cur) && v && typeof v === 'object' && !Array.isArray(v) ? mergeUi(cur as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/** The label of a field of an action's config in `language` (its name when the type has none). */
export const configFieldLabel = (info: ActionTypeInfo | undefined, pointer: string, language: string): string => {
  const segments = pointer.replace(/^\/config(?=\/|$)/, '').split('/').slice(1).filter((s) => !/^\d+$/.test(s));
  // the deepest labelled member: /config/assignTo/role -> "Role", else the top-level field's label
  for (let n = segments.length; n > 0; n--) {
    const label = info?.fields[segments.slice(0, n).join('.')];
    if (label) return textIn(label, language);
  }
  return segments[0] || pointer;
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
