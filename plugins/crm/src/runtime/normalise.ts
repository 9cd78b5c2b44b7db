import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { pinyin } from 'pinyin-pro';

/**
 * Match keys for duplicate prevention (查重): each normaliser turns what people type into the
 * one spelling that equal things share, so that the database compares keys, not spellings.
 */
export type Normaliser = 'company' | 'person' | 'email' | 'phone' | 'text';

/** Legal-form suffixes, compared after case and width are folded (longest first). */
const CHINESE_SUFFIXES = ['股份有限公司', '有限责任公司', '有限責任公司', '集团有限公司', '集團有限公司', '有限公司', '集团公司', '集團公司', '控股集团', '控股集團', '控股', '集团', '集團', '公司'];
/** A suffix is not stripped when less than this many letters or digits would be left. */
const MIN_LEFT = 1;
const MIN_LEFT_HAN = 2;
/** Latin legal forms, each a whole word at the end of the name (after punctuation became spaces). */
const LATIN_SUFFIXES = new Set(['inc', 'incorporated', 'ltd', 'limited', 'llc', 'llp', 'lp', 'gmbh', 'ag', 'co', 'corp', 'corporation', 'company', 'plc', 'sa', 'sarl', 'bv', 'nv', 'oy', 'ab', 'as', 'spa', 'srl', 'kg', 'pty', 'pte', 'kk', 'group', 'holdings', 'holding']);
/** Region markers in brackets: "(中国)", "(China)", "（上海）". */
const REGION = /[(（\[【]\s*(中国|中國|china|prc|上海|北京|深圳|广州|香港|hong kong|hk|asia|asia pacific|apac|international|intl)\s*[)）\]】]/giu;
const HAN = /\p{Script=Han}/u;

/** Case, width (full-width to half-width), accents: NFKC, then decomposed marks dropped, lower case. */
export function fold(value: string): string {
  return value.normalize('NFKC').normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** Han characters to toneless pinyin (one syllable each), everything else kept. */
function romanise(value: string): string {
  if (!HAN.test(value)) return value;
  return pinyin(value, { toneType: 'none', type: 'array', nonZh: 'consecutive' }).join(' ');
}

/** Letters and digits only (whitespace and punctuation gone). */
const compact = (value: string): string => value.replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * A company name's key: case, width, accents, region markers, legal-form suffixes (English and
 * Chinese, repeatedly: "Acme Co., Ltd." is "acme"), a leading "the", Chinese by pinyin,
 * whitespace and punctuation.
 *
 * @example
 * ```ts
 * companyKey('ＩＳＤＯＭ (中国) 有限公司'); // 'isdom'
 * companyKey('Isdom, Inc.'); // 'isdom'
 * ```
 */
export function companyKey(name: string): string {
  let s = fold(name).replace(REGION, ' ').trim();
  for (let changed = true; changed; ) {
    changed = false;
    s = s.replace(/[\s.,;:·&'"()（）-]+$/u, '');
    for (const suffix of CHINESE_SUFFIXES) {
      const rest = s.slice(0, -suffix.length).trim();
      if (s.endsWith(suffix) && [...compact(rest)].length >= MIN_LEFT_HAN) {
        s = rest;
        changed = true;
      }
    }
    const words = s.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    const last = words.at(-1);
    if (words.length > 1 && last !== undefined && LATIN_SUFFIXES.has(last)) {
      const rest = s.slice(0, s.lastIndexOf(last)).trim();
      if ([...compact(rest)].length >= MIN_LEFT) {
        s = rest;
        changed = true;
      }
    }
    s = s.replace(REGION, ' ').trim();
  }
  s = s.replace(/^the\s+/u, '');
  return compact(romanise(s));
}

/** A person's key: the name's words (Chinese by pinyin) in alphabetical order, so "Wang Wei", "wei wang" and "王伟" agree. */
export function personKey(...parts: string[]): string {
  const words = parts.flatMap((p) => romanise(fold(p)).split(/[^\p{L}\p{N}]+/u)).filter(Boolean);
  return words.sort().join(' ');
}

/** An email's key: trimmed, lower case (width folded); not an address: empty. */
export function emailKey(email: string): string {
  const s = fold(email).trim();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(s) ? s : '';
}

/** A phone number's key: E.164 (`+8613800138000`) in `defaultCountry` unless the number names its own; unparseable: its digits. */
export function phoneKey(phone: string, defaultCountry: string): string {
  const s = fold(phone).trim();
  const parsed = parsePhoneNumberFromString(s, defaultCountry.toUpperCase() as CountryCode);
  if (parsed?.isPossible()) return parsed.number;
  const digits = s.replace(/\D+/g, '');
  return digits.length >= 5 ? digits : '';
}

/**
 * The key of `values` under `normaliser` ('' when nothing is left to compare).
 *
 * @example
 * ```ts
 * normalise('company', ['Acme Corporation'], { defaultCountry: 'US' }); // 'acme'
 * ```
 */
export function normalise(normaliser: Normaliser, values: string[], options: { defaultCountry: string }): string {
  const present = values.filter((v) => v.trim() !== '');
  if (present.length === 0) return '';
  switch (normaliser) {
    case 'company':
      return companyKey(present[0] as string);
    case 'person':
      return personKey(...present);
    case 'email':
      return emailKey(present[0] as string);
    case 'phone':
      return phoneKey(present[0] as string, options.defaultCountry);
    case 'text':
      return compact(romanise(fold(present.join(' '))));
  }
}
