import type { StudioHost, StudioRecord } from '@pipewright/plugin-sdk/studio';
import { LEAD, convertLead, moveLead } from './actions';
import { duration, problemMessage, reasonIn, secondsLeft, type InboxItem } from './model';
import { reasonFields } from './ReasonFields';

/** A move or a record change held for the reader's approval, as `GET /api/approvals?box=waiting` lists it. */
interface WaitingApproval {
  id: string;
  kind?: 'move' | 'edit';
  record: { id: string; type: string; title: string };
  labels: { from: string | Record<string, string> | null; to: string | Record<string, string> | null };
  /** A change's entity approval (its label), for `kind: 'edit'`. */
  edit?: { label: string | Record<string, string> } | null;
  requester: string | null;
}

/** A stage label in the reader's language (a text, or the text by language). */
function textOf(label: string | Record<string, string>, language: string): string {
  return typeof label === 'string' ? label : (label[language] ?? label.en ?? Object.values(label)[0] ?? '');
}

/**
 * "Waiting on me" (`/p/handoff/inbox`): the leads and handoffs routed to the reader, soonest
 * deadline first, each with a live countdown, who sent it and why routing chose the reader,
 * and one-click accept or reject with a reason; then the moves held for the reader's approval
 * (approve, or reject with a reason); below, the accepted leads to convert into a deal.
 *
 * @example
 * ```ts
 * pages: [{ path: 'inbox', component: inboxPage(host) }]
 * ```
 */
