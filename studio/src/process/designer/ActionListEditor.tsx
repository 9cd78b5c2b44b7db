import { textIn } from '@pipewright/core/i18n';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActionDefinition } from '../../api/processes';
import { ActionConfigForm } from './ActionConfigForm';
import { configFieldLabel, newActionId } from './action-model';
import { actionKeyOf, type ActionProblem } from './problem-map';
import { useActionTypes } from './use-action-types';

/** Props of {@link ActionListEditor}. */
export interface ActionListEditorProps {
  actions: readonly ActionDefinition[];
  /** Server problems of these actions (from the last save or check). */
  problems: readonly ActionProblem[];
  readOnly: boolean;
  onChange(next: ActionDefinition[]): void;
}

/**
 * Edits the actions a transition runs after the move: add one by picking its type (by its title
 * in the reader's language), edit its configuration in a form generated from the type's config
 * schema, reorder and remove it with labelled buttons. Server problems show on the action they
 * concern, named by field.
 *
 * @example
 * ```tsx
 * <ActionListEditor actions={t.actions ?? []} problems={[]} readOnly={false} onChange={(actions) => set({ actions })} />
 * ```
 */
export function ActionListEditor({ actions, problems, readOnly, onChange }: ActionListEditorProps) {
  const { t, i18n } = useTranslation();
  const uid = useId();
  const types = useActionTypes();
  const [open, setOpen] = useState<string | null>(null);
  const [picked, setPicked] = useState('');
  const lang = i18n.language;
  const titleOf = (type: string) => {
    const info = types.byType.get(type);
    return info ? textIn(info.title, lang) : types.loading ? type : t('transitionActions.unknown', { type });
  };
  const write = (next: ActionDefinition[]) => onChange(next);
  const move = (i: number, by: -1 | 1) => {
    const next = [...actions];
    const [a] = next.splice(i, 1);
    if (a) next.splice(i + by, 0, a);
    write(next);
  };
  const add = () => {
    if (!types.byType.has(picked)) return;
    const id = newActionId(actions, picked);
    write([...actions, { id, type: picked, config: {} }]);
    setOpen(id);
    setPicked('');
  };
  const options = [...types.items].sort((a, b) => textIn(a.title, lang).localeCompare(textIn(b.title, lang), lang));
  return (
    <section className="transition-actions" aria-labelledby={`${uid}-title`} data-testid="action-list-editor">
      <h3 id={`${uid}-title`} className="inspector-subtitle">{t('designer.transition.actions')}</h3>
      {types.error && <p role="alert" className="field-error">{t('transitionActions.loadFailed', { error: types.error })}</p>}
      {actions.length === 0 && <p className="muted">{t('transitionActions.empty')}</p>}
      <ol className="action-list">
        {actions.map((a, i) => {
          const key = actionKeyOf(a, i);
          const info = types.byType.get(a.type);
          const title = titleOf(a.type);
          const mine = problems.filter((p) => p.action === key);
          const editing = open === key;
          return (
            <li key={key} data-testid="transition-action" data-action-type={a.type}>
              <div className="action-row">
                <span className="action-title">{title}</span>
                {a.id && <span className="muted"> · {a.id}</span>}
                <span className="action-buttons">
                  <button type="button" aria-expanded={editing} aria-label={t('transitionActions.edit', { action: title })} disabled={!info} onClick={() => setOpen(editing ? null : key)}>
                    {editing ? t('transitionActions.close') : t('transitionActions.editShort')}
                  </button>
                  <button type="button" aria-label={t('transitionActions.moveUp', { action: title })} disabled={readOnly || i === 0} onClick={() => move(i, -1)}>{t('transitionActions.up')}</button>
                  <button type="button" aria-label={t('transitionActions.moveDown', { action: title })} disabled={readOnly || i === actions.length - 1} onClick={() => move(i, 1)}>{t('transitionActions.down')}</button>
                  <button type="button" className="danger" aria-label={t('transitionActions.remove', { action: title })} disabled={readOnly} onClick={() => write(actions.filter((_, j) => j !== i))}>{t('transitionActions.removeShort')}</button>
                </span>
              </div>
              {mine.length > 0 && (
                <ul className="form-alert" role="alert" aria-label={t('transitionActions.problems', { action: title })}>
                  {mine.map((p) => <li key={`${p.pointer}:${p.message}`}>{configFieldLabel(info, p.pointer, lang)}: {p.message}</li>)}
                </ul>
              )}
              {editing && info && (
                <ActionConfigForm info={info} config={a.config ?? {}} idPrefix={`${uid}-${key}`} readOnly={readOnly} onChange={(config) => write(actions.map((x, j) => (j === i ? { ...x, config } : x)))} />
              )}
            </li>
          );
        })}
      </ol>
      {!readOnly && (
        <div className="action-add">
          <label htmlFor={`${uid}-type`}>{t('transitionActions.type')}</label>
          <select id={`${uid}-type`} value={picked} onChange={(e) => setPicked(e.target.value)} disabled={types.loading}>
            <option value="">{types.loading ? t('transitionActions.loading') : t('transitionActions.pick')}</option>
            {options.map((o) => <option key={o.type} value={o.type}>{textIn(o.title, lang)}</option>)}
          </select>
          <button type="button" onClick={add} disabled={!picked}>{t('transitionActions.add')}</button>
        </div>
      )}
    </section>
  );
}
