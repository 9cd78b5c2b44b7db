import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { useEntities } from '../../app/entities-context';
import { processApi, type ProcessDetail } from '../../api/processes';
import { useIsAdmin } from '../use-admin';
import { ProcessDesigner } from './ProcessDesigner';
import { processText } from '../../plugins/localize';

/**
 * Loads a process and opens it in the designer (read-only for non-admins).
 *
 * @example
 * ```tsx
 * <Route path="/processes/:id" component={DesignerPage} />
 * ```
 */
export function DesignerPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams<{ id: string }>();
  const { byId } = useEntities();
  const admin = useIsAdmin();
  const [detail, setDetail] = useState<ProcessDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    setDetail(null);
    processApi.get(id, ctrl.signal).then(setDetail).catch((err: unknown) => !ctrl.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
    return () => ctrl.abort();
  }, [id]);
  if (error) return <p role="alert" className="field-error">{error}</p>;
  if (!detail) return <p role="status">{t('status.loading')}</p>;
  return (
    <section aria-labelledby="designer-title">
      <nav aria-label={t('nav.breadcrumb')} className="breadcrumb">
        <Link href="/processes">{t('processes.title')}</Link>
      </nav>
      <div className="page-head">
        <h1 id="designer-title">{processText(detail.draft.label, i18n.language)}</h1>
        <span className="muted">{detail.id} · {byId.get(detail.entity)?.label ?? detail.entity}</span>
      </div>
      {!admin && <p className="muted" role="note">{t('processes.readOnly')}</p>}
      <ProcessDesigner key={detail.id} detail={detail} entity={byId.get(detail.entity)} readOnly={!admin} onSaved={setDetail} />
    </section>
  );
}
