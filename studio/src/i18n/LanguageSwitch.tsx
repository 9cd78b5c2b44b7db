import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, loadLanguage, setLanguage, type Language } from './setup';

/** Loads the languages the reader does not use yet, as he reaches for the picker. */
const loadOthers = () => {
  for (const lng of LANGUAGES) void loadLanguage(lng).catch(() => {});
};

/**
 * Language picker; the choice is persisted in localStorage. The other language's messages load
 * when the pointer or focus reaches the picker, so the switch itself has nothing to wait for.
 *
 * @example
 * ```tsx
 * <LanguageSwitch />
 * ```
 */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <span className="language-switch">
      <label htmlFor={id}>{t('language.label')}</label>
      <select id={id} onPointerEnter={loadOthers} onFocus={loadOthers} value={i18n.resolvedLanguage ?? 'en'} onChange={(e) => void setLanguage(e.target.value as Language)}>
        {LANGUAGES.map((lng) => (
          <option key={lng} value={lng}>
            {t(`language.${lng}`)}
          </option>
        ))}
      </select>
    </span>
  );
}
