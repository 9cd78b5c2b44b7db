import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from './setup';

/**
 * Language picker; the choice is persisted in localStorage.
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
      <select id={id} value={i18n.resolvedLanguage ?? 'en'} onChange={(e) => void setLanguage(e.target.value as Language)}>
        {LANGUAGES.map((lng) => (
          <option key={lng} value={lng}>
            {t(`language.${lng}`)}
          </option>
        ))}
      </select>
    </span>
  );
}
