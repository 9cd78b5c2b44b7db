import { useCallback, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { processApi, type AvailableTransition, type AvailableTransitions } from '../../api/processes';
import type { RecordView } from '../../api/types';

/** A move the studio may offer: what the menu and drop targets are built from. */
export interface OfferedMove {
  /** `<to>|<transition id>`: the menu's option value. */
  key: string;
  to: string;
  transition: string | null;
  label: string;
  /** False when the guard fails and no field the form could fill would change that. */
  enabled: boolean;
  /** The guard's message when it fails (the process's own text). */
  blockedBy: string | null;
  /** Entry requirements the record does not meet yet: the form asks for these before moving. */
  missing: { fields: string[]; schema: Record<string, unknown> } | null;
}

/**
 * What to offer for each move the server lists: a move whose guard fails is still offered when
 * the target has missing fields (the form fills them and the guard is checked again with them);
 * a move whose guard fails with nothing to fill is shown disabled with the guard's message.
 *
 * @example
 * ```ts
 * offeredMoves(await processApi.available('acme.ticket', id)).filter((m) => m.enabled);
 * ```
 */
export function offeredMoves(a: AvailableTransitions): OfferedMove[] {
  const sameTarget = (t: AvailableTransition) => a.transitions.filter((x) => x.to === t.to).length > 1;
  return a.transitions.map((t) => ({
    key: `${t.to}|${t.id ?? ''}`,
    to: t.to,
    transition: t.id,
    label: t.id && (t.label !== t.toLabel || sameTarget(t)) ? `${t.label} → ${t.toLabel}` : t.toLabel,
    enabled: t.guard.passed || t.missing !== null,
    blockedBy: t.guard.passed ? null : t.guard.message,
    missing: t.missing,
  }));
}

/**
 * Loads (once per record version) the moves the server offers a record, for menus and drop
 * targets.
 *
 * @example
 * ```ts
 * const available = useAvailableMoves('acme.ticket');
 * const moves = await available(deal);
 * ```
 */
export function useAvailableMoves(type: string): (record: Pick<RecordView, 'id' | 'version'>) => Promise<OfferedMove[]> {
  const cache = useRef(new Map<string, Promise<OfferedMove[]>>());
  // labels and guard messages come in the studio's language: a switch asks again
  const { i18n } = useTranslation();
  const language = i18n.language;
  return useCallback(
    (record) => {
      const key = `${record.id}@${record.version}@${language}`;
      let hit = cache.current.get(key);
      if (!hit) {
        hit = processApi.available(type, record.id).then(offeredMoves);
        hit.catch(() => cache.current.delete(key));
        if (cache.current.size > 500) cache.current.clear();
        cache.current.set(key, hit);
      }
      return hit;
    },
    [type, language],
  );
}