export function inboxPage(host: StudioHost) {
  const { React, api, ui, useT, useLanguage } = host;
  const Reason = reasonFields(host);

  return function HandoffInboxPage() {
    const t = useT();
    const language = useLanguage();
    const [items, setItems] = React.useState<InboxItem[] | null>(null);
    const [skew, setSkew] = React.useState(0);
    const [now, setNow] = React.useState(() => Date.now());
    const [accepted, setAccepted] = React.useState<StudioRecord[]>([]);
    const [message, setMessage] = React.useState<{ text: string; deal?: string } | null>(null);
    const [error, setError] = React.useState<string | null>(null);
    const [rejecting, setRejecting] = React.useState<string | null>(null);
    const [reason, setReason] = React.useState('');
    const [busy, setBusy] = React.useState(false);
    const [approvals, setApprovals] = React.useState<WaitingApproval[]>([]);
    const [names, setNames] = React.useState<Map<string, string>>(new Map());

    const load = React.useCallback(async () => {
      try {
        // Moves held for the reader's approval (the platform's approvals, ADR 028) wait here too.
        const [waiting, users] = await Promise.all([
          api.request<{ items: WaitingApproval[] }>('GET', '/api/approvals?box=waiting'),
          api.request<{ items: { id: string; name: string }[] }>('GET', '/api/users/names'),
        ]);
        setApprovals(waiting.items);
        setNames(new Map(users.items.map((u) => [u.id, u.name])));
        const inbox = await api.request<{ now: string; items: InboxItem[] }>('GET', '/api/plugins/handoff/inbox');
        // the countdowns count from now, not from when the page opened
        setNow(Date.now());
        setSkew(Date.parse(inbox.now) - Date.now());
        setItems(inbox.items);
        const me = await api.request<{ user: { id: string } | null }>('GET', '/api/auth/me');
        if (me.user) {
          const mine = await api.list(LEAD, { filters: [{ field: 'owner', op: 'eq', value: me.user.id }, { field: 'stage', op: 'eq', value: 'sales_accepted' }], limit: 100 });
          setAccepted(mine.items);
        }
      } catch (err) {
        setError(problemMessage(err));
      }
    }, []);
    React.useEffect(() => {
      void load();
      const timer = setInterval(() => setNow(Date.now()), 15_000);
      return () => clearInterval(timer);
    }, [load]);

    const act = async (run: () => Promise<string | { text: string; deal?: string }>) => {
      setBusy(true);
      setError(null);
      try {
        const done = await run();
        setMessage(typeof done === 'string' ? { text: done } : done);
        setRejecting(null);
        setReason('');
        await load();
      } catch (err) {
        setError(problemMessage(err));
      } finally {
        setBusy(false);
      }
    };

    const countdown = (item: InboxItem) => {
      const left = secondsLeft(item.dueAt, now + skew);
      if (left === null) return <span className="muted">—</span>;
      return left < 0 ? <span className="text-danger" data-testid="inbox-late">{t('inbox.late', { time: duration(left, language) })}</span> : <span data-testid="inbox-left">{t('inbox.left', { time: duration(left, language) })}</span>;
    };

    return (
      <div className="handoff-inbox" data-testid="handoff-inbox">
        <div className="page-head">
          <h1>{t('inbox.title')}</h1>
        </div>
        <p className="muted">{t('inbox.intro')}</p>
        {error && <div className="form-alert" role="alert" data-testid="inbox-error">{error}</div>}
        {message && (
          <p role="status" data-testid="inbox-message">
            {message.text} {message.deal && <ui.Link href={`/records/pipeline.deal/${message.deal}`}>{t('inbox.openDeal')}</ui.Link>}
          </p>
        )}
        {items === null ? (
          <p className="muted">{t('inbox.loading')}</p>
        ) : items.length === 0 ? (
          <p className="empty" data-testid="inbox-empty">{t('inbox.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="records" data-testid="inbox-items">
              <thead>
                <tr>
                  <th>{t('inbox.item')}</th>
                  <th>{t('inbox.kind')}</th>
                  <th>{t('inbox.from')}</th>
                  <th>{t('inbox.why')}</th>
                  <th>{t('inbox.due')}</th>
                  <th>{t('inbox.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr key={item.id} data-record={item.id}>
                    <td>
                      <ui.Link href={`/records/${item.type}/${item.id}`}>{item.title}</ui.Link>
                    </td>
                    <td>{t(`inbox.kind.${item.kind}`)}</td>
                    <td>{item.from?.name ?? '—'}</td>
                    <td data-testid="inbox-reason">
                      {item.rule && <strong>{t('inbox.rule', { rule: item.rule })}</strong>} {reasonIn(language, item.reason, item.reasonZh)}
                    </td>
                    <td>{countdown(item)}</td>
                    <td style={{ whiteSpace: 'nowrap' }}>
                      {rejecting !== item.id && (
                        <span style={{ display: 'inline-flex', gap: '0.4rem' }}>
                          <button type="button" className="primary" disabled={busy} onClick={() => act(async () => {
                            if (item.type === LEAD) await moveLead(api, item.id, 'sales_accepted');
                            else await api.request('POST', `/api/plugins/handoff/handoffs/${encodeURIComponent(item.id)}/accept`, { json: {} });
                            return t('inbox.accepted', { title: item.title });
                          })}>
                            {t('inbox.accept')}
                          </button>
                          <button type="button" disabled={busy} onClick={() => setRejecting(item.id)}>
                            {t('inbox.reject')}
                          </button>
                        </span>
                      )}
                      {rejecting === item.id && (
                        <form
                          onSubmit={(e) => {
                            e.preventDefault();
                            void act(async () => {
                              if (item.type === LEAD) await moveLead(api, item.id, 'new', { reject_reason: reason.trim() });
                              else await api.request('POST', `/api/plugins/handoff/handoffs/${encodeURIComponent(item.id)}/reject`, { json: { reason: reason.trim() } });
                              return t('inbox.rejected', { title: item.title });
                            });
                          }}
                        >
                          <Reason reason={reason} onReason={setReason} busy={busy} onCancel={() => setRejecting(null)} testId="inbox-reject-reason" />
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ui.Panel title={t('inbox.approvals')} testId="inbox-approvals">
          {approvals.length === 0 ? (
            <p className="muted">{t('inbox.approvalsEmpty')}</p>
          ) : (
            <ul>
              {approvals.map((a) => (
                <li key={a.id} data-approval={a.id}>
                  <ui.Link href={`/records/${a.record.type}/${a.record.id}`}>{a.record.title}</ui.Link>{' '}
                  {a.edit
                    ? t('inbox.approvalEdit', { change: textOf(a.edit.label, language), who: (a.requester && names.get(a.requester)) ?? a.requester ?? '—' })
                    : t('inbox.approvalMove', { from: a.labels.from === null ? '—' : textOf(a.labels.from, language), to: a.labels.to === null ? '—' : textOf(a.labels.to, language), who: (a.requester && names.get(a.requester)) ?? a.requester ?? '—' })}{' '}
                  {rejecting !== `approval:${a.id}` ? (
                    <span style={{ display: 'inline-flex', gap: '0.4rem' }}>
                      <button type="button" className="primary" disabled={busy} onClick={() => act(async () => {
                        const done = await api.request<{ status: string; reason: string | null }>('POST', `/api/approvals/${encodeURIComponent(a.id)}/decisions`, { json: { decision: 'approve' } });
                        return done.status === 'failed' ? t('inbox.approvalFailed', { title: a.record.title, reason: done.reason ?? '' }) : t('inbox.approved', { title: a.record.title });
                      })}>
                        {t('inbox.approve')}
                      </button>
                      <button type="button" disabled={busy} onClick={() => setRejecting(`approval:${a.id}`)}>{t('inbox.reject')}</button>
                    </span>
                  ) : (
                    <form style={{ display: 'inline' }} onSubmit={(e) => {
                      e.preventDefault();
                      void act(async () => {
                        await api.request('POST', `/api/approvals/${encodeURIComponent(a.id)}/decisions`, { json: { decision: 'reject', comment: reason.trim() } });
                        return t('inbox.rejected', { title: a.record.title });
                      });
                    }}>
                      <Reason reason={reason} onReason={setReason} busy={busy} onCancel={() => setRejecting(null)} testId="inbox-approval-reason" />
                    </form>
                  )}
                </li>
              ))}
            </ul>
          )}
        </ui.Panel>
        <ui.Panel title={t('inbox.toConvert')} testId="inbox-to-convert">
          {accepted.length === 0 ? (
            <p className="muted">{t('inbox.toConvertEmpty')}</p>
          ) : (
            <ul>
              {accepted.map((lead) => {
                const title = `${String(lead.data.company_name)} — ${String(lead.data.contact_name)}`;
                return (
                  <li key={lead.id} data-record={lead.id}>
                    <ui.Link href={`/records/${LEAD}/${lead.id}`}>{title}</ui.Link>{' '}
                    <button type="button" className="primary" disabled={busy} onClick={() => act(async () => {
                      const { converted } = await convertLead(api, lead.id);
                      return { text: t('inbox.converted', { title }), deal: converted.deal.id };
                    })}>
                      {t('inbox.convert')}
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </ui.Panel>
      </div>
    );
  };
}
