import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useEntities } from '../../app/entities-context';
import { api } from '../../api/client';
import type { RecordView } from '../../api/types';
import { formatValue, recordTitle } from '../../entities/format';

/** The activity entity of the crm plugin and the field that links an activity to a deal. */
const ACTIVITY = 'crm.activity';
const LINK_FIELD = 'deal_id';

/**
 * The activities logged against a record (newest first), when the crm plugin's activity entity
 * links to the record's entity.
 *
 * @example
 * ```tsx
 * <ActivityTimeline recordType="pipeline.deal" recordId={id} />
 * ```
 */
export function ActivityTimeline({ recordType, recordId, version }: { recordType: string; recordId: string; version: number }) {
  const { t, i18n } = useTranslation();
  const { byId } = useEntities();
  const activity = byId.get(ACTIVITY);
  const linked = activity?.references?.[LINK_FIELD]?.entity === recordType;
  const [items, setItems] = useState<RecordView[] | null>(null);
  useEffect(() => {
    if (!linked) return;
    const ctrl = new AbortController();
    api.list(ACTIVITY, { filters: [{ field: LINK_FIELD, op: 'eq', value: recordId }], sort: '-createdAt', limit: 20 }, ctrl.signal).then((p) => setItems(p.items)).catch(() => setItems([]));
    return () => ctrl.abort();
  }, [linked, recordId, version]);
  if (!linked || !activity) return null;
  const field = (n: string) => activity.fields.find((f) => f.name === n);
  return (
    <section className="panel" aria-labelledby="activities-title" data-testid="activity-timeline">
      <h2 id="activities-title">{t('deal.activities')}</h2>
      {items === null && <p role="status">{t('status.loading')}</p>}
      {items?.length === 0 && <p className="muted">{t('deal.activitiesEmpty')}</p>}
      <ol className="history">
        {items?.map((a) => (
          <li key={a.id}>
            <p>
              <strong>{formatValue(field('kind'), a.data.kind, i18n.language)}</strong>{' '}
              <Link href={`/records/${ACTIVITY}/${a.id}`}>{recordTitle(activity, a.data, a.id)}</Link>
            </p>
            <p className="muted">{formatValue(field('occurred_at'), a.data.occurred_at, i18n.language) || formatValue(field('due_date'), a.data.due_date, i18n.language)}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
