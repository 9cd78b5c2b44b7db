import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { drillBody, type Period } from '@pipewright/core/dashboards';
import type { RecordView } from '@pipewright/core/api';
import { ApiError } from '../api/problem';
import { useEntities } from '../app/entities-context';
import { RecordTable } from '../entities/RecordTable';
import { dashboardsApi } from './api';
import type { DrillTarget } from './WidgetCard';

const PAGE = 50;

/**
 * The records behind one figure (`POST /api/metrics/records` with the widget's query and the
 * figure's cell), newest first, in the entity's list columns, each linking to its record
 * page; more load on demand.
 *
 * @example
 * ```tsx
 * {drill && <DrillPanel target={drill} period={period} onClose={() => setDrill(null)} />}
 * ```
 */
export function DrillPanel({ target, period, onClose }: { target: DrillTarget; period: Period; onClose: () => void }) {
  const { t } = useTranslation();
  const { entities } = useEntities();
  const [items, setItems] = useState<RecordView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [message, setMessage] = useState('');

  const load = (after: string | null, signal?: AbortSignal) => {
    setState('loading');
    dashboardsApi
      .records(drillBody(target.widget, period, target.metric, target.row, { limit: PAGE, ...(after ? { cursor: after } : {}) }), signal)
      .then((page) => {
        setItems((prev) => (after ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setState('ready');
      })
      .catch((err: unknown) => {
        if (signal?.aborted) return;
        setMessage(err instanceof ApiError ? err.problem.detail : String(err));
        setState('failed');
      });
  };
  useEffect(() => {
    const abort = new AbortController();
    setItems([]);
    load(null, abort.signal);
    return () => abort.abort();
  }, [target]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const entity = entities.find((e) => e.fullId === items[0]?.type);

  return (
    <aside className="drill-panel panel" role="dialog" aria-modal="false" aria-labelledby="drill-title">
      <div className="page-head">
        <h2 id="drill-title">{t('dashboards.drill.title', { figure: target.label })}</h2>
        <button type="button" onClick={onClose}>{t('dashboards.drill.close')}</button>
      </div>
      {state === 'failed' && <p role="alert" className="text-danger">{t('dashboards.drill.failed', { message })}</p>}
      {state === 'ready' && items.length === 0 && <p className="muted">{t('dashboards.drill.empty')}</p>}
      {entity && items.length > 0 && <RecordTable entity={entity} records={items} />}
      <div className="pager">
        <span role="status" className="muted">{state === 'loading' ? t('status.loading') : t('dashboards.drill.shown', { count: items.length })}</span>
        {cursor && state !== 'loading' && <button type="button" onClick={() => load(cursor)}>{t('dashboards.drill.more')}</button>}
      </div>
    </aside>
  );
}
