import { useCallback, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TransitionDefinition } from '../../api/processes';
import { ActionListEditor } from './ActionListEditor';
import { LocalizedInput } from './LocalizedInput';
import type { ActionProblem } from './problem-map';
import { ROLES } from './StageInspector';

/** Props of {@link TransitionInspector}. */
export interface TransitionInspectorProps {
  transition: TransitionDefinition;
  /** Stage labels by id, for showing the ends. */
  labels: ReadonlyMap<string, string>;
  problems: readonly string[];
  /** Server problems of the transition's actions (shown on the action, by field). */
  actionProblems?: readonly ActionProblem[];
  readOnly: boolean;
  onChange(next: TransitionDefinition): void;
  onDelete(): void;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const NO_ACTION_PROBLEMS: readonly ActionProblem[] = [];

/**
 * Edits a transition's label, roles, whether it has a guard and the guard's failure message,
 * its approval (approvers, how many, when) and its actions ({@link ActionListEditor}). The guard itself is drawn with the rule builder
 * (see {@link useGuardChange}).
 *
 * @example
 * ```tsx
 * <TransitionInspector transition={t} labels={labels} problems={[]} readOnly={false} onChange={save} onDelete={del} />
 * ```
 */
export function TransitionInspector(p: TransitionInspectorProps) {
  const { t } = useTranslation();
  const uid = useId();
  const tr = p.transition;
  const set = (patch: Partial<TransitionDefinition>) => {
    const next = { ...tr, ...patch } as TransitionDefinition & Record<string, unknown>;
    for (const k of Object.keys(patch)) if (next[k] === undefined || next[k] === '' || (Array.isArray(next[k]) && (next[k] as unknown[]).length === 0)) delete next[k];
    p.onChange(next);
  };
  const from = tr.from === '*' ? [t('designer.anyStage')] : (Array.isArray(tr.from) ? tr.from : [tr.from]).map((f) => p.labels.get(f) ?? f);
  const roles = tr.roles ?? [];
  return (
    <div className="inspector" data-testid="transition-inspector">
      {p.problems.length > 0 && (
        <ul className="form-alert" role="alert">
          {p.problems.map((m) => <li key={m}>{m}</li>)}
        </ul>
      )}
      <p>
        <strong>{t('designer.transition.move', { from: from.join(', '), to: p.labels.get(tr.to) ?? tr.to })}</strong>
        {tr.id && <span className="muted"> · {tr.id}</span>}
      </p>
      <fieldset disabled={p.readOnly}>
        <label htmlFor={`${uid}-label`}>{t('designer.transition.label')}</label>
        <LocalizedInput id={`${uid}-label`} value={tr.label} onChange={(label) => set({ label })} />
        <fieldset>
          <legend>{t('designer.transition.roles')}</legend>
          {ROLES.map((r) => (
            <label key={r} className="check">
              <input type="checkbox" checked={roles.includes(r)} onChange={(e) => set({ roles: e.target.checked ? [...roles, r] : roles.filter((x) => x !== r) })} />
              {t(`designer.roles.${r}`)}
            </label>
          ))}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={tr.guard !== undefined} onChange={(e) => set({ guard: e.target.checked ? true : undefined, ...(e.target.checked ? {} : { guardMessage: undefined }) })} />
          {t('designer.transition.hasGuard')}
        </label>
        {tr.guard !== undefined && (
          <>
            <label htmlFor={`${uid}-msg`}>{t('designer.transition.guardMessage')}</label>
            <LocalizedInput id={`${uid}-msg`} value={tr.guardMessage} onChange={(guardMessage) => set({ guardMessage })} />
          </>
        )}
        <label className="check">
          <input type="checkbox" checked={tr.approval !== undefined} onChange={(e) => set({ approval: e.target.checked ? { approvers: [{ role: 'manager' }] } : undefined })} />
          {t('designer.transition.needsApproval')}
        </label>
        {tr.approval && <ApprovalEditor key={tr.id ?? `${JSON.stringify(tr.from)}>${tr.to}`} approval={tr.approval} onChange={(approval) => set({ approval })} />}
        <ActionListEditor actions={tr.actions ?? []} problems={p.actionProblems ?? NO_ACTION_PROBLEMS} readOnly={p.readOnly} onChange={(actions) => set({ actions })} />
        <div className="form-actions">
          <button type="button" className="danger" onClick={p.onDelete}>{t('designer.transition.delete')}</button>
        </div>
      </fieldset>
    </div>
  );
}

type Approval = NonNullable<TransitionDefinition['approval']>;

/**
 * A transition's approval (ADR 028): the approvers' roles (users named in the document are kept),
 * how many approvals are needed, and the condition as json-logic (checked against the entity by
 * the server on save; invalid JSON is refused here and the condition kept).
 */
function ApprovalEditor({ approval, onChange }: { approval: Approval; onChange(next: Approval): void }) {
  const { t } = useTranslation();
  const uid = useId();
  const roles = approval.approvers.flatMap((a) => (a.role !== undefined ? [a.role] : []));
  const users = approval.approvers.filter((a) => a.user !== undefined);
  const [text, setText] = useState(() => (approval.when === undefined ? '' : JSON.stringify(approval.when)));
  const [invalid, setInvalid] = useState(false);
  const setRoles = (next: string[]) => {
    const approvers = [...next.map((role) => ({ role })), ...users];
    if (approvers.length > 0) onChange({ ...approval, approvers });
  };
  const commitWhen = () => {
    const trimmed = text.trim();
    if (trimmed === '') {
      setInvalid(false);
      const { when: _dropped, ...rest } = approval;
      onChange(rest);
      return;
    }
    try {
      const when: unknown = JSON.parse(trimmed);
      setInvalid(false);
      onChange({ ...approval, when });
    } catch {
      setInvalid(true);
    }
  };
  return (
    <fieldset data-testid="approval-editor">
      <legend>{t('designer.transition.approvers')}</legend>
      {ROLES.map((r) => (
        <label key={r} className="check">
          <input type="checkbox" checked={roles.includes(r)} onChange={(e) => setRoles(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))} />
          {t(`designer.roles.${r}`)}
        </label>
      ))}
      <label htmlFor={`${uid}-mode`}>{t('designer.transition.approvalMode')}</label>
      <select id={`${uid}-mode`} value={approval.mode ?? 'parallel'} onChange={(e) => {
        const { mode: _old, ...rest } = approval;
        onChange(e.target.value === 'sequential' ? { ...rest, mode: 'sequential' } : rest);
      }}>
        <option value="parallel">{t('designer.transition.approvalModes.parallel')}</option>
        <option value="sequential">{t('designer.transition.approvalModes.sequential')}</option>
      </select>
      <label htmlFor={`${uid}-n`}>{t('designer.transition.approvalsRequired')}</label>
      <input id={`${uid}-n`} type="number" min={1} max={10} value={approval.required ?? 1} onChange={(e) => {
        const n = Math.max(1, Math.min(10, Math.round(Number(e.target.value) || 1)));
        const { required: _old, ...rest } = approval;
        onChange(n === 1 ? rest : { ...rest, required: n });
      }} />
      <label htmlFor={`${uid}-timeout`}>{t('designer.transition.approvalTimeout')}</label>
      <input id={`${uid}-timeout`} value={approval.timeout ?? ''} placeholder="PT24H" onChange={(e) => {
        const { timeout: _old, ...rest } = approval;
        const v = e.target.value.trim().toUpperCase();
        onChange(v ? { ...rest, timeout: v } : rest);
      }} />
      <label htmlFor={`${uid}-when`}>{t('designer.transition.approvalWhen')}</label>
      <textarea id={`${uid}-when`} rows={3} value={text} aria-invalid={invalid} onChange={(e) => setText(e.target.value)} onBlur={commitWhen} />
      {invalid && <p role="alert" className="field-error">{t('designer.transition.approvalWhenInvalid')}</p>}
    </fieldset>
  );
}

/**
 * A stable `onChange` for the rule builder that writes the drawn rule into the transition's
 * guard, ignoring the echo of the rule it was opened with.
 *
 * @example
 * ```tsx
 * const onGuard = useGuardChange(transition, (next) => update(next));
 * <RuleBuilder initialRule={transition.guard} onChange={onGuard} />
 * ```
 */
export function useGuardChange(transition: TransitionDefinition, onChange: (next: TransitionDefinition) => void): (logic: unknown) => void {
  const latest = useRef({ transition, onChange });
  latest.current = { transition, onChange };
  return useCallback((logic: unknown) => {
    const { transition: tr, onChange: write } = latest.current;
    if (tr.guard === undefined || same(tr.guard, logic)) return;
    write({ ...tr, guard: logic });
  }, []);
}
