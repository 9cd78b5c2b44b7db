import type { RecordPanelProps, StudioHost } from '@pipewright/plugin-sdk/studio';

/** Fired on `window` when a quick log wrote an activity, so panels reload. */
export const LOGGED_EVENT = 'crm:activity-logged';

interface Money {
  currency: string;
  amount: number;
}
export interface Overview {
  counts: Record<string, number>;
  openValue: Money[];
  wonValue: Money[];
  lastTouch: string | null;
  nextStep: { text: string; due: string | null; type: string; id: string } | null;
  timeline: { at: string; kind: 'activity' | 'deal' | 'stage' | 'contact'; type: string; id: string; title: string; detail: string | null }[];
  timelineTotal: number;
  /** 撞单: deals on the account owned by another rep than the account's owner. */
  collisions?: { id: string; title: string; owner: string; ownerName: string; stage: string | null }[];
}

const COUNTS: [key: string, type: string, field: string][] = [
  ['contacts', 'crm.contact', 'account_id'],
  ['deals', 'pipeline.deal', 'account_id'],
  ['openDeals', 'pipeline.deal', 'account_id'],
  ['wonDeals', 'pipeline.deal', 'account_id'],
  ['activities', 'crm.activity', 'account_id'],
  ['openTasks', 'crm.activity', 'account_id'],
];

const tile = { border: '1px solid var(--line)', borderRadius: 8, padding: '0.6rem 0.8rem', minWidth: 0 } as const;
const grid = { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(11rem, 1fr))', gap: '0.6rem', marginBottom: '1rem' } as const;

/**
 * The 360° account panel: open and won value, last touch and next step, the related records
 * with their counts, and one timeline of activities, deals, their stage moves and contacts
 * (from `GET /api/plugins/crm/accounts/:id/overview`). Reloads when a quick log writes.
 */
export function accountOverview({ React, api, ui, useT, useLanguage, useEntities }: StudioHost) {
  return function AccountOverview({ record }: RecordPanelProps) {
    const t = useT();
    const language = useLanguage();
    const { byId } = useEntities();
    const [data, setData] = React.useState<Overview | null>(null);
    const [failed, setFailed] = React.useState(false);
    const [tick, setTick] = React.useState(0);
    React.useEffect(() => {
      const reload = () => setTick((n) => n + 1);
      window.addEventListener(LOGGED_EVENT, reload);
      return () => window.removeEventListener(LOGGED_EVENT, reload);
    }, []);
    React.useEffect(() => {
      const ctrl = new AbortController();
      api
        .request<Overview>('GET', `/api/plugins/crm/accounts/${record.id}/overview`, { signal: ctrl.signal })
        .then((o) => {
          setData(o);
          setFailed(false);
        })
        .catch(() => !ctrl.signal.aborted && setFailed(true));
      return () => ctrl.abort();
    }, [record.id, record.version, tick]);
    const money = (list: Money[]) => (list.length === 0 ? t('overview.none') : list.map((m) => new Intl.NumberFormat(language, { style: 'currency', currency: m.currency, maximumFractionDigits: 0 }).format(m.amount)).join(' + '));
    const when = (iso: string | null) => (iso ? new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(new Date(iso)) : t('overview.none'));
    const stageLabel = (s: string | null) => (s ? (byId.get('pipeline.deal')?.stageLabels?.[s] ?? s) : '');
    const activity = byId.get('crm.activity');
    const kindLabel = (k: string | null) => (k ? ui.formatValue(activity?.fields.find((f) => f.name === 'kind'), k, language) : '');
    return (
      <ui.Panel title={t('overview.title')} testId="account-overview">
        {failed && <p className="field-error">{t('overview.failed')}</p>}
        {!data && !failed && <p role="status">{t('overview.loading')}</p>}
        {data && (
          <>
            <div style={grid}>
              <div style={tile} data-testid="overview-open-value">
                <div className="muted">{t('overview.openValue')}</div>
                <strong>{money(data.openValue)}</strong>
              </div>
              <div style={tile} data-testid="overview-won-value">
                <div className="muted">{t('overview.wonValue')}</div>
                <strong>{money(data.wonValue)}</strong>
              </div>
              <div style={tile} data-testid="overview-last-touch">
                <div className="muted">{t('overview.lastTouch')}</div>
                <strong>{when(data.lastTouch)}</strong>
              </div>
              <div style={tile} data-testid="overview-next-step">
                <div className="muted">{t('overview.nextStep')}</div>
                <strong>{data.nextStep ? <ui.Link href={`/records/${data.nextStep.type}/${data.nextStep.id}`}>{data.nextStep.text}</ui.Link> : t('overview.none')}</strong>
                {data.nextStep?.due && <div className="muted">{when(data.nextStep.due)}</div>}
              </div>
            </div>
            {(data.collisions?.length ?? 0) > 0 && (
              <div role="alert" className="field-error" data-testid="overview-collisions" style={{ border: '1px solid currentColor', borderRadius: 8, padding: '0.5rem 0.8rem', marginBottom: '1rem' }}>
                <strong>{t('collision.accountTitle', { n: data.counts.collisions ?? data.collisions?.length ?? 0 })}</strong>
                <ul style={{ margin: '0.3rem 0 0', paddingLeft: '1.2rem' }}>
                  {data.collisions?.map((c) => (
                    <li key={c.id}>
                      <ui.Link href={`/records/pipeline.deal/${c.id}`}>{c.title}</ui.Link> · {t('collision.ownedBy', { name: c.ownerName })}
                      {c.stage ? ` · ${stageLabel(c.stage)}` : ''}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <h3 style={{ fontSize: '1rem', margin: '0 0 0.4rem' }}>{t('overview.related')}</h3>
            <ul data-testid="overview-counts" style={{ display: 'flex', flexWrap: 'wrap', gap: '0.4rem 1.2rem', listStyle: 'none', padding: 0, margin: '0 0 1rem' }}>
              {COUNTS.filter(([, type]) => byId.has(type)).map(([key, type, field]) => (
                <li key={key} data-count={key} data-value={data.counts[key] ?? 0}>
                  <ui.Link href={`/records/${type}?filter[${field}]=${record.id}`}>{t(`overview.count.${key}`)}</ui.Link> <strong>{data.counts[key] ?? 0}</strong>
                </li>
              ))}
            </ul>
            <h3 style={{ fontSize: '1rem', margin: '0 0 0.4rem' }}>{t('overview.timeline')}</h3>
            {data.timeline.length === 0 && <p className="muted">{t('overview.timelineEmpty')}</p>}
            <ol className="history" data-testid="overview-timeline">
              {data.timeline.slice(0, 15).map((item, i) => (
                <li key={`${item.kind}-${item.id}-${i}`} data-kind={item.kind}>
                  <p>
                    <span className="muted">{when(item.at)}</span> · <strong>{t(`timeline.${item.kind}`)}</strong>{' '}
                    {item.kind === 'activity' && item.detail ? `${kindLabel(item.detail)}: ` : ''}
                    <ui.Link href={`/records/${item.type}/${item.id}`}>{item.title}</ui.Link>
                    {item.kind === 'stage' && item.detail ? ` → ${stageLabel(item.detail)}` : ''}
                  </p>
                </li>
              ))}
            </ol>
            {data.timelineTotal > 15 && <p className="muted">{t('overview.timelineMore', { shown: Math.min(15, data.timeline.length), total: data.timelineTotal })}</p>}
          </>
        )}
      </ui.Panel>
    );
  };
}
