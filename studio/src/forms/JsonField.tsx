import type { FieldProps } from '@rjsf/utils';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ruleName } from '../api/rule-library';
import { savedRuleId, useSavedRules } from './RuleVersionsField';

/**
 * rjsf field for a property that holds any JSON value (no `type`: e.g. a json-logic rule such as
 * `{"rule": "customer-tiers"}`), edited as JSON text. Text that does not parse keeps the last
 * valid value and says so; an empty box clears the value. The form's template shows the help.
 *
 * With `ui:options.savedRules` (an entity id, or `true` for any) the field also offers the rule
 * library: a select of the saved rules over that entity or over none, by name. Picking one writes
 * the reference (`{"rule": "<id>"}`); "none" brings back the JSON written before; JSON typed as a
 * reference moves the select to that rule.
 *
 * @example
 * ```ts
 * uiSchema.logic = { 'ui:field': 'json' };
 * uiSchema.logic = { 'ui:field': 'json', 'ui:options': { savedRules: 'acme.site' } };
 * ```
 */
export function JsonField(props: FieldProps) {
  const { t } = useTranslation();
  const { onChange, fieldPathId, disabled, readonly, formData, schema, name, required, uiSchema } = props;
  const id = fieldPathId.$id;
  const offer = (uiSchema?.['ui:options'] as { savedRules?: string | boolean } | undefined)?.savedRules;
  const initial = formData === undefined ? '' : JSON.stringify(formData, null, 2);
  const [text, setText] = useState(initial);
  const [bad, setBad] = useState(false);
  const [picked, setPicked] = useState(savedRuleId(formData) ?? '');
  const [custom, setCustom] = useState(savedRuleId(formData) === undefined ? initial : '');
  const edit = (value: string) => {
    setText(value);
    if (value.trim() === '') {
      setBad(false);
      setPicked('');
      setCustom(value);
      onChange(undefined, fieldPathId.path);
      return;
    }
    try {
      const parsed: unknown = JSON.parse(value);
      setBad(false);
      const ref = savedRuleId(parsed);
      setPicked(ref ?? '');
      if (ref === undefined) setCustom(value);
      onChange(parsed, fieldPathId.path);
    } catch {
      setBad(true);
    }
  };
  const pick = (ruleId: string) => {
    if (ruleId === '') {
      edit(custom);
      return;
    }
    edit(JSON.stringify({ rule: ruleId }, null, 2));
  };
  return (
    <>
      <label htmlFor={id} className="control-label">
        {schema.title ?? name}
        {required && <span className="required" aria-hidden="true">*</span>}
      </label>
      {offer !== undefined && offer !== false && <SavedRulePick id={`${id}__saved`} entity={offer === true ? undefined : offer} value={picked} disabled={disabled || readonly} onPick={pick} />}
      <textarea id={id} className="json-field" rows={5} spellCheck={false} value={text} disabled={disabled || readonly} aria-invalid={bad || undefined} aria-describedby={bad ? `${id}__json` : undefined} onChange={(e) => edit(e.target.value)} />
      {bad && <p id={`${id}__json`} role="alert" className="text-danger">{t('forms.jsonInvalid')}</p>}
    </>
  );
}

/**
 * The select of saved rules a json field offers: "none" first, then the rules over `entity` (or
 * over no entity) by name in the reader's language. A referenced rule the list lacks (not loaded,
 * deleted, over another entity) stays offered by its id, so the select never hides the value.
 */
function SavedRulePick({ id, entity, value, disabled, onPick }: { id: string; entity: string | undefined; value: string; disabled: boolean | undefined; onPick: (ruleId: string) => void }) {
  const { t, i18n } = useTranslation();
  const rules = [...useSavedRules().values()].filter((r) => entity === undefined || r.entity === null || r.entity === entity);
  const options = rules.map((r) => ({ id: r.id, label: `${ruleName(r.name, i18n.language)} (${r.id})` })).sort((a, b) => a.label.localeCompare(b.label, i18n.language));
  if (value !== '' && !options.some((o) => o.id === value)) options.push({ id: value, label: value });
  return (
    <div className="saved-rule-pick">
      <label htmlFor={id}>{t('forms.useSavedRule')}</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onPick(e.target.value)}>
        <option value="">{t('forms.customRule')}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
