import { useId, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { StageDefinition, StageKind, StageSla } from '../../api/processes';
import type { EntityInfo } from '../../api/types';
import { fieldLabel } from '../../entities/format';
import { isLocalId } from './designer-model';
import { LocalizedInput } from './LocalizedInput';
import { LockedFieldsEditor } from './LockedFieldsEditor';
import { buildRequirements, requiredFields } from './requirements';
import { textIn } from '@pipewright/core/i18n';

/** Roles an SLA can escalate to (the runtime's identity model). */
export const ROLES = ['rep', 'manager', 'admin', 'marketing', 'presales'] as const;

/** Props of {@link StageInspector}. */
export interface StageInspectorProps {
  stage: StageDefinition;
  entity: EntityInfo | undefined;
  initial: boolean;
  problems: readonly string[];
  readOnly: boolean;
  onChange(next: StageDefinition): void;
  /** Renames the stage; false when the id is invalid or taken. */
  onRename(id: string): boolean;
  onMakeInitial(): void;
  onDelete(): void;
  /** Stages a new transition from this one can lead to (see `transitionTargets`). */
  targets: readonly StageDefinition[];
  /** Adds a transition from this stage to `target` (the keyboard's way to connect stages). */
  onAddTransition(target: string): void;
}

const num = (e: ChangeEvent<HTMLInputElement>): number | undefined => (e.target.value === '' ? undefined : Number(e.target.value));

/**
 * Edits one stage: id, label, kind, win probability, entry requirements (fields picked from the
 * entity schema, turned into a JSON Schema fragment), guidance, locked fields and SLA; adds a transition out of
 * it to a stage picked from a list (connecting without dragging on the canvas).
 *
 * @example
 * ```tsx
 * <StageInspector stage={stage} entity={deal} initial={false} problems={[]} readOnly={false} onChange={save} onRename={rename} onMakeInitial={mk} onDelete={del} targets={targets} onAddTransition={connect} />
 * ```
 */
export function StageInspector(p: StageInspectorProps) {
  const { t, i18n } = useTranslation();
  const uid = useId();
  const s = p.stage;
  const [idText, setIdText] = useState(s.id);
  const [idError, setIdError] = useState(false);
  const [target, setTarget] = useState('');
  const set = (patch: Partial<StageDefinition>) => {
    const next = { ...s, ...patch } as StageDefinition & Record<string, unknown>;
    for (const k of Object.keys(patch)) if (next[k] === undefined || next[k] === '') delete next[k];
    p.onChange(next);
  };
  const setSla = (patch: Partial<StageSla>) => {
    const next = { ...(s.sla ?? {}), ...patch } as StageSla & Record<string, unknown>;
    for (const k of Object.keys(next)) if (next[k] === undefined || next[k] === '') delete next[k];
    set({ sla: Object.keys(next).length ? next : undefined });
  };
  const required = requiredFields(s.requirements);
  const toggle = (field: string, on: boolean) => {
    if (!p.entity) return;
    const fields = on ? [...required, field] : required.filter((f) => f !== field);
    set({ requirements: buildRequirements(p.entity, fields, s.requirements) });
  };
  const rename = () => {
    const ok = idText === s.id || p.onRename(idText);
    setIdError(!ok);
  };

  return (
    <div className="inspector" data-testid="stage-inspector">
      {p.problems.length > 0 && (
        <ul className="form-alert" role="alert">
          {p.problems.map((m) => <li key={m}>{m}</li>)}
        </ul>
      )}
      <fieldset disabled={p.readOnly}>
        <label htmlFor={`${uid}-id`}>{t('designer.stage.id')}</label>
        <input id={`${uid}-id`} value={idText} aria-invalid={idError || !isLocalId(idText)} onChange={(e) => setIdText(e.target.value)} onBlur={rename} onKeyDown={(e) => e.key === 'Enter' && rename()} />
        {idError && <p className="field-error">{t('designer.stage.badId')}</p>}
        <label htmlFor={`${uid}-label`}>{t('designer.stage.label')}</label>
        <LocalizedInput id={`${uid}-label`} value={s.label} onChange={(label) => set({ label: label ?? '' })} />
        <label htmlFor={`${uid}-kind`}>{t('designer.stage.kind')}</label>
        <select id={`${uid}-kind`} value={s.kind} onChange={(e) => set({ kind: e.target.value as StageKind, ...(e.target.value !== 'open' ? { sla: undefined } : {}) })}>
          {(['open', 'won', 'lost'] as const).map((k) => <option key={k} value={k}>{t(`designer.kinds.${k}`)}</option>)}
        </select>
        <label htmlFor={`${uid}-prob`}>{t('designer.stage.probability')}</label>
        <input id={`${uid}-prob`} type="number" min={0} max={100} step={1} value={s.probability === undefined ? '' : Math.round(s.probability * 100)} onChange={(e) => { const v = num(e); set({ probability: v === undefined ? undefined : Math.min(100, Math.max(0, v)) / 100 }); }} />
        <label htmlFor={`${uid}-guidance`}>{t('designer.stage.guidance')}</label>
        <LocalizedInput id={`${uid}-guidance`} multiline value={s.guidance} onChange={(guidance) => set({ guidance })} />
        <fieldset className="requirements">
          <legend>{t('designer.stage.requirements')}</legend>
          <p className="muted">{t('designer.stage.requirementsHint')}</p>
          {p.entity?.fields.map((f) => (
            <label key={f.name} className="check">
              <input type="checkbox" checked={required.includes(f.name)} onChange={(e) => toggle(f.name, e.target.checked)} />
              {p.entity ? fieldLabel(p.entity, f.name) : f.name}
            </label>
          ))}
        </fieldset>
        <LockedFieldsEditor value={s.lockedFields} entity={p.entity} onChange={(lockedFields) => set({ lockedFields })} />
        {s.kind === 'open' && (
          <fieldset className="sla">
            <legend>{t('designer.stage.sla')}</legend>
            <label htmlFor={`${uid}-days`}>{t('designer.stage.slaMaxDays')}</label>
            <input id={`${uid}-days`} type="number" min={1} step={1} value={s.sla?.maxDays ?? ''} onChange={(e) => setSla({ maxDays: num(e), ...(num(e) !== undefined ? { maxDuration: undefined } : {}) })} />
            <label htmlFor={`${uid}-warn`}>{t('designer.stage.slaWarnBefore')}</label>
            <input id={`${uid}-warn`} value={s.sla?.warnBefore ?? ''} placeholder="P3D" onChange={(e) => setSla({ warnBefore: e.target.value })} />
            <label className="check">
              <input type="checkbox" checked={s.sla?.businessDays ?? false} onChange={(e) => setSla({ businessDays: e.target.checked || undefined })} />
              {t('designer.stage.slaBusinessDays')}
            </label>
            <label htmlFor={`${uid}-esc`}>{t('designer.stage.slaEscalateTo')}</label>
            <select id={`${uid}-esc`} value={s.sla?.escalateTo?.role ?? ''} onChange={(e) => setSla({ escalateTo: e.target.value ? { role: e.target.value } : undefined })}>
              <option value="">{t('designer.stage.nobody')}</option>
              {ROLES.map((r) => <option key={r} value={r}>{t(`designer.roles.${r}`)}</option>)}
            </select>
          </fieldset>
        )}
        <fieldset className="add-transition">
          <legend>{t('designer.stage.addTransitionTitle')}</legend>
          {p.targets.length === 0 ? (
            <p className="muted">{t('designer.stage.noTargets')}</p>
          ) : (
            <>
              <label htmlFor={`${uid}-target`}>{t('designer.stage.transitionTo')}</label>
              <div className="actions">
                <select id={`${uid}-target`} value={target} onChange={(e) => setTarget(e.target.value)}>
                  <option value="">{t('designer.stage.chooseTarget')}</option>
                  {p.targets.map((x) => <option key={x.id} value={x.id}>{textIn(x.label, i18n.language)}</option>)}
                </select>
                <button type="button" disabled={!p.targets.some((x) => x.id === target)} onClick={() => p.onAddTransition(target)}>{t('designer.stage.addTransition')}</button>
              </div>
            </>
          )}
        </fieldset>
        <div className="form-actions">
          {!p.initial && s.kind === 'open' && <button type="button" onClick={p.onMakeInitial}>{t('designer.stage.makeInitial')}</button>}
          <button type="button" className="danger" onClick={p.onDelete}>{t('designer.stage.delete')}</button>
        </div>
      </fieldset>
    </div>
  );
}
