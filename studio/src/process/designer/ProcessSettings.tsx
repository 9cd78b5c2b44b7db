import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProcessDefinition } from '../../api/processes';
import { LocalizedInput } from './LocalizedInput';

/**
 * The process-wide settings, shown in the inspector when nothing is selected: label,
 * description, and whether moves may skip stages or go backwards.
 *
 * @example
 * ```tsx
 * <ProcessSettings def={def} readOnly={false} onChange={commit} />
 * ```
 */
export function ProcessSettings({ def, readOnly, onChange }: { def: ProcessDefinition; readOnly: boolean; onChange(next: ProcessDefinition): void }) {
  const { t } = useTranslation();
  const id = useId();
  const set = (patch: Partial<ProcessDefinition>) => {
    const next = { ...def, ...patch } as ProcessDefinition & Record<string, unknown>;
    for (const k of Object.keys(patch)) if (next[k] === undefined || next[k] === '') delete next[k];
    onChange(next);
  };
  return (
    <div className="inspector" data-testid="process-settings">
      <fieldset disabled={readOnly}>
        <legend className="visually-hidden">{t('designer.settings.title')}</legend>
        <label htmlFor={`${id}-label`}>{t('designer.settings.label')}</label>
        <LocalizedInput id={`${id}-label`} value={def.label} onChange={(label) => set({ label: label ?? '' })} />
        <label htmlFor={`${id}-description`}>{t('designer.settings.description')}</label>
        <LocalizedInput id={`${id}-description`} multiline value={def.description} onChange={(description) => set({ description })} />
        <label className="check">
          <input type="checkbox" checked={def.allowSkip ?? false} onChange={(e) => set({ allowSkip: e.target.checked })} />
          {t('designer.settings.allowSkip')}
        </label>
        <label className="check">
          <input type="checkbox" checked={def.allowBackward ?? false} onChange={(e) => set({ allowBackward: e.target.checked })} />
          {t('designer.settings.allowBackward')}
        </label>
      </fieldset>
    </div>
  );
}
