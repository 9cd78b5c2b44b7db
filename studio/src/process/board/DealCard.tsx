import { useDraggable } from '@dnd-kit/core';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { OpenStay, StageDefinition } from '../../api/processes';
import type { EntityInfo, FieldInfo, RecordView } from '../../api/types';
import { fieldLabel, formatValue, listColumns, recordTitle } from '../../entities/format';
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
 * The fields a card shows besides the title: the first money field and the first date field of
 * the entity's list columns (a deal's amount and expected close date).
 *
 * @example
 * ```ts
 * cardFields(deal); // { amount: <amount>, date: <expected_close_date> }
 * ```
 */
export function cardFields(entity: EntityInfo): { amount: FieldInfo | undefined; date: FieldInfo | undefined } {
  const columns = listColumns(entity).filter((f) => f.name !== entity.titleField);
  return { amount: columns.find((f) => f.format === 'money'), date: columns.find((f) => f.format === 'date' || f.format === 'date-time') };
}

/**
 * The face of a card: title (link to the detail), its money and date fields, owner, and
 * days in stage coloured by the stage's SLA. Shared by the card and its drag overlay.
 *
 * @example
 * ```tsx
 * <DragOverlay><DealCardFace deal={deal} entity={dealEntity} stage={stage} stay={stay} ownerName="Ana" now={now} /></DragOverlay>
 * ```
 */
export function DealCardFace({ deal, entity, stage, stay, ownerName, now }: Pick<DealCardProps, 'deal' | 'entity' | 'stage' | 'stay' | 'ownerName' | 'now'>) {
  const { t, i18n } = useTranslation();
  const { amount: amountField, date: dateField } = cardFields(entity);
  const amount = amountField ? formatValue(amountField, deal.data[amountField.name], i18n.language) : '';
  const close = dateField ? formatValue(dateField, deal.data[dateField.name], i18n.language) : '';
  const sla = slaStatus(stay?.enteredAt ?? deal.createdAt, now, stage.sla, stay?.dueAt);
  const title = recordTitle(entity, deal.data, deal.id);
  return (
    <>
      <Link href={`/records/${deal.type}/${deal.id}`} className="card-title">{title}</Link>
      <div className="card-meta">
        {amount && <span data-testid="card-amount">{amount}</span>}
        {close && dateField && <span>{t('board.dated', { field: fieldLabel(entity, dateField.name), date: close })}</span>}
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
