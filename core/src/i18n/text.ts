/**
 * User-visible text in plugin and admin content (process labels, transition labels, guard
 * messages): either one plain string (any language, kept as written) or a map by BCP 47 tag
 * holding the text in several languages, `{ "en": "Won", "zh-CN": "赢单" }` (ADR 019).
 */

/** Languages every built-in user-visible text exists in. */
export const TEXT_LOCALES = ['en', 'zh-CN'] as const;

/** One of {@link TEXT_LOCALES}. */
export type TextLocale = (typeof TEXT_LOCALES)[number];

/** A text by language tag (`en`, `zh-CN`, ...). */
export type TextByLocale = Readonly<Record<string, string>>;

/**
 * A user-visible text: a plain string, or the text by language tag.
 *
 * @example
 * ```ts
 * const a: LocalizableText = 'Won';
 * const b: LocalizableText = { en: 'Won', 'zh-CN': '赢单' };
 * ```
 */
export type LocalizableText = string | TextByLocale;

/**
 * The text in `locale`: the map's entry for it (or for its base language, `zh` for `zh-CN`),
 * else English, else the first entry; a plain string as it is.
 *
 * @example
 * ```ts
 * textIn({ en: 'Won', 'zh-CN': '赢单' }, 'zh-CN'); // '赢单'
 * textIn({ en: 'Won', 'zh-CN': '赢单' }, 'fr'); // 'Won'
 * textIn('Won', 'zh-CN'); // 'Won'
 * ```
 */
export function textIn(text: LocalizableText | null | undefined, locale: string): string {
  if (text === null || text === undefined) return '';
  if (typeof text === 'string') return text;
  const own = (k: string) => (Object.hasOwn(text, k) && typeof text[k] === 'string' && text[k] !== '' ? text[k] : undefined);
  return own(locale) ?? own(locale.split('-')[0] ?? '') ?? own('en') ?? Object.values(text).find((v) => typeof v === 'string' && v !== '') ?? '';
}

/** {@link textIn} that keeps `undefined` for an absent text. */
export function optionalTextIn(text: LocalizableText | null | undefined, locale: string): string | undefined {
  return text === null || text === undefined ? undefined : textIn(text, locale);
}

/**
 * The text written for exactly `locale`, no fallback (a plain string counts as English): what an
 * editor shows in its field for that language.
 *
 * @example
 * ```ts
 * exactText({ en: 'Won' }, 'zh-CN'); // ''
 * exactText('Won', 'en'); // 'Won'
 * ```
 */
export function exactText(text: LocalizableText | null | undefined, locale: string): string {
  if (text === null || text === undefined) return '';
  if (typeof text === 'string') return locale === 'en' ? text : '';
  return Object.hasOwn(text, locale) && typeof text[locale] === 'string' ? (text[locale] ?? '') : '';
}

/**
 * The languages a text lacks among `locales` (a plain string lacks all but the first: it is
 * taken as written in the default language).
 *
 * @example
 * ```ts
 * missingLocales({ en: 'Won' }); // ['zh-CN']
 * missingLocales('Won'); // ['zh-CN']
 * ```
 */
export function missingLocales(text: LocalizableText | null | undefined, locales: readonly string[] = TEXT_LOCALES): string[] {
  if (text === null || text === undefined) return [];
  if (typeof text === 'string') return locales.slice(1);
  return locales.filter((l) => !(Object.hasOwn(text, l) && typeof text[l] === 'string' && text[l] !== ''));
}

/**
 * A text with its `locale` entry replaced, every other language kept: what an editor writes
 * back. A plain string counts as the English text; editing English keeps it plain. An empty
 * value removes that language.
 *
 * @example
 * ```ts
 * withText('Won', 'zh-CN', '赢单'); // { en: 'Won', 'zh-CN': '赢单' }
 * withText({ en: 'Won', 'zh-CN': '赢单' }, 'en', 'Closed won'); // { en: 'Closed won', 'zh-CN': '赢单' }
 * withText('Won', 'en', 'Closed won'); // 'Closed won'
 * ```
 */
export function withText(text: LocalizableText | null | undefined, locale: string, value: string): LocalizableText {
  const base: Record<string, string> = text === null || text === undefined || text === '' ? {} : typeof text === 'string' ? { en: text } : { ...text };
  if (typeof text !== 'object' && locale === 'en') return value;
  if (value === '') delete base[locale];
  else base[locale] = value;
  const keys = Object.keys(base);
  if (keys.length === 0) return '';
  if (keys.length === 1 && keys[0] === 'en') return base.en ?? '';
  return base;
}

/**
 * The best supported locale for an `Accept-Language` header (q-values honoured; any `zh`
 * variant but Traditional Chinese -> `zh-CN`); English when nothing matches.
 *
 * @example
 * ```ts
 * negotiateLocale('zh-CN,zh;q=0.9,en;q=0.8'); // 'zh-CN'
 * negotiateLocale('fr-FR, en;q=0.5'); // 'en'
 * ```
 */
export function negotiateLocale(header: string | null | undefined): TextLocale {
  if (!header) return 'en';
  const ranges = header
    .split(',')
    .slice(0, 20)
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((r) => r.tag !== '' && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranges) {
    if (r.tag === 'en' || r.tag.startsWith('en-')) return 'en';
    if (r.tag === 'zh' || (r.tag.startsWith('zh-') && !/^zh-(hant|tw|hk|mo)\b/.test(r.tag))) return 'zh-CN';
  }
  return 'en';
}
