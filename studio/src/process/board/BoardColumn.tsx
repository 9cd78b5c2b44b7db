import { useDroppable } from '@dnd-kit/core';
import { useTranslation } from 'react-i18next';
import type { OpenStay, StageDefinition } from '../../api/processes';
import type { EntityInfo, RecordView } from '../../api/types';
import { DealCard, type CardDensity } from './DealCard';
import type { OfferedMove } from './use-available';
import type { ColumnState } from './use-board-columns';
import { processText } from '../../plugins/localize';
import type { MetricInfo } from '../../dashboards/api';
import { formatMetric, localText } from '../../dashboards/format';

/** Props of {@link BoardColumn}. */
export interface BoardColumnProps {
  stage: StageDefinition;
  /** The board's figures that have a value in this stage (e.g. open and weighted pipeline value). */
  values?: readonly { metric: MetricInfo; value: number }[];
  /** Shown beside the label for a stage only an older version of the process has. */
  note?: string;
  /** While a card is dragged: false when the dragged deal may not move here (not a drop target). */
  droppable: boolean;
  column: ColumnState | undefined;
  entity: EntityInfo;
  stays: ReadonlyMap<string, OpenStay>;
  /** Last touch of the loaded cards by record id, when something touches this entity (else the cards show none). */
  touches?: ReadonlyMap<string, string> | undefined;
  owners: ReadonlyMap<string, string>;
  now: Date;
  pendingId: string | null;
  density?: CardDensity;
  load(deal: RecordView): Promise<OfferedMove[]>;
  onMove(deal: RecordView, to: string, transition: string | null, missing: OfferedMove['missing']): void;
  onMore(): void;
}

/**
 * One stage of the board: a drop target with its deal count, win probability and a page of
 * cards; "Show more" loads the next page with the cursor.
 *
 * @example
 * ```tsx
 * <BoardColumn stage={stage} droppable column={columns[stage.id]} entity={deal} stays={stays} owners={owners} now={now} pendingId={null} load={available} onMove={move} onMore={() => loadMore(stage.id)} />
 * ```
 */
export function BoardColumn(p: BoardColumnProps) {
  const { t, i18n } = useTranslation();
  // Still a droppable when closed: a drop there is answered ("cannot be moved there") without asking the server.
  const { setNodeRef, isOver } = useDroppable({ id: p.stage.id, data: { stage: p.stage } });
  const c = p.column;
  const headingId = `column-${p.stage.id}`;
  const count = c?.total ?? c?.items.length ?? 0;
  return (
    <section ref={setNodeRef} className={`board-column${isOver && p.droppable ? ' over' : ''}${p.droppable ? '' : ' closed-target'}`} data-droppable={p.droppable} aria-labelledby={headingId} data-stage={p.stage.id} data-testid={`column-${p.stage.id}`}>
      <h2 id={headingId}>
        <span>{processText(p.stage.label, i18n.language)}{p.note && <span className="muted"> · {p.note}</span>}</span>
        <span className="muted" data-testid="column-count">{t('board.count', { count, formatted: new Intl.NumberFormat(i18n.language).format(count), entity: (count === 1 ? p.entity.label : p.entity.labelPlural).toLocaleLowerCase(i18n.language) })}</span>
      </h2>
      {p.stage.probability !== undefined && <p className="muted">{Math.round(p.stage.probability * 100)}%</p>}
      {p.values && p.values.length > 0 && (
        <dl className="column-values">
          {p.values.map(({ metric, value }) => (
            <div key={metric.id} data-metric={metric.id} data-value={value}>
              <dt>{localText(metric.label, i18n.language)}</dt>
              <dd>{formatMetric(value, metric, i18n.language, true)}</dd>
            </div>
          ))}
        </dl>
      )}
      {c?.error && <p role="alert" className="field-error">{c.error}</p>}
      <ol aria-label={processText(p.stage.label, i18n.language)}>
        {c?.items.map((deal) => (
          <DealCard
            key={deal.id}
            deal={deal}
            entity={p.entity}
            stage={p.stage}
            stay={p.stays.get(deal.id)}
            lastTouch={p.touches ? (p.touches.get(deal.id) ?? null) : undefined}
            ownerName={deal.owner ? p.owners.get(deal.owner) : undefined}
            now={p.now}
            pending={p.pendingId === deal.id}
            density={p.density ?? 'comfortable'}
            load={p.load}
            onMove={p.onMove}
          />
        ))}
      </ol>
      {c && !c.loading && c.items.length === 0 && <p className="muted">{t('board.empty', { entity: p.entity.labelPlural.toLocaleLowerCase(i18n.language) })}</p>}
      {c?.loading && <p role="status" className="muted">{t('status.loading')}</p>}
      {c?.cursor && !c.loading && <button type="button" onClick={p.onMore}>{t('board.loadMore')}</button>}
    </section>
  );
}
