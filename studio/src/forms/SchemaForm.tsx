import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useStudioPlugins } from '../plugins/context';
import { FieldTemplate } from './FieldTemplate';
import { MoneyField } from './MoneyField';
import { rjsfWidgets } from './plugin-widgets';
import { JsonField } from './JsonField';
import { ReferenceWidget } from './ReferenceWidget';
import { RuleVersionsField } from './RuleVersionsField';
import { rjsfTranslator } from './translate-rjsf';
import { InterpretingValidator } from './validator';

const widgets = { reference: ReferenceWidget };
const fields = { money: MoneyField, json: JsonField, ruleVersions: RuleVersionsField };
const templates = { FieldTemplate };
type Data = Record<string, unknown>;

/** Props of {@link SchemaForm}. */
export interface SchemaFormProps {
  /** A self-contained schema (see `formSchema`). */
  schema: RJSFSchema;
  uiSchema: UiSchema<Data>;
  formData: Data;
  /** Errors from elsewhere (the server), by field. */
  extraErrors?: ErrorSchema<Data> | undefined;
  /** Validate on every change (errors show under their fields as the user types). */
  liveValidate?: boolean;
  /** Prefix of the generated field ids (several forms on one page). */
  idPrefix?: string;
  disabled?: boolean;
  onChange(data: Data): void;
  onSubmit?(data: Data): void;
  /** Submitted with errors. */
  onError?(): void;
  /** The form's buttons (none: the form has no submit button). */
  children?: ReactNode;
}

/**
 * The studio's one form generator: rjsf over a JSON Schema, with the studio's validator (no
 * eval, messages in the reader's language), the reference and money fields and the plugins'
 * field widgets; hidden and empty read-only (system) fields are left out (`FieldTemplate`).
 * Record forms and the designer's action configuration forms both render it.
 *
 * @example
 * ```tsx
 * <SchemaForm schema={formSchema(configSchema, 'crm.create_activity')} uiSchema={{}} formData={config} liveValidate onChange={setConfig} />
 * ```
 */
export function SchemaForm(p: SchemaFormProps) {
  const { t, i18n } = useTranslation();
  const plugins = useStudioPlugins();
  const allWidgets = useMemo(() => ({ ...rjsfWidgets(plugins.fieldWidgets), ...widgets }), [plugins]);
  const validator = useMemo(
    () => new InterpretingValidator<Data>((keyword, params) => t(`validation.${keyword}`, { ...params, defaultValue: t('validation.invalid') })),
    // a new validator per language re-translates its messages
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [i18n.language],
  );
  const uiSchema = useMemo(() => (p.children ? p.uiSchema : { ...p.uiSchema, 'ui:submitButtonOptions': { norender: true } }), [p.uiSchema, p.children]);
  return (
    <Form<Data>
      schema={p.schema}
      uiSchema={uiSchema}
      formData={p.formData}
      validator={validator}
      widgets={allWidgets}
      fields={fields}
      templates={templates}
      translateString={rjsfTranslator(t)}
      extraErrors={p.extraErrors}
      showErrorList={false}
      noHtml5Validate
      focusOnFirstError
      {...(p.liveValidate ? { liveValidate: true } : {})}
      {...(p.idPrefix ? { idPrefix: p.idPrefix } : {})}
      {...(p.disabled ? { disabled: true } : {})}
      {...(p.onError ? { onError: p.onError } : {})}
      onChange={(e) => p.onChange((e.formData ?? {}) as Data)}
      onSubmit={(e) => p.onSubmit?.((e.formData ?? {}) as Data)}
    >
      {p.children ?? <></>}
    </Form>
  );
}
