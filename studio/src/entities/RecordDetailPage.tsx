import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'wouter';
import { useEntities } from '../app/entities-context';
import { api } from '../api/client';
import { ApiError } from '../api/problem';
import type { RecordView } from '../api/types';
import { ActivityTimeline } from '../process/deal/ActivityTimeline';
import { StagePanel } from '../process/deal/StagePanel';
import { EventHistory } from './EventHistory';
import { fieldLabel, formatDateTime, formatValue, recordTitle } from './format';
import { orderedFields } from './ordered-fields';
import { useReferenceTitles } from './use-reference-titles';

/**
 * One record: its fields, system columns, and audit trail; links to edit, and delete.
 *
 * @example
 * ```tsx
 * <Route path="/records/:type/:id" component={RecordDetailPage} />
 * ```
 */
export function RecordDetailPage() {
  const { t, i18n } = useTranslation();
  const { type = '', id = '' } = useParams<{ type: string; id: string }>();
  const [, navigate] = useLocation();
  const { byId } = useEntities();
  const entity = byId.get(type);
  const [record, setRecord] = useState<RecordView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const titles = useReferenceTitles(entity, record ? [record.data] : []);

  useEffect(() => {
    const ctrl = new AbortController();
    api.get(type, id, ctrl.signal).then(setRecord).catch((err: unknown) => !ctrl.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
    return () => ctrl.abort();
  }, [type, id]);

  if (!entity) return <p role="alert">{t('errors.unknownEntity', { type })}</p>;
  if (error) return <p role="alert" className="field-error">{error}</p>;
  if (!record) return <p role="status">{t('status.loading')}</p>;

  async function remove() {
    if (!record || !window.confirm(t('records.confirmDelete'))) return;
    try {
      await api.remove(type, id, record.version);
      navigate(`/records/${type}`);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  }
  const yesNo: [string, string] = [t('forms.yes'), t('forms.no')];
  const fields = orderedFields(entity);

  return (
    <article aria-labelledby="record-title">
      <nav aria-label={t('nav.breadcrumb')} className="breadcrumb">
        <Link href={`/records/${type}`}>{entity.labelPlural}</Link>
      </nav>
      <div className="page-head">
        <h1 id="record-title">{recordTitle(entity, record.data, record.id)}</h1>
        <div className="actions">
          <Link href={`/records/${type}/${id}/edit`} className="button primary">{t('actions.edit')}</Link>
          <button type="button" className="danger" onClick={() => void remove()}>{t('actions.delete')}</button>
        </div>
      </div>
      <section className="panel" aria-labelledby="fields-title">
        <h2 id="fields-title">{t('records.fields')}</h2>
        <dl className="fields">
          {fields.map((f) => {
            const raw = record.data[f.name];
            const ref = entity.references?.[f.name];
            return (
              <div key={f.name} className="field-row">
                <dt>{fieldLabel(entity, f.name)}</dt>
                <dd>
                  {ref && typeof raw === 'string' ? (
                    <Link href={`/records/${ref.entity}/${raw}`}>{titles.get(raw) ?? raw}</Link>
                  ) : (
                    formatValue(f, raw, i18n.language, yesNo) || <span className="muted">{t('records.noValue')}</span>
                  )}
                </dd>
              </div>
            );
          })}
        </dl>
      </section>
      <section className="panel" aria-labelledby="system-title">
        <h2 id="system-title">{t('records.system')}</h2>
        <dl className="fields">
          {record.stage !== null && (
            <div className="field-row"><dt>{t('records.stage')}</dt><dd>{record.stage}</dd></div>
          )}
          <div className="field-row"><dt>{t('records.owner')}</dt><dd>{record.owner ?? '—'}</dd></div>
          <div className="field-row"><dt>{t('records.version')}</dt><dd>{record.version}</dd></div>
          <div className="field-row"><dt>{t('records.created')}</dt><dd>{formatDateTime(record.createdAt, i18n.language)} · {record.createdBy}</dd></div>
          <div className="field-row"><dt>{t('records.updated')}</dt><dd>{formatDateTime(record.updatedAt, i18n.language)} · {record.updatedBy}</dd></div>
        </dl>
      </section>
      {entity.stageful && <StagePanel entity={entity} record={record} onChanged={setRecord} />}
      {entity.stageful && <ActivityTimeline recordType={entity.fullId} recordId={record.id} version={record.version} />}
      <EventHistory entity={entity} recordId={record.id} version={record.version} />
    </article>
  );
}
