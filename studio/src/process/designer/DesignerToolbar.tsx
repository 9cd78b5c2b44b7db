import { useTranslation } from 'react-i18next';
import type { useDesignerActions } from './use-designer-actions';
import type { DesignerState } from './use-designer-state';

/** Props of {@link DesignerToolbar}. */
export interface DesignerToolbarProps {
  d: DesignerState;
  actions: ReturnType<typeof useDesignerActions>;
  readOnly: boolean;
  latestVersion: number | null;
  revision: number;
  onAdd(): void;
  onUndo(): void;
  onRedo(): void;
  /** Opens the publish dialog (confirmation, then the migration of in-flight records). */
  onPublish(): void;
}

/**
 * The designer's commands (add stage, undo, redo, auto layout, check, save, compare, backtest,
 * publish) and its status line: unsaved changes, problem count, the last command's outcome.
 *
 * @example
 * ```tsx
 * <DesignerToolbar d={state} actions={actions} readOnly={false} latestVersion={1} revision={4} onAdd={add} onUndo={undo} onRedo={redo} onPublish={publish} />
 * ```
 */
export function DesignerToolbar({ d, actions, readOnly, latestVersion, revision, onAdd, onUndo, onRedo, onPublish }: DesignerToolbarProps) {
  const { t } = useTranslation();
  const busy = actions.busy !== null;
  const label = (name: string, key: string) => (actions.busy === name ? t('status.working') : t(key));
  return (
    <div className="designer-toolbar">
      <div role="toolbar" aria-label={t('designer.toolbar')} className="actions wrap">
        <button type="button" onClick={onAdd} disabled={readOnly}>{t('designer.addStage')}</button>
        <button type="button" onClick={onUndo} disabled={readOnly || !d.canUndo} aria-keyshortcuts="Control+Z">{t('designer.undo')}</button>
        <button type="button" onClick={onRedo} disabled={readOnly || !d.canRedo} aria-keyshortcuts="Control+Y">{t('designer.redo')}</button>
        <button type="button" onClick={d.autoLayout} disabled={readOnly}>{t('designer.autoLayout')}</button>
        <button type="button" onClick={() => void actions.check()} disabled={busy}>{label('check', 'designer.check')}</button>
        <button type="button" className="primary" onClick={() => void actions.save()} disabled={readOnly || busy}>{label('save', 'designer.save')}</button>
        <button type="button" onClick={() => void actions.compare()} disabled={busy || latestVersion === null}>{label('compare', 'designer.compare')}</button>
        <button type="button" onClick={() => void actions.simulate()} disabled={readOnly || busy}>{label('simulate', 'designer.simulate')}</button>
        <button type="button" onClick={onPublish} disabled={readOnly || busy}>{label('publish', 'designer.publish')}</button>
      </div>
      <p className="muted designer-status">
        <span>{t('designer.revision', { revision })}</span>
        {' · '}
        <span>{latestVersion === null ? t('processes.unpublished') : t('processes.published', { version: latestVersion })}</span>
        {d.dirty && <span className="badge warn"> {t('designer.unsaved')}</span>}
        {d.problems.count > 0 && <span className="field-error"> {t('designer.problemCount', { count: d.problems.count })}</span>}
      </p>
      <p role="status" className={actions.message?.kind === 'error' ? 'field-error' : 'ok-text'} data-testid="designer-message">
        {actions.message?.text ?? ''}
      </p>
    </div>
  );
}
