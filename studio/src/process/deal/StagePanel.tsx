import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import type { ApprovalInfo } from '../../approvals/api';
import { useTranslation } from 'react-i18next';
import { processApi, type ProcessDefinition, type StageStay } from '../../api/processes';
import type { EntityInfo, RecordView } from '../../api/types';
import { actorName, useUserNames } from '../../app/user-names';
import { formatDateTime } from '../../entities/format';
import { processText, stageLabel } from '../../plugins/localize';
import { MoveDialog } from '../board/MoveDialog';
import { MoveMenu } from '../board/MoveMenu';
import { useAvailableMoves } from '../board/use-available';
import { useMove } from '../board/use-move';

async function processOf(entity: string, record: RecordView, stays: readonly StageStay[]): Promise<{ id: string; version: number; definition: ProcessDefinition } | null> {
  const pinned = record.process ?? (stays.at(-1) ? { id: (stays.at(-1) as StageStay).process, version: (stays.at(-1) as StageStay).version } : null);
  if (pinned) return processApi.version(pinned.id, pinned.version);
  const { items } = await processApi.list(entity);
  const p = items.find((x) => x.latestVersion !== null);
  return p && p.latestVersion !== null ? processApi.version(p.id, p.latestVersion) : null;
}

/**
 * The stage of a stageful record: its process, a "Move to…" control (the same transition flow
 * as the board: guard explanation, form for missing fields) and its stage history.
 *
 * @example
 * ```tsx
 * {entity.stageful && <StagePanel entity={entity} record={record} onChanged={setRecord} />}
 * ```
 */
export function StagePanel({ entity, record, onChanged }: { entity: EntityInfo; record: RecordView; onChanged(record: RecordView): void }) {
  const { t, i18n } = useTranslation();
  const names = useUserNames();
  const [stays, setStays] = useState<StageStay[] | null>(null);
  const [process, setProcess] = useState<{ id: string; version: number; definition: ProcessDefinition } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [held, setHeld] = useState<ApprovalInfo | null>(null);
  const moves = useMove(entity.fullId, { onMoved: (r) => { setHeld(null); onChanged(r); }, onReloaded: onChanged, onHeld: (a) => setHeld(a) });
  const available = useAvailableMoves(entity.fullId);

  useEffect(() => {
    const ctrl = new AbortController();
    processApi
      .history(entity.fullId, record.id, ctrl.signal)
      .then(async (h) => {
        setStays(h.items);
        setProcess(await processOf(entity.fullId, record, h.items));
      })
      .catch((err: unknown) => !ctrl.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
    return () => ctrl.abort();
  }, [entity.fullId, record.id, record.version]);

  const stages = process?.definition.stages ?? [];
  const labels = new Map(stages.map((s) => [s.id, stageLabel(entity, s.id, s.label, i18n.language)]));
  const label = (id: string | null) => (id ? (labels.get(id) ?? id) : '—');
  const when = (iso: string) => formatDateTime(iso, i18n.language);
  return (
    <section className="panel" aria-labelledby="stage-title" data-testid="stage-panel">
      <h2 id="stage-title">{t('deal.stage')}: {label(record.stage)}</h2>
      <p className="muted">{process ? t('deal.process', { process: processText(process.definition.label, i18n.language), version: process.version }) : t('deal.noProcess')}</p>
      {error && <p role="alert" className="field-error">{error}</p>}
      {held && (
        <p role="status" className="form-alert" data-testid="move-held">
          {t('approvals.held', { stage: label(held.to), approvers: held.approvers.map((u) => names.get(u) ?? u).join(', ') })} <Link href="/approvals?box=requested">{t('approvals.view')}</Link>
        </p>
      )}
      {stages.length > 0 && (
        <MoveMenu record={record} label={t('board.moveLabel', { deal: String(record.data[entity.titleField ?? ''] ?? record.id) })} pending={moves.state?.phase === 'pending'} load={available} onMove={(r, to, transition, missing) => void moves.move(r, to, transition, missing)} />
      )}
      <h3>{t('deal.stageHistory')}</h3>
      {stays?.length === 0 && <p className="muted">{t('deal.historyEmpty')}</p>}
      <ol className="stage-history">
        {[...(stays ?? [])].reverse().map((s) => (
          <li key={s.id} className={s.exitedAt ? '' : 'current'}>
            <strong>{label(s.stage)}</strong>
            {!s.exitedAt && <span className="badge"> {t('deal.current')}</span>}
            <div className="muted">
              {t('deal.entered', { at: when(s.enteredAt), actor: actorName(s.enteredBy, names, t) })}
              {s.exitedAt && ` · ${t('deal.left', { at: when(s.exitedAt) })}`}
              {s.dueAt && !s.exitedAt && ` · ${t('deal.due', { at: when(s.dueAt) })}`}
            </div>
          </li>
        ))}
      </ol>
      <MoveDialog state={moves.state} entity={entity} labels={labels} onRetry={moves.retry} onClose={moves.close} />
    </section>
  );
}
