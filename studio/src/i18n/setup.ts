import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Dictionary } from './en';

/** Languages the studio ships, complete. */
export const LANGUAGES = ['en', 'zh-CN'] as const;
/** One of {@link LANGUAGES}. */
export type Language = (typeof LANGUAGES)[number];

/** localStorage key of the chosen language. */
export const LANGUAGE_KEY = 'pipewright.language';

/** The studio's i18next instance. */
export const i18n: I18n = i18next.createInstance();

function storedLanguage(): Language | null {
  try {
    const v = globalThis.localStorage?.getItem(LANGUAGE_KEY);
    return (LANGUAGES as readonly string[]).includes(v ?? '') ? (v as Language) : null;
  } catch {
    return null;
  }
}

/**
 * The language to start in: the stored choice, else the browser's (any `zh*` -> zh-CN), else English.
 *
 * @example
 * ```ts
 * initialLanguage(); // 'zh-CN' on a Chinese browser with no stored choice
 * ```
 */
export function initialLanguage(): Language {
  const stored = storedLanguage();
  if (stored) return stored;
  const nav = globalThis.navigator?.language ?? 'en';
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/**
 * Each language's messages in a chunk of its own: a reader downloads his language only, the
 * other when he switches (ADR 030 addendum, i18n by language).
 */
const DICTIONARIES: Record<Language, () => Promise<Dictionary>> = {
  en: () => import('./en').then((m) => m.en),
  'zh-CN': () => import('./zh-cn').then((m) => m.zhCN),
};

const loading = new Map<Language, Promise<void>>();
const companions = new Set<(lng: Language) => Promise<void>>();

/**
 * Has `load` run with every later language load (the plugins' text, which the plugin registry
 * loads per language), so a switch waits for it too; returns the undo.
 *
 * @example
 * ```ts
 * const stop = loadWithLanguage((lng) => registry.loadLanguage(lng));
 * ```
 */
export function loadWithLanguage(load: (lng: Language) => Promise<void>): () => void {
  companions.add(load);
  return () => companions.delete(load);
}

/**
 * Loads a language's messages into i18n once (later calls share the first load), with what
 * {@link loadWithLanguage} added; a load that fails is tried again on the next call.
 *
 * @example
 * ```ts
 * void loadLanguage('zh-CN'); // e.g. when the pointer reaches the language switch
 * ```
 */
export function loadLanguage(lng: Language): Promise<void> {
  let p = loading.get(lng);
  if (!p) {
    p = DICTIONARIES[lng]().then((dict) => {
      i18n.addResourceBundle(lng, 'translation', dict, true, true);
    });
    p.catch(() => loading.delete(lng));
    loading.set(lng, p);
  }
  return companions.size === 0 ? p : Promise.all([p, ...[...companions].map((load) => load(lng))]).then(() => undefined);
}

/**
 * Initialises i18n in `lng` at once (so `i18n.language` is known to the first requests) and
 * resolves when that language's messages are loaded; render after it.
 *
 * @example
 * ```ts
 * await initI18n('en');
 * ```
 */
export function initI18n(lng: Language = initialLanguage()): Promise<I18n> {
  if (!i18n.isInitialized) {
    void i18n.use(initReactI18next).init({
      resources: {},
      partialBundledLanguages: true,
      lng,
      fallbackLng: 'en',
      supportedLngs: [...LANGUAGES],
      interpolation: { escapeValue: false },
      returnNull: false,
      initAsync: false,
    });
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
  // resolved again once its messages are there (i18n resolved it to the fallback without them)
  return loadLanguage(lng).then(() => i18n.changeLanguage(lng)).then(() => i18n);
}

/**
 * Switches and persists the language, loading its messages first when this page has not yet.
 *
 * @example
 * ```ts
 * await setLanguage('zh-CN');
 * ```
 */
export async function setLanguage(lng: Language): Promise<void> {
  try {
    globalThis.localStorage?.setItem(LANGUAGE_KEY, lng);
  } catch {
    // private mode: the switch still applies to this tab
  }
  await loadLanguage(lng);
  await i18n.changeLanguage(lng);
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
}
