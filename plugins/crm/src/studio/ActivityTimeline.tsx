import type { RecordPanelProps, StudioHost, StudioRecord } from '@pipewright/plugin-sdk/studio';
import { LOGGED_EVENT } from './AccountOverview';
import { ACTIVITY, linkFields } from './ids';

/**
 * The activity timeline record panel: the activities logged against the record (newest first),
 * through the activity's first reference field that points at the record's entity.
 *
 * @example
 * ```ts
 * recordPanels: [{ id: 'activities', entities: (e, all) => linkFields(all.get(ACTIVITY), e.fullId).length > 0, component: activityTimeline(host) }]
 * ```
 */
export function activityTimeline({ React, api, ui, useT, useLanguage, useEntities }: StudioHost) {
  return function ActivityTimeline({ entity, record }: RecordPanelProps) {
    const t = useT();
    const language = useLanguage();
    const { byId } = useEntities();
    const activity = byId.get(ACTIVITY);
    const link = linkFields(activity, entity.fullId)[0];
    const [items, setItems] = React.useState<StudioRecord[] | null>(null);
    const [tick, setTick] = React.useState(0);
    React.useEffect(() => {
      const reload = () => setTick((n) => n + 1);
      window.addEventListener(LOGGED_EVENT, reload);
      return () => window.removeEventListener(LOGGED_EVENT, reload);
    }, []);
    React.useEffect(() => {
      if (!link) return;
      const ctrl = new AbortController();
      api.list(ACTIVITY, { filters: [{ field: link, op: 'eq', value: record.id }], sort: '-createdAt', limit: 20 }, ctrl.signal).then((p) => setItems(p.items)).catch(() => !ctrl.signal.aborted && setItems([]));
      return () => ctrl.abort();
    }, [link, record.id, record.version, tick]);
    if (!link || !activity) return null;
    const field = (n: string) => activity.fields.find((f) => f.name === n);
    return (
      <ui.Panel title={t('activities.title')} testId="activity-timeline">
        {items === null && <p role="status">{t('activities.loading')}</p>}
        {items?.length === 0 && <p className="muted">{t('activities.empty', { entity: entity.label.toLocaleLowerCase(language) })}</p>}
        <ol className="history">
          {items?.map((a) => (
            <li key={a.id}>
              <p>
                <strong>{ui.formatValue(field('kind'), a.data.kind, language)}</strong>{' '}
                <ui.Link href={`/records/${ACTIVITY}/${a.id}`}>{ui.recordTitle(activity, a.data, a.id)}</ui.Link>
              </p>
              <p className="muted">{ui.formatValue(field('occurred_at'), a.data.occurred_at, language) || ui.formatValue(field('due_date'), a.data.due_date, language)}</p>
            </li>
          ))}
        </ol>
      </ui.Panel>
    );
  };
}
