import type {
  BoardRegistration,
  DashboardWidget,
  EntityMatch,
  FieldWidget,
  PluginNavEntry,
  PluginPage,
  PluginTranslation,
  RecordAction,
  RuleExample,
  RecordPanel,
  StudioContributions,
  StudioEntity,
  StudioHost,
  StudioLanguage,
  StudioPlugin,
  TranslationSource,
} from '../plugin-api/types';
import { PLUGIN_LANGUAGES, resolveTranslation, translationGaps } from '../plugin-api/types';

export { PLUGIN_LANGUAGES, translationGaps };

const ID = /^[a-z][a-z0-9_]{0,62}$/;
const PATH = /^[A-Za-z0-9_:-]+(?:\/[A-Za-z0-9_:-]+)*$/;

/** A contribution with the plugin it came from. */
export type Owned<T> = T & { plugin: string };

/** A plugin whose studio half could not be loaded or set up. */
export interface PluginFailure {
  plugin: string;
  message: string;
}

/** Why a studio half was refused (shown in the plugin's error panel). */
export class StudioPluginError extends Error {
  constructor(readonly plugin: string, message: string) {
    super(message);
    this.name = 'StudioPluginError';
  }
}

function matches(match: EntityMatch, entity: StudioEntity, catalogue: ReadonlyMap<string, StudioEntity>): boolean {
  return typeof match === 'function' ? match(entity, catalogue) : match.includes(entity.fullId);
}

function check(plugin: string, c: StudioContributions): void {
  const fail = (message: string) => {
    throw new StudioPluginError(plugin, message);
  };
  const unique = (what: string, ids: readonly string[]) => {
    const seen = new Set<string>();
    for (const id of ids) {
      if (!ID.test(id)) fail(`${what} id "${id}" must match ${ID.source}`);
      if (seen.has(id)) fail(`${what} id "${id}" is declared twice`);
      seen.add(id);
    }
  };
  for (const p of c.pages ?? []) if (!PATH.test(p.path)) fail(`page path "${p.path}" must be segments of letters, digits, _ - and :params`);
  unique('nav entry', (c.nav ?? []).map((n) => n.id));
  unique('record panel', (c.recordPanels ?? []).map((p) => p.id));
  unique('record action', (c.recordActions ?? []).map((a) => a.id));
  unique('field widget', (c.fieldWidgets ?? []).map((w) => w.format));
  unique('dashboard widget', (c.dashboardWidgets ?? []).map((w) => w.id));
  for (const n of c.nav ?? []) if (!n.href.startsWith('/')) fail(`nav entry "${n.id}" href must be a studio address starting with /`);
  const sources = c.translations;
  if (!sources) {
    const [key] = labelKeys(c);
    if (key !== undefined) fail(`message "${key}" is used but not translated`);
    return;
  }
  for (const lang of PLUGIN_LANGUAGES) {
    const source: unknown = sources[lang];
    if (typeof source !== 'function' && (!source || typeof source !== 'object')) fail(`translations for ${lang} are missing`);
  }
  // text given as such is checked now, text behind a loader when it loads (StudioRegistry.loadFor)
  for (const lang of PLUGIN_LANGUAGES) {
    const source = sources[lang];
    if (typeof source === 'object') checkLabels(plugin, c, lang, source);
  }
  if (PLUGIN_LANGUAGES.every((l) => typeof sources[l] === 'object')) {
    const gaps = translationGaps(sources as Record<StudioLanguage, PluginTranslation>);
    if (gaps.length) fail(`translations are incomplete: ${gaps.slice(0, 5).join('; ')}${gaps.length > 5 ? ` (+${gaps.length - 5})` : ''}`);
  }
}

/** The message keys a plugin's contributions name (nav, record action and dashboard widget labels). */
function labelKeys(c: StudioContributions): string[] {
  return [...(c.nav ?? []).map((n) => n.label), ...(c.recordActions ?? []).map((a) => a.label), ...(c.dashboardWidgets ?? []).map((w) => w.title)];
}

