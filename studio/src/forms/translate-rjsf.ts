import { englishStringTranslator, TranslatableString } from '@rjsf/utils';
import type { TFunction } from 'i18next';

const NAMES = new Map<string, string>(Object.entries(TranslatableString).map(([name, value]) => [value, name]));

/**
 * rjsf's `translateString` through the studio's i18n: `rjsf.<EnumName>` keys, `%1`-style
 * parameters passed as `{{p1}}`, English fallback for any string the dictionaries lack.
 *
 * @example
 * ```tsx
 * <Form translateString={rjsfTranslator(t)} />
 * ```
 */
export function rjsfTranslator(t: TFunction): (str: TranslatableString, params?: string[]) => string {
  return (str, params = []) => {
    const name = NAMES.get(str);
    const fallback = englishStringTranslator(str, params);
    if (!name) return fallback;
    const values = Object.fromEntries(params.map((p, i) => [`p${i + 1}`, p]));
    return t(`rjsf.${name}`, { ...values, defaultValue: fallback });
  };
}
