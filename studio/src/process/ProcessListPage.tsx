import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useEntities } from '../app/entities-context';
import { processApi, type ProcessSummary } from '../api/processes';
import { formatDateTime } from '../entities/format';
import { NewProcessForm } from './NewProcessForm';
import { useIsAdmin } from './use-admin';
import { processText } from '../plugins/localize';

/**
 * Every process, by entity, with its publication state; links to the designer and the board.
 *
 * @example
 * ```tsx
 * <Route path="/processes" component={ProcessListPage} />
 * ```
 */
export function ProcessListPage() {
  const { t, i18n } = useTranslation();
  const { byId } = useEntities();
  const admin = useIsAdmin();
  const [items, setItems] = useState<ProcessSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    processApi.list(undefined, ctrl.signal).then((r) => setItems(r.items)).catch((err: unknown) => !ctrl.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
    return () => ctrl.abort();
  }, []);
  return (
    <section aria-labelledby="processes-title">
      <h1 id="processes-title">{t('processes.title')}</h1>
      {admin && <NewProcessForm />}
      {error && <p role="alert" className="field-error">{error}</p>}
      {!items && !error && <p role="status">{t('status.loading')}</p>}
      {items?.length === 0 && <p>{t('processes.empty')}</p>}
      <ul className="card-grid">
        {items?.map((p) => (
          <li key={p.id} className="panel">
            <h2><Link href={`/processes/${p.id}`}>{processText(p.label, i18n.language)}</Link></h2>
            <p className="muted">{p.id} · {byId.get(p.entity)?.label ?? p.entity}</p>
            <p>{p.latestVersion === null ? t('processes.unpublished') : t('processes.published', { version: p.latestVersion })}</p>
            <p className="muted">{t('processes.updated', { at: formatDateTime(p.updatedAt, i18n.language), by: p.updatedBy })}</p>
            <p className="actions">
              <Link href={`/processes/${p.id}`} className="button">{t('processes.design')}</Link>
              {byId.get(p.entity)?.stageful && <Link href={`/board?process=${p.id}`} className="button">{t('processes.board')}</Link>}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
