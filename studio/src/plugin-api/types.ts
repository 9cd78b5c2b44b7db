/**
 * The studio extension API: what a plugin's studio half may contribute and what the studio
 * hands it. This file is the whole public surface (re-exported by `@pipewright/plugin-sdk`): it
 * has no runtime dependency on studio internals, only `import type` from React.
 *
 * A studio half is an ES module whose default export is {@link defineStudioPlugin}'s result.
 * Its `setup` receives the host (the studio's own React, API client, i18n and UI kit), so a
 * company plugin built on its own shares the host's single React instance.
 */
import type * as ReactNamespace from 'react';
import type { ComponentType, ReactNode } from 'react';
import type { RecordView } from '@pipewright/core/api';

/** The React module of the host studio (one instance for the host and every plugin). */
export type HostReact = typeof ReactNamespace;

/** A top-level field of an entity, as `GET /api/entities` describes it (localized by the studio). */
export interface StudioField {
  name: string;
  type: string;
  format?: string;
  required: boolean;
  enum?: readonly unknown[];
  /** Enum value labels in the reader's language (from plugin translations). */
  enumLabels?: Readonly<Record<string, string>>;
  reference?: { entity: string; lookup?: string };
  title?: string;
}

/** An entity as the studio knows it (labels already in the reader's language). */
export interface StudioEntity {
  fullId: string;
  id: string;
  plugin: string;
  label: string;
  labelPlural: string;
  description?: string;
  titleField?: string;
  stageful?: boolean;
  references?: Record<string, { entity: string; lookup?: string }>;
  fields: StudioField[];
  /** Stage labels in the reader's language, by stage id (from plugin translations). */
  stageLabels?: Readonly<Record<string, string>>;
}

/** A record as the API shows it (the wire type of `@pipewright/core/api`). */
export type StudioRecord = RecordView;

/** Which entities a record panel or action is for: entity ids, or a test on the entity. */
export type EntityMatch = readonly string[] | ((entity: StudioEntity, catalogue: ReadonlyMap<string, StudioEntity>) => boolean);

/** A page of the plugin, mounted at `/p/{plugin}/{path}` (`path` may hold `:params`). */
export interface PluginPage {
  path: string;
  component: ComponentType<{ params: Record<string, string | undefined> }>;
}

/** An entry of the studio's navigation, under the plugin's heading. */
export interface PluginNavEntry {
  id: string;
  /** Message key of the plugin's translations. */
  label: string;
  /** Studio address: `/p/{plugin}/...` for the plugin's pages, or any studio route (`/board/acme.ticket`). */
  href: string;
  order?: number;
}

/** Props of a record panel. */
export interface RecordPanelProps {
  entity: StudioEntity;
  record: StudioRecord;
  /** Tells the page the record changed (after the panel wrote it). */
  onChanged(record: StudioRecord): void;
}

/** A panel on the record page of the matching entities, below the fields. */
export interface RecordPanel {
  id: string;
  entities: EntityMatch;
  component: ComponentType<RecordPanelProps>;
  order?: number;
}

/** A button in the record page's header of the matching entities. */
export interface RecordAction {
  id: string;
  entities: EntityMatch;
  /** Message key of the plugin's translations. */
  label: string;
  /** Runs on click; a returned record replaces the one shown, a thrown error is shown on the page. */
  run(context: { entity: StudioEntity; record: StudioRecord; navigate(to: string): void }): Promise<StudioRecord | void> | StudioRecord | void;
}

/** Props of a field widget (the rjsf widget contract, reduced to what a widget needs). */
export interface FieldWidgetProps {
  id: string;
  value: unknown;
  required: boolean;
  disabled: boolean;
  readonly: boolean;
  label: string;
  onChange(value: unknown): void;
  onBlur(id: string, value: unknown): void;
  onFocus(id: string, value: unknown): void;
}

/**
 * A form widget for a format. It applies to fields whose schema has `"format": "{plugin}.{format}"`
 * and to fields whose entity form hints name it (`"ui:widget": "{plugin}.{format}"`).
 */
export interface FieldWidget {
  format: string;
  component: ComponentType<FieldWidgetProps>;
  /** How a stored value reads on record pages and lists; default: the studio's own formatting. */
  display?(value: unknown, language: string): string;
}

