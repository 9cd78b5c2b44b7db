import { textIn } from '@pipewright/core/i18n';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActionTypeInfo } from '../../api/processes';
import { formSchema, formUiSchema } from '../../forms/form-schema';
import { SchemaForm } from '../../forms/SchemaForm';
import { configEnumUi, localizedConfigSchema, mergeUi } from './action-model';

/** Props of {@link ActionConfigForm}. */
export interface ActionConfigFormProps {
  info: ActionTypeInfo;
  config: Record<string, unknown>;
  /** Unique per form on the page (field ids). */
  idPrefix: string;
  readOnly: boolean;
  onChange(config: Record<string, unknown>): void;
}

/**
 * The configuration of one transition action as a form generated from its type's config schema
 * (the studio's {@link SchemaForm}, as record forms), validated as the admin types (the server's
 * problems for the action are listed above it by {@link ActionListEditor}, named by field).
 *
 * @example
 * ```tsx
 * <ActionConfigForm info={types.byType.get('crm.create_activity')} config={a.config ?? {}} idPrefix="a0" readOnly={false} onChange={setConfig} />
 * ```
 */
export function ActionConfigForm({ info, config, idPrefix, readOnly, onChange }: ActionConfigFormProps) {
  const { t, i18n } = useTranslation();
  const { schema, uiSchema } = useMemo(() => {
    const body = localizedConfigSchema(info, i18n.language);
    return { schema: formSchema(body, info.type), uiSchema: mergeUi(formUiSchema(body, undefined), configEnumUi(info, i18n.language)) };
  }, [info, i18n.language]);
  const empty = Object.keys((info.configSchema.properties ?? {}) as object).length === 0;
  if (empty) return <p className="muted">{t('transitionActions.noConfig')}</p>;
  return (
    <div className="action-config" role="group" aria-label={t('transitionActions.config', { action: textIn(info.title, i18n.language) })}>
      <SchemaForm schema={schema} uiSchema={uiSchema} formData={config} liveValidate idPrefix={idPrefix} disabled={readOnly} onChange={onChange} />
    </div>
  );
}