function checkLabels(plugin: string, c: Pick<StudioContributions, 'nav' | 'recordActions' | 'dashboardWidgets'>, lang: StudioLanguage, t: PluginTranslation): void {
  const messages = t.messages ?? {};
  for (const key of labelKeys(c)) if (!(key in messages)) throw new StudioPluginError(plugin, `message "${key}" is used but not translated${lang === 'en' ? '' : ` into ${lang}`}`);
}

/**
 * The studio's one registry of plugin contributions. Each kind has one consumer: routes (pages),
 * the navigation (nav), the record page (panels, actions), the forms (field widgets), the
 * dashboards (dashboard widgets), the board (boards), the rule builder (rule examples) and the entity catalogue and i18n
 * (translations).
 *
 * @example
 * ```ts
 * const registry = new StudioRegistry();
 * registry.install(crmStudio, hostFor('crm'));
 * registry.panelsFor(account, catalogue);
 * ```
 */
export class StudioRegistry {
  readonly plugins: string[] = [];
  readonly failures: PluginFailure[] = [];
  readonly pages: Owned<PluginPage>[] = [];
  readonly nav: Owned<PluginNavEntry>[] = [];
  readonly recordPanels: Owned<RecordPanel>[] = [];
  readonly recordActions: Owned<RecordAction>[] = [];
  readonly fieldWidgets = new Map<string, Owned<FieldWidget>>();
  readonly dashboardWidgets: Owned<DashboardWidget>[] = [];
  readonly boards: Owned<BoardRegistration>[] = [];
  readonly ruleExamples: Owned<RuleExample>[] = [];
  /** Each plugin's text, by language, as far as it has loaded. */
  readonly translations = new Map<string, Partial<Record<StudioLanguage, PluginTranslation>>>();
  /** Each plugin's text loaders, by language, and what its labels name (checked on load). */
  private readonly loaders = new Map<string, { sources: Record<StudioLanguage, TranslationSource>; labels: Pick<StudioContributions, 'nav' | 'recordActions' | 'dashboardWidgets'> }>();
  private readonly loading = new Map<string, Promise<void>>();

  /**
   * Sets up one plugin's studio half and takes its contributions; a module that is not a studio
   * plugin, a setup that throws or contributions that break the rules are kept as a failure
   * naming the plugin (nothing of it is installed).
   */
  install(module: unknown, host: (plugin: string) => StudioHost, expectedId?: string): boolean {
    const candidate = (module && typeof module === 'object' && 'default' in module ? (module as { default: unknown }).default : module) as Partial<StudioPlugin> | null | undefined;
    const plugin = expectedId ?? (typeof candidate?.id === 'string' ? candidate.id : 'unknown');
    try {
      if (!candidate || candidate.kind !== 'pipewright.studio-plugin' || typeof candidate.setup !== 'function') throw new StudioPluginError(plugin, 'the module\'s default export is not a defineStudioPlugin() result');
      if (candidate.apiVersion !== 1) throw new StudioPluginError(plugin, `studio API version ${String(candidate.apiVersion)} is not supported (this studio speaks 1)`);
      if (expectedId && candidate.id !== expectedId) throw new StudioPluginError(plugin, `the module declares plugin "${String(candidate.id)}", not "${expectedId}"`);
      if (this.plugins.includes(plugin)) throw new StudioPluginError(plugin, 'its studio half is loaded twice');
      const c = candidate.setup(host(plugin));
      check(plugin, c);
      for (const w of c.fieldWidgets ?? []) if (this.fieldWidgets.has(`${plugin}.${w.format}`)) throw new StudioPluginError(plugin, `field widget ${plugin}.${w.format} exists`);
      const own = <T>(x: T): Owned<T> => ({ ...x, plugin });
      this.pages.push(...(c.pages ?? []).map(own));
      this.nav.push(...(c.nav ?? []).map(own));
      this.recordPanels.push(...(c.recordPanels ?? []).map(own));
      this.recordActions.push(...(c.recordActions ?? []).map(own));
      for (const w of c.fieldWidgets ?? []) this.fieldWidgets.set(`${plugin}.${w.format}`, own(w));
      this.dashboardWidgets.push(...(c.dashboardWidgets ?? []).map(own));
      this.boards.push(...(c.boards ?? []).map(own));
      this.ruleExamples.push(...(c.ruleExamples ?? []).map(own));
      if (c.translations) {
        const given: Partial<Record<StudioLanguage, PluginTranslation>> = {};
        for (const lang of PLUGIN_LANGUAGES) {
          const source = c.translations[lang];
          if (typeof source === 'object') given[lang] = source;
        }
        this.translations.set(plugin, given);
        if (Object.keys(given).length < PLUGIN_LANGUAGES.length) {
          this.loaders.set(plugin, { sources: c.translations, labels: { nav: c.nav ?? [], recordActions: c.recordActions ?? [], dashboardWidgets: c.dashboardWidgets ?? [] } });
          // a language asked before this plugin was installed is loaded for it too
          for (const lang of this.loading.keys()) this.loading.set(lang, Promise.all([this.loading.get(lang), this.loadFor(plugin, lang as StudioLanguage)]).then(() => undefined));
        }
      }
      this.plugins.push(plugin);
      return true;
    } catch (err) {
      this.fail(plugin, err instanceof Error ? err.message : String(err));
      return false;
    }
  }