/** Props of a dashboard widget. */
export interface DashboardWidgetProps {
  language: string;
  /** The dashboard's id (`pipeline.company_home`). */
  dashboard: string;
  /** The period the reader chose (ISO dates; open ends for "all time"). */
  period: { from?: string; to?: string };
}

/** A tile the plugin adds to the dashboards it names (by dashboard id, `*` for every dashboard). */
export interface DashboardWidget {
  id: string;
  /** Message key of the plugin's translations (the tile's title). */
  title: string;
  dashboards: readonly string[];
  component: ComponentType<DashboardWidgetProps>;
}

/** A stage board for an entity with stages; the first registered one is the studio's `/board`. */
export interface BoardRegistration {
  entity: string;
  /**
   * Metric ids (`GET /api/metrics`) the board shows per column and in its header, with the
   * board's owner, team and pipeline filters, e.g. open and weighted pipeline value; a column shows
   * those that have a value for its stage. The figures count only what the user may see.
   */
  values?: readonly string[];
}

/** The rule the rule builder starts with for an entity (json-logic over the entity's fields). */
export interface RuleExample {
  entity: string;
  rule: unknown;
}

/** Labels of an entity in one language. */
export interface EntityTranslation {
  label?: string;
  labelPlural?: string;
  description?: string;
  /** Field titles by field name. */
  fields?: Record<string, string>;
  /** Enum labels by field name, then value. */
  enums?: Record<string, Record<string, string>>;
  /** Stage labels by stage id (of every process of the entity). */
  stages?: Record<string, string>;
  /**
   * Help shown under a field in forms, by field name, written for the people who fill the form
   * in. Forms do not show the schema's own `description` (written for schema authors).
   */
  help?: Record<string, string>;
}

/** Everything a plugin says in one language. */
export interface PluginTranslation {
  /** The plugin's name (the navigation heading). */
  name?: string;
  /** Labels of the plugin's own entities, by full id (`acme.visit`). */
  entities?: Record<string, EntityTranslation>;
  /** Messages of the plugin's own components, nav entries and actions, by key. */
  messages?: Record<string, string>;
}

/** The languages the studio ships; a plugin translates into each. */
export type StudioLanguage = 'en' | 'zh-CN';

/** Languages every plugin translates into. */
export const PLUGIN_LANGUAGES: readonly StudioLanguage[] = ['en', 'zh-CN'];

/** Every key a translation holds (`entities.<id>.fields.<f>`, `messages.<k>`...), sorted: each language must have the same. */
export function translationKeys(t: PluginTranslation | undefined): string[] {
  if (!t) return [];
  const keys = [...(t.name !== undefined ? ['name'] : []), ...Object.keys(t.messages ?? {}).map((k) => `messages.${k}`)];
  for (const [entity, e] of Object.entries(t.entities ?? {})) {
    for (const k of ['label', 'labelPlural', 'description'] as const) if (e[k] !== undefined) keys.push(`entities.${entity}.${k}`);
    for (const f of Object.keys(e.fields ?? {})) keys.push(`entities.${entity}.fields.${f}`);
    for (const f of Object.keys(e.help ?? {})) keys.push(`entities.${entity}.help.${f}`);
    for (const [f, values] of Object.entries(e.enums ?? {})) for (const v of Object.keys(values)) keys.push(`entities.${entity}.enums.${f}.${v}`);
    for (const s of Object.keys(e.stages ?? {})) keys.push(`entities.${entity}.stages.${s}`);
  }
  return keys.sort();
}

/**
 * The keys one language of a plugin's translations has and another lacks (both ways), so a
 * plugin cannot ship a label in English only.
 *
 * @example
 * ```ts
 * translationGaps({ en: { messages: { a: 'A' } }, 'zh-CN': { messages: {} } }); // ['zh-CN lacks messages.a']
 * ```
 */
export function translationGaps(translations: Partial<Record<StudioLanguage, PluginTranslation>>): string[] {
  const gaps: string[] = [];
  const sets = PLUGIN_LANGUAGES.map((l) => [l, new Set(translationKeys(translations[l]))] as const);
  for (const [lang, keys] of sets) for (const [other, otherKeys] of sets) if (lang !== other) for (const k of otherKeys) if (!keys.has(k)) gaps.push(`${lang} lacks ${k}`);
  return gaps;
}

