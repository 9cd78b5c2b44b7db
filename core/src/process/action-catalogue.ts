import type { ActionTypeDeclaration, LocalizedText, SchemaObject as JsonSchema } from '../plugins/types';
import type { TextByLocale } from '../i18n/text';
import { BUILTIN_ACTION_TYPES } from './builtin-actions';

/** The shape of an action type the catalogue reads: a built-in or a registered one. */
type ActionTypeSource = Omit<ActionTypeDeclaration, 'id'> & { fullId: string; plugin?: string };

/** An action type as the designer's action picker and generated form read it. */
export interface ActionTypeInfo {
  /** Full id a process names (`acme_visits.log_visit`, `core.notify`). */
  type: string;
  /** Plugin that provides it; `core` for the built-ins the runtime runs itself. */
  plugin: string;
  /** By language; a manifest that gives only a string has only `en`. */
  title: TextByLocale;
  description?: TextByLocale;
  /** JSON Schema of `config` (an empty object schema when the type declares none). */
  configSchema: JsonSchema;
  /** Labels of the configuration's fields, by field name (nested members by dotted path: `assignTo.role`), by language. */
  fields: Record<string, TextByLocale>;
  /** Help texts of the configuration's fields, by field name or path, by language. */
  help: Record<string, TextByLocale>;
  /** Labels of enum values, by field name or path, then by value, by language. */
  enums: Record<string, Record<string, TextByLocale>>;
  /** Former ids stored versions may still name; they run this type. */
  aliases: string[];
}

const byLocale = (text: string | LocalizedText): TextByLocale => (typeof text === 'string' ? { en: text } : { ...text });

/**
 * Every action type a process may name (the built-ins, then the plugins', each once: aliases are
 * listed on their type), sorted by id, with titles, descriptions and field labels by language.
 *
 * @example
 * ```ts
 * actionTypeCatalogue(registry.actionTypes).find((a) => a.type === 'acme_visits.log_visit')?.title['zh-CN']; // '记录拜访'
 * ```
 */
export function actionTypeCatalogue(registered: ReadonlyMap<string, ActionTypeSource>): ActionTypeInfo[] {
  const seen = new Map<string, ActionTypeInfo>();
  const add = (a: ActionTypeSource, plugin: string) => {
    if (seen.has(a.fullId)) return;
    seen.set(a.fullId, {
      type: a.fullId,
      plugin,
      title: byLocale(a.title),
      ...(a.description !== undefined ? { description: byLocale(a.description) } : {}),
      configSchema: a.configSchema ?? { type: 'object' },
      fields: Object.fromEntries(Object.entries(a.fields ?? {}).map(([k, v]) => [k, { ...v }])),
      help: Object.fromEntries(Object.entries(a.help ?? {}).map(([k, v]) => [k, { ...v }])),
      enums: Object.fromEntries(Object.entries(a.enums ?? {}).map(([k, values]) => [k, Object.fromEntries(Object.entries(values).map(([v, text]) => [v, { ...text }]))])),
      aliases: [...(a.aliases ?? [])],
    });
  };
  for (const a of BUILTIN_ACTION_TYPES.values()) add(a, 'core');
  for (const a of registered.values()) add(a, a.plugin ?? 'core');
  return [...seen.values()].sort((a, b) => a.type.localeCompare(b.type));
}

/** A field of an action's configuration, by dotted path, with its schema (nested members of objects and of array items included). */
export interface ConfigField {
  path: string;
  schema: JsonSchema;
}

/**
 * Every named field of a config schema, depth first: top-level properties, the properties of
 * object fields (`assignTo.role`), and those of array items (`steps.name`).
 *
 * @example
 * ```ts
 * configFields({ type: 'object', properties: { to: { type: 'object', properties: { role: { type: 'string' } } } } }).map((f) => f.path); // ['to', 'to.role']
 * ```
 */
export function configFields(schema: JsonSchema, prefix = ''): ConfigField[] {
  const out: ConfigField[] = [];
  for (const [name, raw] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null) {
      out.push({ path: `${prefix}${name}`, schema: {} });
      continue;
    }
    const prop = raw as JsonSchema;
    const path = `${prefix}${name}`;
    out.push({ path, schema: prop });
    out.push(...configFields(prop, `${path}.`));
    if (prop.items && typeof prop.items === 'object' && !Array.isArray(prop.items)) out.push(...configFields(prop.items as JsonSchema, `${path}.`));
  }
  return out;
}

/** The string values of a field's `enum` (also of its array items' `enum`). */
export function enumValues(schema: JsonSchema): string[] {
  const list = Array.isArray(schema.enum) ? schema.enum : schema.items && typeof schema.items === 'object' && Array.isArray((schema.items as JsonSchema).enum) ? ((schema.items as JsonSchema).enum as unknown[]) : [];
  return list.filter((v): v is string => typeof v === 'string');
}

/**
 * What the catalogue leaves untranslated in a language: an action type's title, the label of
 * each field of its configuration (nested members too), the help of each field with a
 * description, and the label of each enum value. For the platform's and plugins' tests.
 *
 * @example
 * ```ts
 * untranslatedActionTypes(actionTypeCatalogue(registry.actionTypes)); // ['acme_visits.log_visit: zh-CN title', 'acme_visits.log_visit: zh-CN enum kind.call', ...]
 * ```
 */
export function untranslatedActionTypes(catalogue: readonly ActionTypeInfo[], locales: readonly string[] = ['en', 'zh-CN']): string[] {
  const missing: string[] = [];
  for (const a of catalogue) {
    for (const l of locales) {
      if (!a.title[l]?.trim()) missing.push(`${a.type}: ${l} title`);
      for (const { path, schema } of configFields(a.configSchema)) {
        if (!a.fields[path]?.[l]?.trim()) missing.push(`${a.type}: ${l} field ${path}`);
        if (typeof schema.description === 'string' && !a.help[path]?.[l]?.trim()) missing.push(`${a.type}: ${l} help ${path}`);
        for (const v of enumValues(schema)) if (!a.enums[path]?.[v]?.[l]?.trim()) missing.push(`${a.type}: ${l} enum ${path}.${v}`);
      }
    }
  }
  return missing;
}
