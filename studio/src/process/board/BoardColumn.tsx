import { useDroppable } from '@dnd-kit/core';
import { useTranslation } from 'react-i18next';
import type { OpenStay, StageDefinition } from '../../api/processes';
import type { EntityInfo, RecordView } from '../../api/types';
import { DealCard } from './DealCard';
import type { ColumnState } from './use-board-columns';

/** Props of {@link BoardColumn}. */
export interface BoardColumnProps {
  stage: StageDefinition;
  stages: readonly StageDefinition[];
  column: ColumnState | undefined;
  entity: EntityInfo;
  stays: ReadonlyMap<string, OpenStay>;
  owners: ReadonlyMap<string, string>;
  now: Date;
  pendingId: string | null;
  onMove(deal: RecordView, to: string): void;
  onMore(): void;
}

/**
 * One stage of the board: a drop target with its deal count, win probability and a page of
 * cards; "Show more" loads the next page with the cursor.
 *
 * @example
 * ```tsx
 * <BoardColumn stage={stage} stages={stages} column={columns[stage.id]} entity={deal} stays={stays} owners={owners} now={now} pendingId={null} onMove={move} onMore={() => loadMore(stage.id)} />
 * ```
 */
export function BoardColumn(p: BoardColumnProps) {
  const { t, i18n } = useTranslation();
  const { setNodeRef, isOver } = useDroppable({ id: p.stage.id, data: { stage: p.stage } });
  const c = p.column;
  const headingId = `column-${p.stage.id}`;
  const count = c?.total ?? c?.items.length ?? 0;
  return (
    <section ref={setNodeRef} className={`board-column${isOver ? ' over' : ''}`} aria-labelledby={headingId} data-stage={p.stage.id} data-testid={`column-${p.stage.id}`}>
      <h2 id={headingId}>
        <span>{p.stage.label}</span>
        <span className="muted" data-testid="column-count">{t('board.count', { count, formatted: new Intl.NumberFormat(i18n.language).format(count) })}</span>
      </h2>
      {p.stage.probability !== undefined && <p className="muted">{Math.round(p.stage.probability * 100)}%</p>}
      {c?.error && <p role="alert" className="field-error">{c.error}</p>}
      <ol aria-label={p.stage.label}>
        {c?.items.map((deal) => (
          <DealCard
            key={deal.id}
            deal={deal}
            entity={p.entity}
            stage={p.stage}
            stages={p.stages}
            stay={p.stays.get(deal.id)}
            ownerName={deal.owner ? p.owners.get(deal.owner) : undefined}
            now={p.now}
            pending={p.pendingId === deal.id}
            onMove={p.onMove}
          />
        ))}
      </ol>
      {c && !c.loading && c.items.length === 0 && <p className="muted">{t('board.empty')}</p>}
      {c?.loading && <p role="status" className="muted">{t('status.loading')}</p>}
      {c?.cursor && !c.loading && <button type="button" onClick={p.onMore}>{t('board.loadMore')}</button>}
    </section>
  );
}