/** What a plugin's studio half contributes. Each kind has one consumer in the studio. */
export interface StudioContributions {
  pages?: PluginPage[];
  nav?: PluginNavEntry[];
  recordPanels?: RecordPanel[];
  recordActions?: RecordAction[];
  fieldWidgets?: FieldWidget[];
  dashboardWidgets?: DashboardWidget[];
  boards?: BoardRegistration[];
  ruleExamples?: RuleExample[];
  /**
   * The plugin's text in each language: the text itself, or a loader of it (`() => import('./translations.zh-cn')`,
   * whose module exports it as `default`), so that the bundler keeps each language in a chunk of its
   * own and a reader downloads only his. The studio loads the reader's language before it renders
   * the plugin's parts, and another one before it switches to it. Loaded text is checked as the
   * text itself is at setup (the nav, action and widget labels it must hold); check that the
   * languages hold the same keys in the plugin's tests with {@link translationGaps}.
   */
  translations?: Record<StudioLanguage, TranslationSource>;
}

/** One language of a plugin's text: the text, or a loader resolving to it or to a module that exports it as `default`. */
export type TranslationSource = PluginTranslation | (() => Promise<PluginTranslation | { default: PluginTranslation }>);

/**
 * One language of a plugin's text, loaded when it is behind a loader.
 *
 * @example
 * ```ts
 * await resolveTranslation(() => import('./translations.zh-cn')); // the module's default export
 * ```
 */
export async function resolveTranslation(source: TranslationSource): Promise<PluginTranslation> {
  if (typeof source !== 'function') return source;
  const loaded = await source();
  const text: unknown = loaded && typeof loaded === 'object' && 'default' in loaded ? loaded.default : loaded;
  if (!text || typeof text !== 'object') throw new Error('the loader did not give the text as an object');
  return text as PluginTranslation;
}

/**
 * Every language of a plugin's text, loaded: for a plugin's tests, e.g. with {@link translationGaps}.
 *
 * @example
 * ```ts
 * expect(translationGaps(await loadTranslations(studio.setup(host).translations!))).toEqual([]);
 * ```
 */
export async function loadTranslations(sources: Record<StudioLanguage, TranslationSource>): Promise<Record<StudioLanguage, PluginTranslation>> {
  const out = {} as Record<StudioLanguage, PluginTranslation>;
  for (const lang of PLUGIN_LANGUAGES) out[lang] = await resolveTranslation(sources[lang]);
  return out;
}

/** The studio's API client, as a plugin sees it (session cookie and CSRF header included). */
export interface HostApi {
  request<T>(method: string, path: string, options?: { json?: unknown; headers?: Record<string, string>; signal?: AbortSignal }): Promise<T>;
  list(type: string, params: { q?: string; filters?: { field: string; op: string; value: string }[]; sort?: string; limit?: number }, signal?: AbortSignal): Promise<{ items: StudioRecord[]; nextCursor: string | null }>;
  get(type: string, id: string, signal?: AbortSignal): Promise<StudioRecord>;
}

/** Components and helpers of the studio a plugin may use (they follow the studio's look and language). */
export interface HostUi {
  /** A client-side link. */
  Link: ComponentType<{ href: string; className?: string; children?: ReactNode }>;
  /** A titled panel like the studio's own. */
  Panel: ComponentType<{ title: string; testId?: string; children?: ReactNode }>;
  /** A value formatted for the reader (money, dates, numbers, enum labels). */
  formatValue(field: StudioField | undefined, value: unknown, language: string): string;
  /** A record's display title (its title field, else a short id). */
  recordTitle(entity: StudioEntity | undefined, data: Record<string, unknown>, id: string): string;
  /**
   * An Apache ECharts chart, as the studio's dashboards draw them (bar, line and funnel series,
   * grid, tooltip and legend, on canvas; the library loads on first use). `option` is an ECharts
   * option object; `label` names the chart for screen readers.
   */
  Chart: ComponentType<{ option: Record<string, unknown>; label: string; testId?: string }>;
  /**
   * The studio's visual rule builder (json-logic drawn as a graph of inputs, operators and one
   * output; checked as it is drawn; previewed with the engine's step-by-step explanation).
   * `rule` is the starting rule (read once, when the builder mounts: give it a `key` to restart);
   * `onChange` gets the json-logic whenever the drawing is a complete rule. The rule reads
   * either an installed entity's fields (`entity`, its full id) or the `variables` the plugin
   * evaluates it over (dotted names, e.g. `pipeline.won_count`, with their types); `samples`
   * are what the preview offers to run it on (else the entity's records).
   */
  RuleBuilder: ComponentType<RuleBuilderProps>;
}

