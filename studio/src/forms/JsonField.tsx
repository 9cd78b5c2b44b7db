import type { FieldProps } from '@rjsf/utils';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * rjsf field for a property that holds any JSON value (no `type`: e.g. a json-logic rule such as
 * `{"rule": "customer-tiers"}`), edited as JSON text. Text that does not parse keeps the last
 * valid value and says so; an empty box clears the value. The form's template shows the help.
 *
 * @example
 * ```ts
 * uiSchema.logic = { 'ui:field': 'json' };
 * ```
 */
export function JsonField(props: FieldProps) {
  const { t } = useTranslation();
  const { onChange, fieldPathId, disabled, readonly, formData, schema, name, required } = props;
  const id = fieldPathId.$id;
  const [text, setText] = useState(formData === undefined ? '' : JSON.stringify(formData, null, 2));
  const [bad, setBad] = useState(false);
  const edit = (value: string) => {
    setText(value);
    if (value.trim() === '') {
      setBad(false);
      onChange(undefined, fieldPathId.path);
      return;
    }
    try {
      const parsed: unknown = JSON.parse(value);
      setBad(false);
      onChange(parsed, fieldPathId.path);
    } catch {
      setBad(true);
    }
  };
  return (
    <>
      <label htmlFor={id} className="control-label">
        {schema.title ?? name}
        {required && <span className="required" aria-hidden="true">*</span>}
      </label>
      <textarea id={id} className="json-field" rows={5} spellCheck={false} value={text} disabled={disabled || readonly} aria-invalid={bad || undefined} aria-describedby={bad ? `${id}__json` : undefined} onChange={(e) => edit(e.target.value)} />
      {bad && <p id={`${id}__json`} role="alert" className="text-danger">{t('forms.jsonInvalid')}</p>}
    </>
  );
}
