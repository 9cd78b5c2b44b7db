import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { useEntities } from '../../app/entities-context';
import { processApi, type ProcessDefinition, type ProcessDetail } from '../../api/processes';
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
  // a new draft from outside the designer (the plugin's version) opens it anew
  const [generation, setGeneration] = useState(0);
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
      {admin && <ShippedVersion detail={detail} onLoaded={(d) => { setDetail(d); setGeneration((g) => g + 1); }} />}
      <ProcessDesigner key={`${detail.id}:${generation}`} detail={detail} entity={byId.get(detail.entity)} readOnly={!admin} onSaved={setDetail} />
    </section>
  );
}

/**
 * When the process's plugin ships a version other than the draft (an admin changed the draft, so
 * an upgrade kept it), says so and offers to replace the draft with the plugin's, after a
 * confirmation. Publishing stays the admin's step.
 */
function ShippedVersion({ detail, onLoaded }: { detail: ProcessDetail; onLoaded: (d: ProcessDetail) => void }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<number | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  if (done !== null) return <p role="status" className="notice-ok" data-testid="shipped-loaded">{t('processes.shipped.loaded', { revision: done })}</p>;
  if (!detail.shipped) return null;
  const plugin = detail.source.startsWith('plugin:') ? detail.source.slice('plugin:'.length) : detail.source;
  const replace = async () => {
    setBusy(true);
    setFailed(null);
    try {
      const saved = await processApi.saveDraft(detail.id, detail.shipped as ProcessDefinition, detail.draftRevision);
      setDone(saved.draftRevision);
      onLoaded(saved);
    } catch (err) {
      setFailed(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div role="note" className="notice-box" data-testid="shipped-version">
      <p>{t('processes.shipped.note', { plugin })}</p>
      {!asking && <button type="button" onClick={() => setAsking(true)}>{t('processes.shipped.load')}</button>}
      {asking && (
        <div role="group" aria-label={t('processes.shipped.load')}>
          <p>{t('processes.shipped.confirm')}</p>
          <button type="button" disabled={busy} onClick={() => void replace()}>{t('processes.shipped.replace')}</button>{' '}
          <button type="button" disabled={busy} onClick={() => setAsking(false)}>{t('processes.shipped.cancel')}</button>
        </div>
      )}
      {failed && <p role="alert" className="field-error">{failed}</p>}
    </div>
  );
}
