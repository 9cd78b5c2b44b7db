import type { LocalizableText } from '@pipewright/core/i18n';
import { exactText, textIn, withText } from '@pipewright/core/i18n';
import { useTranslation } from 'react-i18next';

/** Props of {@link LocalizedInput}. */
export interface LocalizedInputProps {
  id: string;
  value: LocalizableText | undefined;
  onChange(next: LocalizableText | undefined): void;
  multiline?: boolean;
}

/**
 * A field for process content held per language (ADR 019): it edits the text of the studio's
 * current language and keeps every other language; the other languages' text shows as the
 * placeholder while this language has none. A plain string counts as the English text.
 *
 * @example
 * ```tsx
 * <LocalizedInput id="label" value={stage.label} onChange={(label) => set({ label })} />
 * ```
 */
export function LocalizedInput({ id, value, onChange, multiline = false }: LocalizedInputProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const own = exactText(value, lang);
  const fallback = own === '' ? textIn(value, lang) : '';
  const change = (text: string) => {
    const next = withText(value, lang, text);
    onChange(next === '' ? undefined : next);
  };
  const common = { id, value: own, placeholder: fallback, lang, 'aria-describedby': `${id}-lang`, 'data-language': lang };
  return (
    <>
      {multiline ? <textarea {...common} onChange={(e) => change(e.target.value)} /> : <input {...common} onChange={(e) => change(e.target.value)} />}
      <span id={`${id}-lang`} className="muted field-language">{t('designer.textLanguage')}</span>
    </>
  );
}
