import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecordView } from '../../api/types';
import type { OfferedMove } from './use-available';

/** Props of {@link MoveMenu}. */
export interface MoveMenuProps {
  record: RecordView;
  /** Accessible name of the menu. */
  label: string;
  pending: boolean;
  load(record: RecordView): Promise<OfferedMove[]>;
  onMove(record: RecordView, to: string, transition: string | null, missing: OfferedMove['missing']): void;
}

/**
 * The "Move to…" menu of a record: it asks the server which moves are open to this user from the
 * record's stage (in the record's own process version) when it is opened, and offers exactly
 * those; a move its guard blocks is shown disabled with the process's explanation.
 *
 * @example
 * ```tsx
 * <MoveMenu record={deal} label="Move Acme" pending={false} load={available} onMove={move} />
 * ```
 */
export function MoveMenu({ record, label, pending, load, onMove }: MoveMenuProps) {
  const { t } = useTranslation();
  const [moves, setMoves] = useState<{ version: number; items: OfferedMove[] } | { version: number; error: true } | null>(null);
  const current = moves && moves.version === record.version ? moves : null;
  const fetchMoves = () => {
    if (current) return;
    load(record).then(
      (items) => setMoves({ version: record.version, items }),
      () => setMoves({ version: record.version, error: true }),
    );
  };
  const items = current && 'items' in current ? current.items : null;
  return (
    <select
      aria-label={label}
      value=""
      disabled={pending}
      data-testid="move-menu"
      onPointerDown={(e) => { e.stopPropagation(); fetchMoves(); }}
      onFocus={fetchMoves}
      onKeyDown={(e) => e.stopPropagation()}
      onChange={(e) => {
        const m = items?.find((x) => x.key === e.target.value);
        if (m?.enabled) onMove(record, m.to, m.transition, m.missing);
      }}
    >
      <option value="">{pending ? t('board.moving') : t('board.moveTo')}</option>
      {!current && <option value="" disabled>{t('board.loadingMoves')}</option>}
      {current && 'error' in current && <option value="" disabled>{t('board.movesFailed')}</option>}
      {items?.length === 0 && <option value="" disabled>{t('board.noMoves')}</option>}
      {items?.map((m) => (
        <option key={m.key} value={m.key} disabled={!m.enabled} title={m.blockedBy ?? undefined}>
          {m.enabled ? m.label : t('board.moveBlocked', { move: m.label, reason: m.blockedBy ?? '' })}
        </option>
      ))}
    </select>
  );
}
