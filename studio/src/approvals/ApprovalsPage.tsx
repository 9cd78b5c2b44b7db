import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearch } from 'wouter';
import { ApiError } from '../api/problem';
import { useUserNames } from '../app/user-names';
import { formatDateTime } from '../entities/format';
import { NOTIFICATIONS_CHANGED } from '../notifications/api';
import { processText } from '../plugins/localize';
import { approvalsApi, type ApprovalInfo } from './api';
import { EditDiff } from './EditDiff';

type Box = 'waiting' | 'requested';

/**
 * `/approvals`: moves and record changes held for approval (审批, ADR 027 and ADR 028's
 * addendum; a change shows its fields before and after). "Waiting on me" lists the requests the
 * signed-in user may decide, each with approve and reject (a rejection needs a reason);
 * "My requests" lists the user's own, with their state, the decisions and the reason of a
 * rejection or failure, and withdraws a pending one.
 *
 * @example
 * ```tsx
 * <Route path="/approvals" component={ApprovalsPage} />
 * ```
 */
export function ApprovalsPage() {
  const { t, i18n } = useTranslation();
  const names = useUserNames();
  const search = new URLSearchParams(useSearch());
  const [location, navigate] = useLocation();
  const box: Box = search.get('box') === 'requested' ? 'requested' : 'waiting';
  const [items, setItems] = useState<ApprovalInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [comments, setComments] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [status, setStatus] = useState('');

  const load = useCallback(() => {
    const ctrl = new AbortController();
    setError(null);
    approvalsApi.list(box, ctrl.signal).then((r) => setItems(r.items), (e: unknown) => !ctrl.signal.aborted && setError(e instanceof Error ? e.message : String(e)));
    return () => ctrl.abort();
  }, [box]);
  useEffect(load, [load, i18n.language]);

  const name = (u: string | null) => (u ? (names.get(u) ?? u) : '—');
  const act = async (a: ApprovalInfo, what: 'approve' | 'reject' | 'withdraw') => {
    setBusy(a.id);
    setProblems((p) => ({ ...p, [a.id]: '' }));
    try {
      const done = what === 'withdraw' ? await approvalsApi.withdraw(a.id) : await approvalsApi.decide(a.id, what, comments[a.id] ?? '');
      const edited = done.kind === 'edit' && (done.status === 'approving' || done.status === 'approved' || done.status === 'failed');
      setStatus(t(edited ? `approvals.editDone.${done.status}` : `approvals.done.${done.status}`, { record: done.record.title, reason: done.reason ?? '' }));
      window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
      load();
    } catch (e) {
      const message = e instanceof ApiError ? ((e.problem as { errors?: { pointer: string }[] }).errors?.some((x) => x.pointer === '/comment') ? t('approvals.reasonNeeded') : e.message) : String(e);
      setProblems((p) => ({ ...p, [a.id]: message }));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby="approvals-title">
      <div className="page-head">
        <h1 id="approvals-title">{t('approvals.title')}</h1>
        <p role="status" className="muted" data-testid="approvals-status">{status}</p>
      </div>
      <div role="tablist" aria-label={t('approvals.title')} className="tabs">
        {(['waiting', 'requested'] as const).map((b) => (
          <button key={b} type="button" role="tab" aria-selected={box === b} onClick={() => navigate(`${location}?box=${b}`, { replace: true })}>{t(`approvals.boxes.${b}`)}</button>
        ))}
      </div>
      {error && <p role="alert" className="field-error">{error}</p>}
      {items === null && !error && <p role="status">{t('status.loading')}</p>}
      {items?.length === 0 && <p className="muted">{t(`approvals.empty.${box}`)}</p>}
      <ul className="approval-list" data-testid="approvals">
        {items?.map((a) => (
          <li key={a.id} className="panel" data-approval={a.id} data-status={a.status}>
            <h2>
              <Link href={`/records/${a.record.type}/${a.record.id}`}>{a.record.title}</Link>
            </h2>
            {a.edit ? (
              <>
                <p data-kind="edit">{t('approvals.edit', { rule: processText(a.edit.label, i18n.language) })} · {t(a.status === 'approving' || a.status === 'approved' || a.status === 'failed' ? `approvals.editStatus.${a.status}` : `approvals.status.${a.status}`)}</p>
                <EditDiff type={a.record.type} edit={a.edit} />
              </>
            ) : (
              <p>{t('approvals.move', { from: a.labels.from === null ? '—' : processText(a.labels.from, i18n.language), to: processText(a.labels.to, i18n.language) })} · {t(`approvals.status.${a.status}`)}</p>
            )}
            <p className="muted">{t('approvals.asked', { who: name(a.requester), when: formatDateTime(a.createdAt, i18n.language) })} · {t('approvals.needs', { count: a.required, approvers: a.approvers.map(name).join(', ') })}{a.mode === 'sequential' && a.next ? ` · ${t('approvals.inTurn', { who: name(a.next) })}` : ''}</p>
            {a.decisions.length > 0 && (
              <ul className="muted">
                {a.decisions.map((d) => <li key={d.user}>{t(`approvals.decision.${d.decision}`, { who: name(d.user) })}{d.comment ? `: ${d.comment}` : ''}</li>)}
              </ul>
            )}
            {a.reason && a.status !== 'pending' && <p className="field-error">{a.reason}</p>}
            {box === 'waiting' && a.status === 'pending' && (
              <div className="approval-actions">
                <label>
                  {t('approvals.comment')}
                  <textarea value={comments[a.id] ?? ''} maxLength={2000} rows={2} onChange={(e) => setComments((c) => ({ ...c, [a.id]: e.target.value }))} />
                </label>
                <button type="button" disabled={busy === a.id} onClick={() => void act(a, 'approve')}>{t('approvals.approve')}</button>
                <button type="button" disabled={busy === a.id} onClick={() => void act(a, 'reject')}>{t('approvals.reject')}</button>
              </div>
            )}
            {box === 'requested' && a.status === 'pending' && <button type="button" disabled={busy === a.id} onClick={() => void act(a, 'withdraw')}>{t('approvals.withdraw')}</button>}
            {problems[a.id] && <p role="alert" className="field-error">{problems[a.id]}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
