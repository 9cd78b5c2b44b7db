import type { StudioHost } from '@pipewright/plugin-sdk/studio';

type Text = { en: string; 'zh-CN': string };
interface Score {
  id: string;
  positives: number;
  truePositives: number;
  precision: number | null;
  baseRate: number;
  lift: number | null;
  recall: number | null;
}
interface AtRisk {
  asOf: string;
  total: number;
  rules: { signals: { id: string; kind: string; name: Text; label: Text }[]; outcomes: { id: string; label: Text }[] };
  accounts: { id: string; name: string; owner: string | null; risk: 'medium' | 'high'; signals: { id: string; values: Record<string, number> }[] }[];
  backtest: { cut: string; end: string; accounts: number; flagged: number; bySignal: Record<string, number>; outcomes: Score[] } | null;
}

/**
 * The at-risk page (`/p/crm/at-risk`): the accounts the reader sees whose own history fires a
 * churn signal of plugins/crm/churn.json at a date (default today), each with its reasons, and
 * the rules' backtest (precision, base rate, lift, recall against the next quarter's outcome).
 */
export function atRiskPage({ React, api, ui, useT, useLanguage }: StudioHost) {
  return function AtRiskPage() {
    const t = useT();
    const language = useLanguage();
    const [asOf, setAsOf] = React.useState('');
    const [data, setData] = React.useState<AtRisk | null>(null);
    const [error, setError] = React.useState<string | null>(null);
    React.useEffect(() => {
      const ctrl = new AbortController();
      setError(null);
      api
        .request<AtRisk>('GET', `/api/plugins/crm/at-risk${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ''}`, { signal: ctrl.signal })
        .then(setData)
        .catch((err: unknown) => !ctrl.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
      return () => ctrl.abort();
    }, [asOf]);
    const text = (l: Text) => (language === 'zh-CN' ? l['zh-CN'] : l.en);
    const num = (n: number) => new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(n);
    const pct = (n: number | null) => (n === null ? t('atRisk.na') : new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(n));
    const reason = (id: string, values: Record<string, number>) => {
      const rule = data?.rules.signals.find((s) => s.id === id);
      return rule ? text(rule.label).replace(/\{\{(\w+)\}\}/g, (_, k: string) => (values[k] === undefined ? '' : num(values[k] as number))) : id;
    };
    const day = (iso: string) => new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
    const bt = data?.backtest ?? null;
    return (
      <div data-testid="crm-at-risk">
        <div className="page-head">
          <h1>{t('atRisk.title')}</h1>
        </div>
        <p className="muted">{t('atRisk.help')}</p>
        <p>
          <label htmlFor="at-risk-as-of">{t('atRisk.asOf')}</label>{' '}
          <input id="at-risk-as-of" type="date" value={asOf || data?.asOf || ''} onChange={(e) => setAsOf(e.target.value)} />
        </p>
        {error && (
          <p className="form-alert" role="alert">
            {error}
          </p>
        )}
        {!data && !error && <p role="status">{t('atRisk.loading')}</p>}
        {data && (
          <section className="panel" data-testid="at-risk-accounts">
            <h2 style={{ fontSize: '1.1rem', marginTop: 0 }}>{t('atRisk.flagged', { n: data.accounts.length, total: data.total, date: day(data.asOf) })}</h2>
            {data.accounts.length === 0 && <p className="muted">{t('atRisk.none')}</p>}
            {data.accounts.length > 0 && (
              <table>
                <thead>
                  <tr>
                    <th style={{ textAlign: 'left' }}>{t('atRisk.account')}</th>
                    <th style={{ textAlign: 'left' }}>{t('atRisk.risk')}</th>
                    <th style={{ textAlign: 'left' }}>{t('atRisk.reasons')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.accounts.map((a) => (
                    <tr key={a.id} data-account={a.name} data-risk={a.risk}>
                      <td style={{ paddingRight: '1rem', verticalAlign: 'top' }}>
                        <ui.Link href={`/records/crm.account/${a.id}`}>{a.name}</ui.Link>
                      </td>
                      <td style={{ paddingRight: '1rem', verticalAlign: 'top' }}>
                        <strong className={a.risk === 'high' ? 'field-error' : undefined}>{t(`atRisk.level.${a.risk}`)}</strong>
                      </td>
                      <td>
                        <ul style={{ margin: 0, paddingLeft: '1.1rem' }}>
                          {a.signals.map((s) => (
                            <li key={s.id} data-signal={s.id}>
                              {reason(s.id, s.values)}
                            </li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        )}
        {data && (
          <section className="panel" data-testid="at-risk-backtest">
            <h2 style={{ fontSize: '1.1rem', marginTop: 0 }}>{t('atRisk.backtest')}</h2>
            {!bt && <p className="muted">{t('atRisk.noBacktest')}</p>}
            {bt && (
              <>
                <p>{t('atRisk.backtestHelp', { cut: day(bt.cut), end: day(bt.end), flagged: bt.flagged, accounts: bt.accounts })}</p>
                <table>
                  <thead>
                    <tr>
                      <th style={{ textAlign: 'left' }}>{t('atRisk.outcome')}</th>
                      <th>{t('atRisk.positives')}</th>
                      <th>{t('atRisk.precision')}</th>
                      <th>{t('atRisk.baseRate')}</th>
                      <th>{t('atRisk.lift')}</th>
                      <th>{t('atRisk.recall')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {bt.outcomes.map((o) => {
                      const label = data.rules.outcomes.find((x) => x.id === o.id)?.label;
                      return (
                        <tr key={o.id} data-outcome={o.id}>
                          <th scope="row" style={{ textAlign: 'left', paddingRight: '1rem', fontWeight: 'normal' }}>
                            {label ? text(label) : o.id}
                          </th>
                          <td style={{ textAlign: 'right', padding: '0 0.8rem' }} data-field="positives">{o.positives}</td>
                          <td style={{ textAlign: 'right', padding: '0 0.8rem' }} data-field="precision">{pct(o.precision)}</td>
                          <td style={{ textAlign: 'right', padding: '0 0.8rem' }} data-field="baseRate">{pct(o.baseRate)}</td>
                          <td style={{ textAlign: 'right', padding: '0 0.8rem' }} data-field="lift">{o.lift === null ? t('atRisk.na') : `${new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(o.lift)}×`}</td>
                          <td style={{ textAlign: 'right', padding: '0 0.8rem' }} data-field="recall">{pct(o.recall)}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                <p className="muted">{t('atRisk.bySignal')} {data.rules.signals.map((s) => `${text(s.name)}: ${bt.bySignal[s.id] ?? 0}`).join(' · ')}</p>
              </>
            )}
          </section>
        )}
      </div>
    );
  };
}
