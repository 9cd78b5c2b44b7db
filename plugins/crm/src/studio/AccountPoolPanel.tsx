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

/**
 * The pool panel of an account page: its pool, when it would return there (the recycle rule due
 * soonest), its owner history, and one click to claim it (when unowned) or return it with a
 * reason (its owner, a manager above them, an admin).
 */
export function accountPoolPanel(host: StudioHost) {
  const { React, api, useT, useLanguage, ui } = host;
  const StintList = stintList(host);
  return function AccountPoolPanel({ record, onChanged }: RecordPanelProps) {
    const t = useT();
    const lang = useLanguage();
    const [data, setData] = React.useState<AccountPool | null>(null);
    const [reason, setReason] = React.useState<string | null>(null);
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
        setReason(null);
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
          {data.mayReturn && reason === null && (
            <button type="button" disabled={busy} onClick={() => setReason('')}>
              {t('pool.return')}
            </button>
          )}
          {data.mayReturn && reason !== null && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void act(() => api.request('POST', `/api/plugins/crm/pool/accounts/${record.id}/return`, { json: { reason } }), t('pool.returned'));
              }}
              style={{ display: 'flex', gap: '0.5rem', alignItems: 'center', flexWrap: 'wrap' }}
            >
              <label htmlFor="pool-return-reason">{t('pool.returnReason')}</label>
              <input id="pool-return-reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} style={{ minWidth: '16rem' }} autoFocus />
              <button type="submit" className="primary" disabled={busy || !reason.trim()}>
                {t('pool.returnConfirm')}
              </button>
              <button type="button" onClick={() => setReason(null)}>
                {t('pool.cancel')}
              </button>
            </form>
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
