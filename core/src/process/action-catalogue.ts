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
  /** Labels of the configuration's top-level fields, by field name, by language. */
  fields: Record<string, TextByLocale>;
  /** Help texts of the configuration's top-level fields, by field name, by language. */
  help: Record<string, TextByLocale>;
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
      aliases: [...(a.aliases ?? [])],
    });
  };
  for (const a of BUILTIN_ACTION_TYPES.values()) add(a, 'core');
  for (const a of registered.values()) add(a, a.plugin ?? 'core');
  return [...seen.values()].sort((a, b) => a.type.localeCompare(b.type));
}

/**
 * What the catalogue leaves untranslated in a language: an action type's title, the label of
 * each top-level field of its configuration, and the help of each such field with a description. For the platform's and plugins' tests.
 *
 * @example
 * ```ts
 * untranslatedActionTypes(actionTypeCatalogue(registry.actionTypes)); // ['acme_visits.log_visit: zh-CN title', ...]
 * ```
 */
export function untranslatedActionTypes(catalogue: readonly ActionTypeInfo[], locales: readonly string[] = ['en', 'zh-CN']): string[] {
  const missing: string[] = [];
  for (const a of catalogue) {
    for (const l of locales) {
      if (!a.title[l]?.trim()) missing.push(`${a.type}: ${l} title`);
      const properties = (a.configSchema.properties ?? {}) as Record<string, unknown>;
      for (const [name, prop] of Object.entries(properties)) {
        if (!a.fields[name]?.[l]?.trim()) missing.push(`${a.type}: ${l} field ${name}`);
        const described = typeof prop === 'object' && prop !== null && typeof (prop as { description?: unknown }).description === 'string';
        if (described && !a.help[name]?.[l]?.trim()) missing.push(`${a.type}: ${l} help ${name}`);
      }
    }
  }
  return missing;
}
