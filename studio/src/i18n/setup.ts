import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { zhCN } from './zh-cn';

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
 * Initialises i18n synchronously (resources are bundled).
 *
 * @example
 * ```ts
 * initI18n('en');
 * ```
 */
export function initI18n(lng: Language = initialLanguage()): I18n {
  if (!i18n.isInitialized) {
    void i18n.use(initReactI18next).init({
      resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
      lng,
      fallbackLng: 'en',
      supportedLngs: [...LANGUAGES],
      interpolation: { escapeValue: false },
      returnNull: false,
      initAsync: false,
    });
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
  return i18n;
}

/**
 * Switches and persists the language.
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
  await i18n.changeLanguage(lng);
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
}
