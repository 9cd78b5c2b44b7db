import type { RecordPanelProps, StudioHost } from '@pipewright/plugin-sdk/studio';
import { contractCard } from './ContractCard';
import { BASE, formatMoney, problemMessage, type ContractRow } from './model';

/**
 * `/p/pipeline/contracts`: the contracts the reader sees, earliest next due date first, with
 * collected, outstanding and an overdue badge; a filter for the overdue ones.
 *
 * @example
 * ```ts
 * pages: [{ path: 'contracts', component: contractsPage(host) }]
 * ```
 */
export function contractsPage({ React, api, ui, useT, useLanguage }: StudioHost) {
  return function ContractsPage() {
    const t = useT();
    const language = useLanguage();
    const [rows, setRows] = React.useState<ContractRow[] | null>(null);
    const [overdue, setOverdue] = React.useState(false);
    const [error, setError] = React.useState<string | null>(null);
    React.useEffect(() => {
      const ctrl = new AbortController();
      setRows(null);
      api.request<{ items: ContractRow[] }>('GET', `${BASE}${overdue ? '?overdue=true' : ''}`, { signal: ctrl.signal }).then((r) => setRows(r.items)).catch((err: unknown) => !ctrl.signal.aborted && setError(problemMessage(err)));
      return () => ctrl.abort();
    }, [overdue]);
    const currency = rows?.[0]?.currency ?? 'USD';
    const money = (n: number, cur = currency) => formatMoney(n, cur, language);
    const total = (f: 'collected' | 'outstanding') => Math.round((rows ?? []).reduce((s, r) => s + r[f] * 100, 0)) / 100;
    return (
      <div className="contracts-page" data-testid="contracts-page">
        <div className="page-head"><h1>{t('contracts.title')}</h1></div>
        <p className="muted">{t('contracts.intro')}</p>
        <div className="actions" role="group" aria-label={t('contracts.title')}>
          <button type="button" className={overdue ? '' : 'primary'} aria-pressed={!overdue} onClick={() => setOverdue(false)}>{t('contracts.all')}</button>
          <button type="button" className={overdue ? 'primary' : ''} aria-pressed={overdue} onClick={() => setOverdue(true)}>{t('contracts.onlyOverdue')}</button>
        </div>
        {error && <div className="form-alert" role="alert">{error}</div>}
        {rows === null && !error && <p role="status">{t('contracts.loading')}</p>}
        {rows?.length === 0 && <p className="muted">{t('contracts.empty')}</p>}
        {rows && rows.length > 0 && (
          <>
            <p data-testid="contracts-total">{t('contracts.total', { n: rows.length, collected: money(total('collected')), outstanding: money(total('outstanding')) })}</p>
            <div className="table-wrap">
              <table className="records" data-testid="contracts-list">
                <thead><tr><th>{t('contracts.number')}</th><th>{t('contracts.name')}</th><th>{t('contracts.owner')}</th><th>{t('contracts.value')}</th><th>{t('contracts.collected')}</th><th>{t('contracts.outstanding')}</th><th>{t('contracts.nextDue')}</th><th>{t('contracts.status')}</th></tr></thead>
                <tbody>
                  {rows.slice(0, 500).map((r) => (
                    <tr key={r.id}>
                      <td><ui.Link href={`/p/pipeline/contracts/${r.id}`}>{r.number}</ui.Link></td>
                      <td>{r.name ?? ''}</td><td>{r.owner_name ?? ''}</td>
                      <td>{money(r.value, r.currency)}</td><td>{money(r.collected, r.currency)}</td><td>{money(r.outstanding, r.currency)}</td><td>{r.next_due_date ?? '—'}</td>
                      <td>{t(`contracts.status.${r.status}`)} {r.overdue_days > 0 && <span className="badge warn">{t('contracts.overdueBadge', { days: r.overdue_days })}</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </div>
    );
  };
}

/** `/p/pipeline/contracts/:id`: one contract (see {@link contractCard}). */
export function contractPage(host: StudioHost) {
  const ContractCard = contractCard(host);
  const { React, api, ui, useT } = host;
  return function ContractPage({ params }: { params: Record<string, string | undefined> }) {
    const t = useT();
    const id = params.id ?? '';
    const [number, setNumber] = React.useState<string | null>(null);
    React.useEffect(() => {
      api.request<{ contract: { number: string } }>('GET', `${BASE}/${id}`).then((v) => setNumber(v.contract.number)).catch(() => setNumber(null));
    }, [id]);
    return (
      <div className="contract-page" data-testid="contract-page">
        <p><ui.Link href="/p/pipeline/contracts">← {t('contract.back')}</ui.Link></p>
        <div className="page-head"><h1>{`${t('contract.panel')} ${number ?? ''}`.trim()}</h1></div>
        <ContractCard id={id} />
      </div>
    );
  };
}

/** The contract panel on a won deal's page. */
export function dealContract(host: StudioHost) {
  const ContractCard = contractCard(host);
  const { React, api, ui, useT } = host;
  return function DealContract({ record }: RecordPanelProps) {
    const t = useT();
    const [id, setId] = React.useState<string | null | undefined>(undefined);
    React.useEffect(() => {
      const ctrl = new AbortController();
      api.request<{ items: { id: string }[] }>('GET', `${BASE}?deal_id=${record.id}`, { signal: ctrl.signal }).then((r) => setId(r.items[0]?.id ?? null)).catch(() => !ctrl.signal.aborted && setId(null));
      return () => ctrl.abort();
    }, [record.id, record.version]);
    if (id === undefined) return null;
    return (
      <ui.Panel title={t('contract.panel')} testId="deal-contract">
        {id === null ? <p className="muted">{t('contract.none')}</p> : (
          <>
            <p><ui.Link href={`/p/pipeline/contracts/${id}`}>{t('contract.open')}</ui.Link></p>
            <ContractCard id={id} />
          </>
        )}
      </ui.Panel>
    );
  };
}
