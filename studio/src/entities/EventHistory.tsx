import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { EntityInfo, RecordEvent } from '../api/types';
import { fieldLabel, formatDateTime } from './format';

/**
 * The names of the body fields an event changed.
 *
 * @example
 * ```ts
 * changedFields({ data: { a: 1 } }, { data: { a: 2, b: 1 } }); // ['a', 'b']
 * ```
 */
export function changedFields(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string[] {
  const b = ((before?.data ?? {}) as Record<string, unknown>) ?? {};
  const a = ((after?.data ?? {}) as Record<string, unknown>) ?? {};
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
}

/**
 * A record's audit trail, newest first: who did what, when, and which fields changed.
 *
 * @example
 * ```tsx
 * <EventHistory entity={deal} recordId={id} version={record.version} />
 * ```
 */
export function EventHistory({ entity, recordId, version }: { entity: EntityInfo; recordId: string; version: number }) {
  const { t, i18n } = useTranslation();
  const [events, setEvents] = useState<RecordEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    api
      .events(entity.fullId, recordId, ctrl.signal)
      .then((r) => setEvents([...r.items].reverse()))
      .catch((err: unknown) => !ctrl.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
    return () => ctrl.abort();
  }, [entity.fullId, recordId, version]);

  return (
    <section className="panel" aria-labelledby="history-title">
      <h2 id="history-title">{t('history.title')}</h2>
      {error && <p role="alert" className="field-error">{error}</p>}
      {!events && !error && <p role="status">{t('status.loading')}</p>}
      {events?.length === 0 && <p className="muted">{t('history.empty')}</p>}
      <ol className="history">
        {events?.map((e) => {
          const changed = changedFields(e.before, e.after);
          return (
            <li key={e.id}>
              <p>
                <strong>{t(`history.actions.${e.action}`, { defaultValue: e.action })}</strong>{' '}
                <span className="muted">{t('history.by', { actor: e.actor, at: formatDateTime(e.at, i18n.language) })}</span>
              </p>
              {changed.length > 0 && (
                <p className="muted">{t('history.changed', { fields: changed.map((f) => fieldLabel(entity, f)).join(', ') })}</p>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
