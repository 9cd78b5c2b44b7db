import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { LockedFields } from '@pipewright/core';
import type { EntityInfo } from '../../api/types';
import { fieldLabel } from '../../entities/format';

/** Props of {@link LockedFieldsEditor}. */
export interface LockedFieldsEditorProps {
  value: LockedFields | undefined;
  entity: EntityInfo | undefined;
  onChange(next: LockedFields | undefined): void;
}

type Mode = 'none' | 'listed' | 'allExcept';

/**
 * Edits the fields a stage locks: none, the checked fields, or every field except the checked
 * ones. Locked fields cannot change while a record is in the stage; a transition out of it (a
 * reopen) unlocks them.
 *
 * @example
 * ```tsx
 * <LockedFieldsEditor value={stage.lockedFields} entity={deal} onChange={(lockedFields) => set({ lockedFields })} />
 * ```
 */
export function LockedFieldsEditor({ value, entity, onChange }: LockedFieldsEditorProps) {
  const { t } = useTranslation();
  const uid = useId();
  const mode: Mode = value === undefined ? 'none' : Array.isArray(value) ? 'listed' : 'allExcept';
  const list = value === undefined ? [] : Array.isArray(value) ? value : value.allExcept;
  const build = (m: Mode, fields: string[]): LockedFields | undefined => (m === 'none' ? undefined : m === 'listed' ? fields : { allExcept: fields });
  const toggle = (field: string, on: boolean) => onChange(build(mode, on ? [...list.filter((f) => f !== field), field] : list.filter((f) => f !== field)));
  return (
    <fieldset className="locked-fields" data-testid="locked-fields">
      <legend>{t('designer.stage.locked')}</legend>
      <p className="muted">{t('designer.stage.lockedHint')}</p>
      <label htmlFor={`${uid}-mode`}>{t('designer.stage.lockedMode')}</label>
      <select id={`${uid}-mode`} value={mode} onChange={(e) => onChange(build(e.target.value as Mode, list))}>
        <option value="none">{t('designer.stage.lockedNone')}</option>
        <option value="listed">{t('designer.stage.lockedListed')}</option>
        <option value="allExcept">{t('designer.stage.lockedAllExcept')}</option>
      </select>
      {mode !== 'none' &&
        entity?.fields.map((f) => (
          <label key={f.name} className="check">
            <input type="checkbox" checked={list.includes(f.name)} onChange={(e) => toggle(f.name, e.target.checked)} />
            {fieldLabel(entity, f.name)}
          </label>
        ))}
    </fieldset>
  );
}
