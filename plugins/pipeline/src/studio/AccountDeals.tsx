import type { RecordPanelProps, StudioHost, StudioRecord } from '@pipewright/plugin-sdk/studio';
import { DEAL } from './ids';

/**
 * The deals of an account (newest first), with their stage and expected value: a record panel
 * on the pages of the entity deals reference through `account_id`.
 *
 * @example
 * ```ts
 * recordPanels: [{ id: 'deals', entities: ['crm.account'], component: accountDeals(host) }]
 * ```
 */
export function accountDeals({ React, api, ui, useT, useLanguage, useEntities }: StudioHost) {
  return function AccountDeals({ record }: RecordPanelProps) {
    const t = useT();
    const language = useLanguage();
    const deal = useEntities().byId.get(DEAL);
    const [items, setItems] = React.useState<StudioRecord[] | null>(null);
    React.useEffect(() => {
      const ctrl = new AbortController();
      api.list(DEAL, { filters: [{ field: 'account_id', op: 'eq', value: record.id }], sort: '-createdAt', limit: 20 }, ctrl.signal).then((p) => setItems(p.items)).catch(() => !ctrl.signal.aborted && setItems([]));
      return () => ctrl.abort();
    }, [record.id]);
    if (!deal) return null;
    const amount = deal.fields.find((f) => f.name === 'amount');
    return (
      <ui.Panel title={t('deals.title')} testId="account-deals">
        {items === null && <p role="status">{t('deals.loading')}</p>}
        {items?.length === 0 && <p className="muted">{t('deals.empty')}</p>}
        <ul className="history">
          {items?.map((d) => (
            <li key={d.id}>
              <ui.Link href={`/records/${DEAL}/${d.id}`}>{ui.recordTitle(deal, d.data, d.id)}</ui.Link>
              <span className="muted">
                {' · '}
                {t('deals.stage')}: {d.stage ? (deal.stageLabels?.[d.stage] ?? d.stage) : '—'}
                {ui.formatValue(amount, d.data.amount, language) ? ` · ${ui.formatValue(amount, d.data.amount, language)}` : ''}
              </span>
            </li>
          ))}
        </ul>
      </ui.Panel>
    );
  };
}
