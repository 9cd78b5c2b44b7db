import type { RecordPanelProps, StudioHost } from '@pipewright/plugin-sdk/studio';
import { LOGGED_EVENT } from './AccountOverview';

interface Candidate {
  id: string;
  title: string;
  similarity: number;
}
interface MergeView {
  id: string;
  data: { status: string; undo_until?: string; duplicate_id?: string };
}

const FINAL = new Set(['done', 'undone', 'failed']);

/**
 * "Merge a duplicate" on the account page (managers and admins, the merge route's roles): the
 * look-alike accounts of this one (the duplicate check), a merge after a confirmation, its
 * progress (the crm.merge record) and the undo within its window.
 */
export function mergePanel({ React, api, ui, useT, useLanguage }: StudioHost) {
  return function MergePanel({ record, onChanged }: RecordPanelProps) {
    const t = useT();
    const language = useLanguage();
    const [allowed, setAllowed] = React.useState(false);
    const [candidates, setCandidates] = React.useState<Candidate[]>([]);
    const [pending, setPending] = React.useState<Candidate | null>(null);
    const [merge, setMerge] = React.useState<MergeView | null>(null);
    const [merged, setMerged] = React.useState<Candidate | null>(null);
    const [error, setError] = React.useState<string | null>(null);
    const [busy, setBusy] = React.useState(false);
    const name = typeof record.data.name === 'string' ? record.data.name : '';
    React.useEffect(() => {
      const ctrl = new AbortController();
      api
        .request<{ roles: string[] }>('GET', '/api/auth/me', { signal: ctrl.signal })
        .then((me) => setAllowed(me.roles.includes('admin') || me.roles.includes('manager')))
        .catch(() => setAllowed(false));
      return () => ctrl.abort();
    }, []);
    React.useEffect(() => {
      if (!allowed || !name) return;
      const ctrl = new AbortController();
      api
        .request<{ candidates: Candidate[] }>('POST', '/api/plugins/crm/duplicates/check', { json: { type: 'crm.account', data: { name }, exclude: record.id }, signal: ctrl.signal })
        .then((r) => setCandidates(r.candidates))
        .catch(() => !ctrl.signal.aborted && setCandidates([]));
      return () => ctrl.abort();
    }, [allowed, name, record.id, merge?.data.status === 'undone']);
    // Follow the job until the merge (or its undo) is finished, then reload the account.
    React.useEffect(() => {
      if (!merge || FINAL.has(merge.data.status)) return;
      const timer = setTimeout(() => {
        api
          .get('crm.merge', merge.id)
          .then(async (m) => {
            const next = m as unknown as MergeView;
            setMerge(next);
            if (FINAL.has(next.data.status)) {
              onChanged(await api.get('crm.account', record.id));
              // The 360° panel and the timeline reload (what moved here is theirs to count).
              window.dispatchEvent(new Event(LOGGED_EVENT));
            }
          })
          .catch(() => setMerge({ ...merge }));
      }, 700);
      return () => clearTimeout(timer);
    }, [merge]);
    if (!allowed || (candidates.length === 0 && !merge)) return null;
    const run = async (fn: () => Promise<void>) => {
      setBusy(true);
      setError(null);
      try {
        await fn();
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      } finally {
        setBusy(false);
      }
    };
    const start = (c: Candidate) =>
      run(async () => {
        const r = await api.request<{ id: string; status: string }>('POST', `/api/plugins/crm/accounts/${record.id}/merge`, { json: { duplicate: c.id } });
        setMerged(c);
        setPending(null);
        setMerge({ id: r.id, data: { status: r.status } });
      });
    const undo = () =>
      run(async () => {
        if (!merge) return;
        const r = await api.request<{ status: string }>('POST', `/api/plugins/crm/merges/${merge.id}/undo`);
        setMerge({ ...merge, data: { ...merge.data, status: r.status } });
      });
    const until = merge?.data.undo_until ? new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(merge.data.undo_until)) : '';
    const status = merge?.data.status;
    return (
      <ui.Panel title={t('merge.title')} testId="merge-panel">
        {!merge && (
          <>
            <p className="muted">{t('merge.help')}</p>
            <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {candidates.map((c) => (
                <li key={c.id} data-candidate={c.title} style={{ marginBottom: '0.4rem' }}>
                  <ui.Link href={`/records/crm.account/${c.id}`}>{c.title}</ui.Link> <span className="muted">{t('merge.similarity', { pct: Math.round(c.similarity * 100) })}</span>{' '}
                  <button type="button" onClick={() => setPending(c)} disabled={busy}>
                    {t('merge.button')}
                  </button>
                </li>
              ))}
            </ul>
            {pending && (
              <div role="alertdialog" aria-label={t('merge.confirmTitle')} style={{ marginTop: '0.6rem' }}>
                <p>{t('merge.confirm', { duplicate: pending.title, account: name })}</p>
                <button type="button" className="primary" onClick={() => start(pending)} disabled={busy}>
                  {t('merge.confirmButton')}
                </button>{' '}
                <button type="button" onClick={() => setPending(null)} disabled={busy}>
                  {t('merge.cancel')}
                </button>
              </div>
            )}
          </>
        )}
        {merge && (
          <p role="status" data-testid="merge-status" data-status={status}>
            {status === 'done' ? t('merge.done', { duplicate: merged?.title ?? '', until }) : status === 'undone' ? t('merge.undone', { duplicate: merged?.title ?? '' }) : status === 'failed' ? t('merge.failed') : t('merge.running')}{' '}
            {status === 'done' && (
              <button type="button" onClick={undo} disabled={busy}>
                {t('merge.undo')}
              </button>
            )}
          </p>
        )}
        {error && (
          <p className="form-alert" role="alert">
            {error}
          </p>
        )}
      </ui.Panel>
    );
  };
}