/** A variable a plugin's rule reads (`{"var": name}`). */
export interface RuleVariable {
  name: string;
  type: 'number' | 'string' | 'boolean';
  title?: string;
}

/** Props of {@link HostUi.RuleBuilder}. */
export interface RuleBuilderProps {
  rule: unknown;
  onChange(rule: unknown): void;
  entity?: string;
  variables?: readonly RuleVariable[];
  samples?: readonly { label: string; data: Record<string, unknown> }[];
  /** Names the builder for screen readers and tests (`data-testid`). */
  label: string;
  testId?: string;
}

/** What the studio hands a plugin's `setup`. */
export interface StudioHost {
  /** The host's React: use it (not a bundled copy) for hooks and elements. */
  React: HostReact;
  /** The plugin's id. */
  plugin: string;
  api: HostApi;
  ui: HostUi;
  /** A hook: the plugin's messages in the reader's language (`t('visits.title', { n: 3 })`). */
  useT(): (key: string, values?: Record<string, unknown>) => string;
  /** A hook: the reader's language (`en`, `zh-CN`). */
  useLanguage(): string;
  /** A hook: every entity of the installed plugins, localized. */
  useEntities(): { entities: readonly StudioEntity[]; byId: ReadonlyMap<string, StudioEntity> };
  /** A hook: navigate to a studio address. */
  useNavigate(): (to: string) => void;
}

/** A plugin's studio half, as its module's default export. */
export interface StudioPlugin {
  readonly kind: 'pipewright.studio-plugin';
  readonly apiVersion: 1;
  /** The plugin's id, as in its `plugin.json`. */
  readonly id: string;
  setup(host: StudioHost): StudioContributions;
}

/**
 * A component whose code loads on first render, for the parts of a studio half that are not
 * needed to start the studio (pages, record panels, dashboard widgets, designers). Keep the
 * module `setup` returns small (its contributions' ids, paths, nav entries and translations) and
 * put each part behind `import()`: the studio loads the studio halves before its first screen,
 * and the parts only when a user opens them. The studio shows a status line in the part's
 * place while it loads and an error panel naming the plugin if the code fails to load.
 *
 * `load` resolves to the component (made with `host`, as any part); it is called once.
 *
 * @example
 * ```ts
 * setup: (host) => ({
 *   pages: [{ path: 'visits', component: lazyComponent(host, () => import('./VisitsPage').then((m) => m.visitsPage(host))) }],
 * })
 * ```
 */
export function lazyComponent<P extends object>(host: Pick<StudioHost, 'React'>, load: () => Promise<ComponentType<P>>): ComponentType<P> {
  return host.React.lazy(async () => ({ default: await load() }));
}

/**
 * Declares a plugin's studio half. The studio calls `setup` once at start with the host.
 *
 * @example
 * ```tsx
 * export default defineStudioPlugin({
 *   id: 'acme_visits',
 *   setup: ({ React, useT }) => {
 *     function VisitsPage() {
 *       const t = useT();
 *       return React.createElement('h1', null, t('visits.title'));
 *     }
 *     return {
 *       pages: [{ path: 'visits', component: VisitsPage }],
 *       nav: [{ id: 'visits', label: 'visits.title', href: '/p/acme_visits/visits' }],
 *       translations: { en: { messages: { 'visits.title': 'Visits' } }, 'zh-CN': { messages: { 'visits.title': '拜访' } } },
 *       // or, one chunk per language: { en: () => import('./translations.en'), 'zh-CN': () => import('./translations.zh-cn') }
 *     };
 *   },
 * });
 * ```
 */
export function defineStudioPlugin(definition: { id: string; setup(host: StudioHost): StudioContributions }): StudioPlugin {
  return { kind: 'pipewright.studio-plugin', apiVersion: 1, id: definition.id, setup: definition.setup };
}
