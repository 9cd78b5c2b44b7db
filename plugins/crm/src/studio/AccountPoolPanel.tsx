import type { RecordPanelProps, StudioHost } from '@pipewright/plugin-sdk/studio';
import { messageOf, poolTitle, stintList, type Stint } from './PoolPage';

interface AccountPool {
  pool: { id: string; name: string; nameZh: string | null } | null;
  owner: string | null;
  history: Stint[];
  mayClaim: boolean;
  mayReturn: boolean;
  outlook: { rule: string; label: { en: string; 'zh-CN'?: string } | null; measured: number; limit: number; daysLeft: number; due: string } | null;
}

/** The short list of reasons offered inline beside "Return to pool" (the reason is optional). */
export const RETURN_REASONS = ['no_budget', 'not_my_region', 'unreachable', 'no_need'] as const;

/**
 * The pool panel of an account page: its pool, when it would return there (the recycle rule due
 * soonest), its owner history, and one click to claim it (when unowned) or return it in one click,
 * with a reason picked inline if the user wants (its owner, a manager above them, an admin).
 */
export function accountPoolPanel(host: StudioHost) {
  const { React, api, useT, useLanguage, ui } = host;
  const StintList = stintList(host);
  return function AccountPoolPanel({ record, onChanged }: RecordPanelProps) {
    const t = useT();
    const lang = useLanguage();
    const [data, setData] = React.useState<AccountPool | null>(null);
    const [reason, setReason] = React.useState('');
    const [message, setMessage] = React.useState<{ ok: boolean; text: string } | null>(null);
    const [busy, setBusy] = React.useState(false);
    const [tick, setTick] = React.useState(0);
    React.useEffect(() => {
      const ctrl = new AbortController();
      api
        .request<AccountPool>('GET', `/api/plugins/crm/pool/accounts/${record.id}`, { signal: ctrl.signal })
        .then(setData)
        .catch((err: unknown) => !ctrl.signal.aborted && setMessage({ ok: false, text: messageOf(err) }));
      return () => ctrl.abort();
    }, [record.id, record.version, tick]);
    const act = async (fn: () => Promise<void>, ok: string) => {
      setBusy(true);
      setMessage(null);
      try {
        await fn();
        setMessage({ ok: true, text: ok });
        setReason('');
        setTick((n) => n + 1);
        onChanged(await api.get('crm.account', record.id));
      } catch (err) {
        setMessage({ ok: false, text: messageOf(err) });
      } finally {
        setBusy(false);
      }
    };
    if (!data || !data.pool) return null;
    const ruleLabel = data.outlook ? (lang === 'zh-CN' ? (data.outlook.label?.['zh-CN'] ?? data.outlook.label?.en) : data.outlook.label?.en) ?? data.outlook.rule : '';
    return (
      <ui.Panel title={t('pool.panel.title')} testId="account-pool">
        <p style={{ marginTop: 0 }}>
          {t('pool.panel.pool', { name: poolTitle(data.pool, lang) })}
          {data.owner === null ? ` · ${t('pool.panel.unowned')}` : ''}
        </p>
        {data.outlook && (
          <p data-testid="pool-outlook" data-days-left={data.outlook.daysLeft}>
            {data.outlook.daysLeft > 0
              ? t('pool.panel.outlook', { rule: ruleLabel, measured: data.outlook.measured, limit: data.outlook.limit, days: data.outlook.daysLeft, due: new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date(`${data.outlook.due}T00:00:00Z`)) })
              : t('pool.panel.due', { rule: ruleLabel })}
          </p>
        )}
        <StintList history={data.history} />
        <div style={{ marginTop: '0.6rem', display: 'flex', gap: '0.5rem', alignItems: 'center', flexWrap: 'wrap' }}>
          {data.mayClaim && (
            <button type="button" className="primary" disabled={busy} onClick={() => act(() => api.request('POST', `/api/plugins/crm/pool/accounts/${record.id}/claim`), t('pool.claimed', { name: String(record.data.name ?? '') }))}>
              {t('pool.claim')}
            </button>
          )}
          {data.mayReturn && (
            <>
              <label htmlFor="pool-return-reason" className="muted">
                {t('pool.returnReasonOptional')}
              </label>
              <select id="pool-return-reason" value={reason} onChange={(e) => setReason(e.target.value)} disabled={busy}>
                <option value="">{t('pool.reason.none')}</option>
                {RETURN_REASONS.map((r) => (
                  <option key={r} value={r}>
                    {t(`pool.reason.${r}`)}
                  </option>
                ))}
              </select>
              <button type="button" disabled={busy} onClick={() => act(() => api.request('POST', `/api/plugins/crm/pool/accounts/${record.id}/return`, { json: reason ? { reason: t(`pool.reason.${reason}`) } : {} }), t('pool.returned'))}>
                {t('pool.return')}
              </button>
            </>
          )}
        </div>
        {message && (
          <p className={message.ok ? 'muted' : 'form-alert'} role={message.ok ? 'status' : 'alert'} data-testid="account-pool-message">
            {message.text}
          </p>
        )}
      </ui.Panel>
    );
  };
}
