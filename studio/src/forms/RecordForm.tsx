import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/problem';
import type { EntityInfo, JsonSchema } from '../api/types';
import { fitOrder, formSchema, formUiSchema, subsetSchema } from './form-schema';
import { pluginUi } from './plugin-widgets';
import { useStudioPlugins } from '../plugins/context';
import { SchemaForm } from './SchemaForm';
import { problemToErrorSchema } from './server-errors';

/** Props of {@link RecordForm}. */
export interface RecordFormProps {
  entity: EntityInfo;
  /** Starting values of the record body. */
  initialData?: Record<string, unknown>;
  /** Render only these fields of the entity (e.g. the ones a stage transition found missing). */
  fields?: readonly string[];
  /** Or render exactly this schema (e.g. the one a 422 sends for the missing fields). */
  schema?: JsonSchema;
  submitLabel: string;
  /** Sends the body; reject with an {@link ApiError} to have its problems shown on the fields. */
  onSubmit(data: Record<string, unknown>): Promise<void>;
  onCancel?(): void;
}

/**
 * A create/edit form generated from an entity's JSON Schema and UI hints (rjsf), validated in
 * the browser without eval and by the server, whose problem+json errors land on their fields.
 *
 * @example
 * ```tsx
 * <RecordForm entity={deal} submitLabel="Create" onSubmit={(data) => api.create('acme.ticket', data).then(() => {})} />
 * <RecordForm entity={deal} fields={['amount', 'expected_close_date']} submitLabel="Save" onSubmit={save} />
 * ```
 */
export function RecordForm(props: RecordFormProps) {
  const { entity, initialData, submitLabel, onSubmit, onCancel } = props;
  const { t } = useTranslation();
  const [formData, setFormData] = useState<Record<string, unknown>>(initialData ?? {});
  const [extraErrors, setExtraErrors] = useState<ReturnType<typeof problemToErrorSchema>['errorSchema'] | undefined>(undefined);
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const plugins = useStudioPlugins();
  const fieldsKey = props.fields?.join(',');
  const { schema, uiSchema } = useMemo(() => {
    const body = props.schema ?? (props.fields ? subsetSchema(entity.schema, props.fields) : entity.schema);
    const names = Object.keys((body.properties as object | undefined) ?? {});
    const extra = pluginUi(entity, new Set(plugins.fieldWidgets.keys()));
    const base = formUiSchema(body, entity.ui?.form, entity.references);
    for (const [name, add] of Object.entries(extra)) if (names.includes(name)) base[name] = { ...(add as UiSchema), ...((base[name] as UiSchema | undefined) ?? {}) };
    // a hint naming the widget of a plugin that failed to load falls back to the default widget
    for (const name of names) {
      const w = (base[name] as UiSchema | undefined)?.['ui:widget'];
      if (typeof w === 'string' && w.includes('.') && !plugins.fieldWidgets.has(w)) base[name] = { ...(base[name] as UiSchema), 'ui:widget': undefined };
    }
    const ui = fitOrder(base, names);
    return { schema: formSchema(body, entity.fullId) as RJSFSchema, uiSchema: { ...ui, 'ui:submitButtonOptions': { norender: true } } as UiSchema<Record<string, unknown>> };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [entity, props.schema, fieldsKey, plugins]);

  async function submit(data: Record<string, unknown>) {
    setBusy(true);
    setGeneral([]);
    setExtraErrors(undefined);
    try {
      await onSubmit(data);
    } catch (err) {
      if (err instanceof ApiError) {
        const mapped = problemToErrorSchema(err.problem);
        setExtraErrors(mapped.errorSchema);
        setGeneral([err.problem.detail, ...mapped.general]);
      } else setGeneral([err instanceof Error ? err.message : String(err)]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="record-form">
      {general.length > 0 && (
        <div role="alert" className="form-alert">
          {general.map((g) => (
            <p key={g}>{g}</p>
          ))}
        </div>
      )}
      <SchemaForm
        schema={schema}
        uiSchema={uiSchema}
        formData={formData}
        extraErrors={extraErrors}
        onError={() => setGeneral([t('forms.fixErrors')])}
        onChange={setFormData}
        onSubmit={(data) => void submit(data)}
      >
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('status.working') : submitLabel}
          </button>
          {onCancel && (
            <button type="button" onClick={onCancel}>
              {t('actions.cancel')}
            </button>
          )}
        </div>
      </SchemaForm>
    </div>
  );
}
