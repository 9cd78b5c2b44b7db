import { useTranslation } from 'react-i18next';
import { useEntities } from '../app/entities-context';
import { fieldLabel, formatValue } from '../entities/format';
import type { ApprovalInfo } from './api';

/**
 * The changed fields of a held record change (ADR 028 addendum) as a before/after table, each
 * value formatted as the record page shows it (money, dates, choices).
 *
 * @example
 * ```tsx
 * {a.edit && <EditDiff type={a.record.type} edit={a.edit} />}
 * ```
 */
export function EditDiff({ type, edit }: { type: string; edit: NonNullable<ApprovalInfo['edit']> }) {
  const { t, i18n } = useTranslation();
  const entity = useEntities().byId.get(type);
  const yesNo: [string, string] = [t('forms.yes'), t('forms.no')];
  const shown = (field: string, value: unknown) => {
    const info = entity?.fields.find((f) => f.name === field);
    return formatValue(info, value, i18n.language, yesNo) || '—';
  };
  return (
    <table className="edit-diff" data-testid="edit-diff">
      <thead>
        <tr>
          <th scope="col">{t('approvals.diff.field')}</th>
          <th scope="col">{t('approvals.diff.before')}</th>
          <th scope="col">{t('approvals.diff.after')}</th>
        </tr>
      </thead>
      <tbody>
        {edit.fields.map((f) => (
          <tr key={f} data-field={f}>
            <th scope="row">{entity ? fieldLabel(entity, f) : f}</th>
            <td><del>{shown(f, edit.before[f])}</del></td>
            <td><ins>{shown(f, edit.after[f])}</ins></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