  /** Records a plugin that could not be loaded at all (its module failed to import). */
  fail(plugin: string, message: string): void {
    this.failures.push({ plugin, message });
  }

  /** The panels of an entity's record page, in order. */
  panelsFor(entity: StudioEntity, catalogue: ReadonlyMap<string, StudioEntity>): Owned<RecordPanel>[] {
    return this.recordPanels.filter((p) => matches(p.entities, entity, catalogue)).sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
  }

  /** The actions of an entity's record page. */
  actionsFor(entity: StudioEntity, catalogue: ReadonlyMap<string, StudioEntity>): Owned<RecordAction>[] {
    return this.recordActions.filter((a) => matches(a.entities, entity, catalogue));
  }

  /** The plugin tiles of a dashboard. */
  dashboardWidgetsFor(dashboard: string): Owned<DashboardWidget>[] {
    return this.dashboardWidgets.filter((w) => w.dashboards.includes('*') || w.dashboards.includes(dashboard));
  }

  /** Navigation entries grouped by plugin, in order. */
  navByPlugin(): Map<string, Owned<PluginNavEntry>[]> {
    const groups = new Map<string, Owned<PluginNavEntry>[]>();
    for (const n of [...this.nav].sort((a, b) => (a.order ?? 100) - (b.order ?? 100))) groups.set(n.plugin, [...(groups.get(n.plugin) ?? []), n]);
    return groups;
  }

  /**
   * Loads every installed plugin's text in a language (those given as loaders, once; later calls
   * share the first load). Resolves when all have loaded or failed: a plugin whose text fails to
   * load, or lacks a label its contributions name, is kept as a failure (its error panel) and
   * shows its English text where it has it, else its keys; the studio goes on.
   *
   * @example
   * ```ts
   * await registry.loadLanguage('zh-CN'); // before switching to Chinese
   * ```
   */
  loadLanguage(language: string): Promise<void> {
    const lang = (PLUGIN_LANGUAGES as readonly string[]).includes(language) ? (language as StudioLanguage) : 'en';
    let p = this.loading.get(lang);
    if (!p) {
      p = Promise.all([...this.loaders.keys()].map((plugin) => this.loadFor(plugin, lang))).then(() => undefined);
      this.loading.set(lang, p);
    }
    return p;
  }

  private async loadFor(plugin: string, lang: StudioLanguage): Promise<void> {
    const entry = this.loaders.get(plugin);
    const source = entry?.sources[lang];
    if (!entry || typeof source !== 'function' || this.translations.get(plugin)?.[lang]) return;
    try {
      const text = await resolveTranslation(source);
      checkLabels(plugin, entry.labels, lang, text);
      this.translations.set(plugin, { ...this.translations.get(plugin), [lang]: text });
    } catch (err) {
      this.fail(plugin, `translations for ${lang} could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The plugin's text in a language (once loaded, see {@link loadLanguage}), falling back to English. */
  translation(plugin: string, language: string): PluginTranslation | undefined {
    const t = this.translations.get(plugin);
    return t ? (t[language as StudioLanguage] ?? t.en) : undefined;
  }
}
