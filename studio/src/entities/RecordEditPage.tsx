import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import { useEntities } from '../app/entities-context';
import { api } from '../api/client';
import type { RecordView } from '../api/types';
import { recordTitle } from './format';
import { mergePatch } from '../forms/merge-patch';
import { RecordForm } from '../forms/RecordForm';

/**
 * Edit a record (merge patch with If-Match). `?fields=a,b` renders only those fields.
 *
 * @example
 * ```tsx
 * <Route path="/records/:type/:id/edit" component={RecordEditPage} />
 * ```
 */
export function RecordEditPage() {
  const { t } = useTranslation();
  const { type = '', id = '' } = useParams<{ type: string; id: string }>();
  const only = new URLSearchParams(useSearch()).get('fields');
  const [, navigate] = useLocation();
  const entity = useEntities().byId.get(type);
  const [record, setRecord] = useState<RecordView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    api.get(type, id, ctrl.signal).then(setRecord).catch((err: unknown) => !ctrl.signal.aborted && setError(String(err instanceof Error ? err.message : err)));
    return () => ctrl.abort();
  }, [type, id]);

  if (!entity) return <p role="alert">{t('errors.unknownEntity', { type })}</p>;
  if (error) return <p role="alert" className="field-error">{error}</p>;
  if (!record) return <p role="status">{t('status.loading')}</p>;
  const fields = only ? only.split(',').filter(Boolean) : undefined;

  return (
    <section aria-labelledby="edit-title">
      <nav aria-label={t('nav.breadcrumb')} className="breadcrumb">
        <Link href={`/records/${type}`}>{entity.labelPlural}</Link> / <Link href={`/records/${type}/${id}`}>{recordTitle(entity, record.data, record.id)}</Link>
      </nav>
      <h1 id="edit-title">{t('records.edit', { title: recordTitle(entity, record.data, record.id) })}</h1>
      <div className="panel">
        <RecordForm
          entity={entity}
          initialData={record.data}
          {...(fields ? { fields } : {})}
          submitLabel={t('actions.save')}
          onSubmit={async (data) => {
            const before = fields ? Object.fromEntries(fields.map((f) => [f, record.data[f]])) : record.data;
            const patch = mergePatch(before, fields ? Object.fromEntries(fields.map((f) => [f, data[f]])) : data);
            await api.update(type, id, record.version, patch);
            navigate(`/records/${type}/${id}`);
          }}
          onCancel={() => navigate(`/records/${type}/${id}`)}
        />
      </div>
    </section>
  );
}
