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
  /** When the record was last touched (an ISO time; null: never; undefined: nothing touches this entity). */
  lastTouch?: string | null | undefined;
  ownerName: string | undefined;
  now: Date;
  pending: boolean;
  density?: CardDensity;
  /** The moves the server offers a deal (see {@link useAvailableMoves}). */
  load(deal: RecordView): Promise<OfferedMove[]>;
  onMove(deal: RecordView, to: string, transition: string | null, missing: OfferedMove['missing']): void;
}

/** How much a card shows: everything its entity names (comfortable) or title, amount and days only (compact). */
export type CardDensity = 'comfortable' | 'compact';

/**
 * The fields a card shows besides the title: the entity's `ui.cardFields`, else the first money
 * field and the first date field of its list columns (a deal's amount and expected close date).
 * `amount` is the first money field among them (the one a compact card keeps).
 *
 * @example
 * ```ts
 * cardFields(ticket); // { fields: [<due>, <next_step>], amount: undefined }
 * ```
 */
export function cardFields(entity: EntityInfo): { fields: FieldInfo[]; amount: FieldInfo | undefined } {
  const byName = new Map(entity.fields.map((f) => [f.name, f]));
  const named = entity.ui?.cardFields?.map((n) => byName.get(n)).filter((f): f is FieldInfo => f !== undefined);
  const columns = listColumns(entity).filter((f) => f.name !== entity.titleField);
  const fields = named ?? [columns.find((f) => f.format === 'money'), columns.find((f) => f.format === 'date' || f.format === 'date-time')].filter((f): f is FieldInfo => f !== undefined);
  return { fields, amount: fields.find((f) => f.format === 'money') };
}

/**
 * The face of a card: title (link to the detail), its card fields (a deal's next step among
 * them), owner, the last touch (date in the reader's locale) and days in stage coloured by the
 * stage's SLA; a compact card keeps the title, the amount and the days. Shared by the card and
 * its drag overlay.
 *
 * @example
 * ```tsx
 * <DragOverlay><DealCardFace deal={deal} entity={dealEntity} stage={stage} stay={stay} ownerName="Ana" now={now} density="compact" /></DragOverlay>
 * ```
 */
export function DealCardFace({ deal, entity, stage, stay, lastTouch, ownerName, now, density = 'comfortable' }: Pick<DealCardProps, 'deal' | 'entity' | 'stage' | 'stay' | 'lastTouch' | 'ownerName' | 'now' | 'density'>) {
  const { t, i18n } = useTranslation();
  const { fields, amount: amountField } = cardFields(entity);
  const amount = amountField ? formatValue(amountField, deal.data[amountField.name], i18n.language) : '';
  const sla = slaStatus(stay?.enteredAt ?? deal.createdAt, now, stage.sla, stay?.dueAt);
  const title = recordTitle(entity, deal.data, deal.id);
  const days = stage.kind === 'open' && (
    <span className="sla-text">
      {t('board.days', { count: sla.days })}
      {sla.state === 'warn' && ` · ${t('board.slaWarn')}`}
      {sla.state === 'breached' && ` · ${t('board.slaBreached')}`}
    </span>
  );
  if (density === 'compact') {
    return (
      <>
        <Link href={`/records/${deal.type}/${deal.id}`} className="card-title">{title}</Link>
        <div className="card-meta">
          {amount && <span data-testid="card-amount">{amount}</span>}
          {days}
        </div>
      </>
    );
  }
  return (
    <>
      <Link href={`/records/${deal.type}/${deal.id}`} className="card-title">{title}</Link>
      <div className="card-meta">
        {fields.map((f) => {
          const value = deal.data[f.name];
          if (value === undefined || value === null || value === '') return null;
          const shown = formatValue(f, value, i18n.language);
          if (f === amountField) return <span key={f.name} data-testid="card-amount">{shown}</span>;
          if (f.format === 'date' || f.format === 'date-time') return <span key={f.name} data-card-field={f.name}>{t('board.dated', { field: fieldLabel(entity, f.name), date: shown })}</span>;
          return <span key={f.name} data-card-field={f.name} className="card-text" title={fieldLabel(entity, f.name)}>{shown}</span>;
        })}
        <span>{ownerName ?? deal.owner ?? t('board.unowned')}</span>
      </div>
      {lastTouch !== undefined && (
        <div className="card-meta" data-testid="card-touch">
          {lastTouch ? <time dateTime={lastTouch}>{t('board.lastTouch', { date: touchDate(lastTouch, i18n.language) })}</time> : <span>{t('board.noTouch')}</span>}
        </div>
      )}
      {days && <div className="card-meta">{days}</div>}
    </>
  );
}

/**
 * A last touch's date in the reader's locale ("Nov 1, 2026", "2026年11月1日").
 *
 * @example
 * ```ts
 * touchDate('2026-11-01T09:30:00.000Z', 'zh-CN'); // '2026年11月1日'
 * ```
 */
export function touchDate(iso: string, language: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(d);
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
  const { setNodeRef, setActivatorNodeRef, listeners, isDragging } = useDraggable({ id: p.deal.id, data: { deal: p.deal } });
  // The pointer picks the whole card up; the keyboard only its handle (so Enter on the title link
  // still opens the record, and no interactive element nests inside another).
  const { onKeyDown, ...pointer } = (listeners ?? {}) as Record<string, (event: unknown) => void>;
  const sla = slaStatus(p.stay?.enteredAt ?? p.deal.createdAt, p.now, p.stage.sla, p.stay?.dueAt);
  const title = recordTitle(p.entity, p.deal.data, p.deal.id);
  const classes = ['deal-card', `sla-${sla.state}`, p.density === 'compact' ? 'compact' : '', isDragging ? 'dragging' : '', p.pending ? 'pending' : ''].filter(Boolean).join(' ');
  return (
    <li ref={setNodeRef} className={classes} data-deal={p.deal.id} data-testid="deal-card" aria-busy={p.pending} {...pointer}>
      <button type="button" ref={setActivatorNodeRef} className="card-handle" aria-label={t('board.handle', { deal: title })} aria-describedby="board-instructions" onKeyDown={onKeyDown}>
        <span aria-hidden="true">⠿</span>
      </button>
      <DealCardFace {...p} />
      <MoveMenu record={p.deal} label={t('board.moveLabel', { deal: title })} pending={p.pending} load={p.load} onMove={p.onMove} />
    </li>
  );
});
