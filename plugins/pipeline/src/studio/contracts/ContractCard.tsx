import type { StudioHost } from '@pipewright/plugin-sdk/studio';
import { BASE, centsOf, formatMoney, problemMessage, todayIso, type ContractDetail } from './model';

type Line = { due_date: string; amount: string };

/**
 * One contract: its figures and overdue badge, the plan with each instalment's remainder, the
 * payments, a form to record a payment, and the value changes (request one with a new plan;
 * approve or reject a pending one). Used by the contract page and the deal page's panel.
 *
 * @example
 * ```tsx
 * const ContractCard = contractCard(host);
 * <ContractCard id={contractId} />
 * ```
 */
export function contractCard({ React, api, ui, useT, useLanguage }: StudioHost) {
  return function ContractCard({ id }: { id: string }) {
    const t = useT();
    const language = useLanguage();
    const [v, setV] = React.useState<ContractDetail | null>(null);
    const [error, setError] = React.useState<string | null>(null);
    const [message, setMessage] = React.useState<string | null>(null);
    const [busy, setBusy] = React.useState(false);
    const [amount, setAmount] = React.useState('');
    const [paidOn, setPaidOn] = React.useState(todayIso());
    const [against, setAgainst] = React.useState('');
    const [reference, setReference] = React.useState('');
    const [asking, setAsking] = React.useState(false);
    const [newValue, setNewValue] = React.useState('');
    const [lines, setLines] = React.useState<Line[]>([]);
    const [reason, setReason] = React.useState('');
    const [note, setNote] = React.useState('');
    const [why, setWhy] = React.useState<Record<string, string>>({});

    const load = React.useCallback(async () => {
      try {
        setV(await api.request<ContractDetail>('GET', `${BASE}/${id}`));
      } catch (err) {
        setError(problemMessage(err));
      }
    }, [id]);
    React.useEffect(() => {
      void load();
    }, [load]);

    const run = async (call: () => Promise<ContractDetail>, done: string) => {
      setBusy(true);
      setError(null);
      setMessage(null);
      try {
        setV(await call());
        setMessage(done);
        return true;
      } catch (err) {
        setError(problemMessage(err));
        return false;
      } finally {
        setBusy(false);
      }
    };

    if (!v) return error ? <div className="form-alert" role="alert">{error}</div> : <p role="status">{t('contracts.loading')}</p>;
    const c = v.contract;
    const money = (n: number) => formatMoney(n, c.currency, language);
    const seqOf = (instalment: string | null) => v.instalments.find((i) => i.id === instalment)?.seq;
    const pending = v.changes.find((x) => x.status === 'pending');
    const sum = lines.reduce((s, l) => s + (centsOf(l.amount) ?? 0), 0) / 100;

    const record = async (e: { preventDefault(): void }) => {
      e.preventDefault();
      const ok = await run(() => api.request<ContractDetail>('POST', `${BASE}/${id}/payments`, { json: { amount: Number(amount.replace(/[,\s]/g, '')), paid_on: paidOn, ...(against ? { instalment_id: against } : {}), ...(reference.trim() ? { reference: reference.trim() } : {}) } }), t('contract.recorded'));
      if (ok) {
        setAmount('');
        setReference('');
      }
    };
    const startAsking = () => {
      setAsking(true);
      setNewValue(String(c.value));
      setLines(v.instalments.map((i) => ({ due_date: i.due_date, amount: String(i.amount) })));
    };
    const ask = async (e: { preventDefault(): void }) => {
      e.preventDefault();
      const ok = await run(() => api.request<ContractDetail>('POST', `${BASE}/${id}/changes`, { json: { value: Number(newValue.replace(/[,\s]/g, '')), reason, instalments: lines.map((l) => ({ due_date: l.due_date, amount: Number(l.amount.replace(/[,\s]/g, '')) })) } }), t('contract.requested'));
      if (ok) {
        setAsking(false);
        setReason('');
      }
    };
    const decide = (change: string, how: 'approve' | 'reject') => run(() => api.request<ContractDetail>('POST', `${BASE}/${id}/changes/${change}/${how}`, { json: how === 'reject' || note.trim() ? { note: note.trim() } : {} }), t(how === 'approve' ? 'contract.applied' : 'contract.rejected'));

    return (
      <div className="contract-card" data-testid="contract-card">
        <dl className="fields" data-testid="contract-figures">
          <div className="field-row"><dt>{t('contracts.value')}</dt><dd data-testid="contract-value">{money(c.value)}</dd></div>
          <div className="field-row"><dt>{t('contracts.collected')}</dt><dd data-testid="contract-collected">{money(c.collected)}</dd></div>
          <div className="field-row"><dt>{t('contracts.outstanding')}</dt><dd data-testid="contract-outstanding">{money(c.outstanding)}</dd></div>
          <div className="field-row"><dt>{t('contracts.status')}</dt><dd data-testid="contract-status">{t(`contracts.status.${c.status}`)} {c.overdue.days > 0 && <span className="badge warn" data-testid="contract-overdue">{t('contracts.overdueBadge', { days: c.overdue.days })}</span>}</dd></div>
          {c.deal_id && <div className="field-row"><dt>{t('contract.deal')}</dt><dd><ui.Link href={`/records/pipeline.deal/${c.deal_id}`}>{c.deal_name ?? c.deal_id}</ui.Link></dd></div>}
          {c.owner_name && <div className="field-row"><dt>{t('contract.owner')}</dt><dd>{c.owner_name}</dd></div>}
        </dl>
        {c.overdue.days > 0 && <p className="danger" data-testid="contract-overdue-amount">{t('contract.overdueAmount', { amount: money(c.overdue.amount), days: c.overdue.days })}</p>}
        {c.overpaid > 0 && <p className="danger" data-testid="contract-overpaid">{t('contract.overpaidNote', { amount: money(c.overpaid) })}</p>}
        {error && <div className="form-alert" role="alert" data-testid="contract-error">{error}</div>}
        {message && <p role="status" data-testid="contract-message">{message}</p>}

        <h3>{t('contract.plan')}</h3>
        <div className="table-wrap">
          <table className="records" data-testid="contract-plan">
            <thead><tr><th>{t('contract.seq')}</th><th>{t('contract.due')}</th><th>{t('contract.amount')}</th><th>{t('contract.paid')}</th><th>{t('contract.remaining')}</th><th>{t('contracts.status')}</th></tr></thead>
            <tbody>
              {v.instalments.map((i) => (
                <tr key={i.id}>
                  <td>{i.seq}</td><td>{i.due_date}</td><td>{money(i.amount)}</td><td>{money(i.paid)}</td><td>{money(i.remaining)}</td>
                  <td>{t(`contract.inst.${i.status}`)} {i.overdue_days > 0 && <span className="badge warn">{t('contracts.overdueBadge', { days: i.overdue_days })}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>

        <h3>{t('contract.payments')}</h3>
        {v.payments.length === 0 ? <p className="muted">{t('contract.noPayments')}</p> : (
          <div className="table-wrap">
            <table className="records" data-testid="contract-payments">
              <thead><tr><th>{t('contract.paidOn')}</th><th>{t('contract.amount')}</th><th>{t('contract.against')}</th><th>{t('contract.reference')}</th><th /></tr></thead>
              <tbody>{v.payments.map((p) => (
                <tr key={p.id} data-payment={p.code} data-reversed={p.reversed_at ? 'true' : 'false'}>
                  <td>{p.paid_on}</td>
                  <td style={p.reversed_at ? { textDecoration: 'line-through' } : undefined}>{money(p.amount)}</td>
                  <td>{seqOf(p.instalment_id) ?? '—'}</td>
                  <td>{p.reference ?? ''}</td>
                  <td>
                    {p.reversed_at ? <span className="badge warn">{t('contract.reversed', { reason: p.reversal_reason ?? '' })}</span> : v.can.record && (
                      <span style={{ display: 'inline-flex', gap: '0.3rem' }}>
                        <input aria-label={t('contract.reverseReason')} placeholder={t('contract.reverseReason')} value={why[p.id] ?? ''} onChange={(e) => setWhy({ ...why, [p.id]: e.target.value })} maxLength={500} />
                        <button type="button" disabled={busy || !(why[p.id] ?? '').trim()} onClick={() => void run(() => api.request<ContractDetail>('POST', `${BASE}/${id}/payments/${p.id}/reverse`, { json: { reason: (why[p.id] ?? '').trim() } }), t('contract.reversedDone'))}>{t('contract.reverse')}</button>
                      </span>
                    )}
                  </td>
                </tr>
              ))}</tbody>
            </table>
          </div>
        )}
        {v.can.record && (
          <form className="filter-form" onSubmit={record} data-testid="payment-form" aria-label={t('contract.record')}>
            <h4>{t('contract.record')}</h4>
            <label>{t('contract.amount')} <input name="amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} required /></label>{' '}
            <label>{t('contract.paidOn')} <input name="paid_on" type="date" value={paidOn} onChange={(e) => setPaidOn(e.target.value)} required /></label>{' '}
            <label>{t('contract.instalment')} <select name="instalment" value={against} onChange={(e) => setAgainst(e.target.value)}>
              <option value="">{t('contract.earliest')}</option>
              {v.instalments.map((i) => <option key={i.id} value={i.id}>{`${i.seq} · ${i.due_date} · ${money(i.remaining)}`}</option>)}
            </select></label>{' '}
            <label>{t('contract.reference')} <input name="reference" value={reference} onChange={(e) => setReference(e.target.value)} /></label>{' '}
            <button type="submit" className="primary" disabled={busy}>{t('contract.save')}</button>
          </form>
        )}

        <h3>{t('contract.changes')}</h3>
        {v.changes.length === 0 && <p className="muted">{t('contract.noChanges')}</p>}
        <ul className="history" data-testid="contract-changes">
          {v.changes.map((x) => (
            <li key={x.id}>
              <strong>{money(x.previous_value)} → {money(x.value)}</strong> · {t(`contract.change.${x.status}`)} · {t('contract.requestedBy', { who: x.requested_by_name ?? x.requested_by ?? '' })}
              {x.decided_by && <> · {t('contract.decidedBy', { who: x.decided_by_name ?? x.decided_by })}</>}
              {x.reason && <div className="muted">{x.reason}</div>}
              {x.decision_note && <div className="muted">{x.decision_note}</div>}
            </li>
          ))}
        </ul>
        {pending && v.can.approve && (
          <div className="actions" data-testid="change-decision">
            <label>{t('contract.note')} <input name="note" value={note} onChange={(e) => setNote(e.target.value)} /></label>
            <button type="button" className="primary" disabled={busy} onClick={() => void decide(pending.id, 'approve')}>{t('contract.approve')}</button>
            <button type="button" disabled={busy} onClick={() => void decide(pending.id, 'reject')}>{t('contract.reject')}</button>
          </div>
        )}
        {v.can.request && !pending && !asking && <button type="button" onClick={startAsking} data-testid="change-start">{t('contract.requestChange')}</button>}
        {asking && (
          <form onSubmit={ask} data-testid="change-form" aria-label={t('contract.requestChange')}>
            <p className="muted">{t('contract.changeHelp')}</p>
            <label>{t('contract.newValue')} <input name="value" inputMode="decimal" value={newValue} onChange={(e) => setNewValue(e.target.value)} required /></label>
            <table className="records">
              <thead><tr><th>{t('contract.due')}</th><th>{t('contract.amount')}</th><th /></tr></thead>
              <tbody>
                {lines.map((l, k) => (
                  <tr key={k}>
                    <td><input type="date" aria-label={`${t('contract.due')} ${k + 1}`} value={l.due_date} onChange={(e) => setLines(lines.map((x, j) => (j === k ? { ...x, due_date: e.target.value } : x)))} required /></td>
                    <td><input inputMode="decimal" aria-label={`${t('contract.amount')} ${k + 1}`} value={l.amount} onChange={(e) => setLines(lines.map((x, j) => (j === k ? { ...x, amount: e.target.value } : x)))} required /></td>
                    <td><button type="button" onClick={() => setLines(lines.filter((_, j) => j !== k))} disabled={lines.length === 1}>{t('contract.removeLine')}</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="button" onClick={() => setLines([...lines, { due_date: lines[lines.length - 1]?.due_date ?? todayIso(), amount: '0' }])}>{t('contract.addLine')}</button>
            <p className={Math.round(sum * 100) === centsOf(newValue) ? 'muted' : 'danger'} data-testid="change-sum">{t('contract.planSum', { sum: money(sum) })}</p>
            <label>{t('contract.reason')} <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} required /></label>{' '}
            <button type="submit" className="primary" disabled={busy}>{t('contract.send')}</button>
          </form>
        )}
      </div>
    );
  };
}
