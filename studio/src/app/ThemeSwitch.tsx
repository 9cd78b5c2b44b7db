import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applyTheme, readTheme, type ThemeChoice } from './theme';

/**
 * Theme picker (system, light, dark) beside the language switch; the choice is kept in this
 * browser and applied before the first paint on the next visit.
 *
 * @example
 * ```tsx
 * <ThemeSwitch />
 * ```
 */
export function ThemeSwitch() {
  const { t } = useTranslation();
  const id = useId();
  const [choice, setChoice] = useState<ThemeChoice>(() => readTheme());
  return (
    <span className="language-switch">
      <label htmlFor={id}>{t('theme.label')}</label>
      <select id={id} value={choice} onChange={(e) => { const c = e.target.value as ThemeChoice; setChoice(c); applyTheme(c, true); }}>
        <option value="system">{t('theme.system')}</option>
        <option value="light">{t('theme.light')}</option>
        <option value="dark">{t('theme.dark')}</option>
      </select>
    </span>
  );
}
