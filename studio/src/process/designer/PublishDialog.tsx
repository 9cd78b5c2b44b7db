import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { mappingRows, unmappedStages } from './migration-plan';
import type { usePublishFlow } from './use-publish-flow';
import { textIn } from '@pipewright/core/i18n';

/**
 * The publish dialog: confirmation with the changes against the latest version, then (when
 * stages changed) the migration dry run with a mapping for stages that have no counterpart, and
 * the migration's progress.
 *
 * @example
 * ```tsx
 * <PublishDialog flow={publishFlow} labels={labels} />
 * ```
 */
export function PublishDialog({ flow, labels }: { flow: ReturnType<typeof usePublishFlow>; labels: ReadonlyMap<string, string> }) {
  const { t, i18n } = useTranslation();
  const uid = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const s = flow.state;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (s && !d.open) d.showModal();
    if (!s && d.open) d.close();
  }, [s]);
  const label = (id: string | null) => (id === null ? '—' : (labels.get(id) ?? id));
  const busy = s?.phase === 'publishing' || s?.phase === 'migrating';
  return (
    <dialog ref={ref} className="move-dialog publish-dialog" aria-labelledby={`${uid}-title`} data-testid="publish-dialog" onCancel={(e) => { if (busy) e.preventDefault(); }} onClose={() => !busy && flow.close()}>
      {s?.phase === 'confirm' && (
        <>
          <h2 id={`${uid}-title`}>{t('designer.publishFlow.confirmTitle', { version: (s.latest ?? 0) + 1 })}</h2>
          {s.diff === null ? <p>{t('designer.publishFlow.first')}</p> : (
            <ul data-testid="publish-changes">
              <li>{t('designer.publishFlow.stages', { added: s.diff.stages.added.length, removed: s.diff.stages.removed.length, changed: s.diff.stages.changed.length })}</li>
              <li>{t('designer.publishFlow.transitions', { added: s.diff.transitions.added.length, removed: s.diff.transitions.removed.length, changed: s.diff.transitions.changed.length })}</li>
            </ul>
          )}
          <p className="muted">{t('designer.publishFlow.pinned')}</p>
          <div className="form-actions">
            <button type="button" className="primary" onClick={() => void flow.confirm()}>{t('designer.publishFlow.publish')}</button>
            <button type="button" onClick={flow.close} autoFocus>{t('designer.publishFlow.cancel')}</button>
          </div>
        </>
      )}
      {s?.phase === 'publishing' && <p role="status">{t('designer.publishFlow.publishing')}</p>}
      {s?.phase === 'plan' && (
        <>
          <h2 id={`${uid}-title`}>{t('designer.publishFlow.planTitle', { from: s.fromVersion, to: s.toVersion })}</h2>
          {s.error && <p role="alert" className="form-alert">{s.error}</p>}
          {!s.report && !s.error && <p role="status">{t('designer.publishFlow.planning')}</p>}
          {s.report && (
            <>
              <p>{t('designer.publishFlow.planSummary', { migrate: s.report.counts.migrate, invalid: s.report.counts.invalid, unmapped: s.report.counts.unmapped })}</p>
              <table className="data-table" data-testid="migration-plan">
                <thead><tr><th>{t('designer.publishFlow.fromStage')}</th><th>{t('designer.publishFlow.toStage')}</th><th>{t('designer.publishFlow.outcome')}</th><th>{t('designer.publishFlow.records')}</th></tr></thead>
                <tbody>
                  {mappingRows(s.report).map((r) => (
                    <tr key={`${r.status}:${r.from}:${r.to}`} data-status={r.status}>
                      <td>{label(r.from)}</td><td>{label(r.to)}</td><td>{t(`designer.publishFlow.status.${r.status}`)}</td><td>{r.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {unmappedStages(s.report).concat(Object.keys(s.mapping).filter((k) => !unmappedStages(s.report ?? { records: [] }).includes(k))).map((from) => (
                <label key={from} className="mapping-row">
                  {t('designer.publishFlow.mapTo', { stage: label(from) })}
                  <select value={s.mapping[from] ?? ''} onChange={(e) => flow.map(from, e.target.value)}>
                    <option value="">{t('designer.publishFlow.unmapped')}</option>
                    {s.stages.map((x) => <option key={x.id} value={x.id}>{textIn(x.label, i18n.language)}</option>)}
                  </select>
                </label>
              ))}
            </>
          )}
          <div className="form-actions">
            <button type="button" className="primary" disabled={!s.report || s.report.counts.migrate === 0} onClick={() => void flow.apply()}>{t('designer.publishFlow.migrate', { count: s.report?.counts.migrate ?? 0 })}</button>
            <button type="button" onClick={flow.skip}>{t('designer.publishFlow.leave', { version: s.fromVersion })}</button>
          </div>
        </>
      )}
      {s?.phase === 'migrating' && (
        <>
          <h2 id={`${uid}-title`}>{t('designer.publishFlow.migratingTitle', { from: s.fromVersion, to: s.toVersion })}</h2>
          <progress max={Math.max(1, s.total)} value={s.done} aria-label={t('designer.publishFlow.progress')} />
          <p role="status">{t('designer.publishFlow.progressText', { done: s.done, total: s.total })}</p>
        </>
      )}
      {s?.phase === 'done' && (
        <>
          <h2 id={`${uid}-title`}>{t('designer.published', { version: s.version })}</h2>
          <p role="status" data-testid="publish-result">
            {s.fromVersion === null ? t('designer.publishFlow.nothingToMigrate') : t('designer.publishFlow.doneText', { moved: s.moved, left: s.left, from: s.fromVersion })}
          </p>
          <div className="form-actions"><button type="button" className="primary" onClick={flow.close} autoFocus>{t('board.close')}</button></div>
        </>
      )}
      {s?.phase === 'error' && (
        <>
          <h2 id={`${uid}-title`}>{t('designer.publishFlow.failed')}</h2>
          <p role="alert" className="form-alert">{s.message}</p>
          <div className="form-actions"><button type="button" className="primary" onClick={flow.close} autoFocus>{t('board.close')}</button></div>
        </>
      )}
    </dialog>
  );
}
