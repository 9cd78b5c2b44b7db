import { useDraggable } from '@dnd-kit/core';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { OpenStay, StageDefinition } from '../../api/processes';
import type { EntityInfo, RecordView } from '../../api/types';
import { formatValue, recordTitle } from '../../entities/format';
import { MoveMenu } from './MoveMenu';
import { slaStatus } from './sla';
import type { OfferedMove, useAvailableMoves } from './use-available';

/** Props of {@link DealCard}. */
export interface DealCardProps {
  deal: RecordView;
  entity: EntityInfo;
  stage: StageDefinition;
  stay: OpenStay | undefined;
  ownerName: string | undefined;
  now: Date;
  pending: boolean;
  /** The moves the server offers a deal (see {@link useAvailableMoves}). */
  load(deal: RecordView): Promise<OfferedMove[]>;
  onMove(deal: RecordView, to: string, transition: string | null, missing: OfferedMove['missing']): void;
}

/**
 * The face of a deal card: title (link to the detail), amount, expected close date, owner, and
 * days in stage coloured by the stage's SLA. Shared by the card and its drag overlay.
 *
 * @example
 * ```tsx
 * <DragOverlay><DealCardFace deal={deal} entity={dealEntity} stage={stage} stay={stay} ownerName="Ana" now={now} /></DragOverlay>
 * ```
 */
export function DealCardFace({ deal, entity, stage, stay, ownerName, now }: Pick<DealCardProps, 'deal' | 'entity' | 'stage' | 'stay' | 'ownerName' | 'now'>) {
  const { t, i18n } = useTranslation();
  const field = (name: string) => entity.fields.find((f) => f.name === name);
  const amount = formatValue(field('amount'), deal.data.amount, i18n.language);
  const close = formatValue(field('expected_close_date'), deal.data.expected_close_date, i18n.language);
  const sla = slaStatus(stay?.enteredAt ?? deal.createdAt, now, stage.sla, stay?.dueAt);
  const title = recordTitle(entity, deal.data, deal.id);
  return (
    <>
      <Link href={`/records/${deal.type}/${deal.id}`} className="card-title">{title}</Link>
      <div className="card-meta">
        {amount && <span>{amount}</span>}
        {close && <span>{t('board.closes', { date: close })}</span>}
        <span>{ownerName ?? deal.owner ?? t('board.unowned')}</span>
      </div>
      {stage.kind === 'open' && (
        <div className="card-meta">
          <span className="sla-text">
            {t('board.days', { count: sla.days })}
            {sla.state === 'warn' && ` · ${t('board.slaWarn')}`}
            {sla.state === 'breached' && ` · ${t('board.slaBreached')}`}
          </span>
        </div>
      )}
    </>
  );
}

/**
 * A draggable deal card with a "Move to…" menu (the moves the server offers this user) as the
 * keyboard-accessible alternative to dragging.
 *
 * @example
 * ```tsx
 * <DealCard deal={deal} entity={dealEntity} stage={stage} stay={stay} ownerName="Ana" now={now} pending={false} load={available} onMove={move} />
 * ```
 */
export const DealCard = memo(function DealCard(p: DealCardProps) {
  const { t } = useTranslation();
  const { setNodeRef, listeners, isDragging } = useDraggable({ id: p.deal.id, data: { deal: p.deal } });
  const sla = slaStatus(p.stay?.enteredAt ?? p.deal.createdAt, p.now, p.stage.sla, p.stay?.dueAt);
  const title = recordTitle(p.entity, p.deal.data, p.deal.id);
  const classes = ['deal-card', `sla-${sla.state}`, isDragging ? 'dragging' : '', p.pending ? 'pending' : ''].filter(Boolean).join(' ');
  return (
    <li ref={setNodeRef} className={classes} data-deal={p.deal.id} data-testid="deal-card" aria-busy={p.pending} {...listeners}>
      <DealCardFace {...p} />
      <MoveMenu record={p.deal} label={t('board.moveLabel', { deal: title })} pending={p.pending} load={p.load} onMove={p.onMove} />
    </li>
  );
});
