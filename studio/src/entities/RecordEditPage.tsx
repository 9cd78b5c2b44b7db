import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import { useEntities } from '../app/entities-context';
import { api } from '../api/client';
import type { RecordView } from '../api/types';
import { recordTitle } from './format';
import { mergePatch } from '../forms/merge-patch';
import { RecordForm } from '../forms/RecordForm';
import type { ApprovalInfo } from '../approvals/api';
import { useUserNames } from '../app/user-names';
import { processText } from '../plugins/localize';

/**
 * Edit a record (merge patch with If-Match). `?fields=a,b` renders only those fields. A change
 * that waits for approval (202, ADR 028 addendum) is not saved: the page says who it waits for.
 *
 * @example
 * ```tsx
 * <Route path="/records/:type/:id/edit" component={RecordEditPage} />
 * ```
 */
export function RecordEditPage() {
  const { t, i18n } = useTranslation();
  const names = useUserNames();
  const { type = '', id = '' } = useParams<{ type: string; id: string }>();
  const [held, setHeld] = useState<ApprovalInfo | null>(null);
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
      {held?.edit && (
        <div className="panel" role="status" data-testid="edit-held">
          <p>{t('approvals.editHeld', { approvers: held.approvers.map((u) => names.get(u) ?? u).join(', '), rule: processText(held.edit.label, i18n.language) })}</p>
          <p>
            <Link href="/approvals?box=requested">{t('approvals.view')}</Link> · <Link href={`/records/${type}/${id}`}>{t('approvals.backToRecord')}</Link>
          </p>
        </div>
      )}
      {!held && <div className="panel">
        <RecordForm
          entity={entity}
          initialData={record.data}
          {...(fields ? { fields } : {})}
          submitLabel={t('actions.save')}
          onSubmit={async (data) => {
            const before = fields ? Object.fromEntries(fields.map((f) => [f, record.data[f]])) : record.data;
            const patch = mergePatch(before, fields ? Object.fromEntries(fields.map((f) => [f, data[f]])) : data);
            const saved = await api.update(type, id, record.version, patch);
            // A change an entity approval applies to is held (202): say who it waits for.
            if ('approval' in saved) setHeld(saved.approval);
            else navigate(`/records/${type}/${id}`);
          }}
          onCancel={() => navigate(`/records/${type}/${id}`)}
        />
      </div>}
    </section>
  );
}
