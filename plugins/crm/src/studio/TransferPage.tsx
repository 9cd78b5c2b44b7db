import type { StudioHost } from '@pipewright/plugin-sdk/studio';

type Rule = 'manager' | 'round_robin' | 'pool';
const RULES: Rule[] = ['manager', 'round_robin', 'pool'];
const COUNTS = ['accounts', 'openDeals', 'contacts', 'openTasks', 'closedDealsKept'] as const;

interface Person {
  id: string;
  name: string;
  active: boolean;
}
interface Preview {
  from: Person;
  rule: Rule;
  targets: { id: string; name: string }[];
  counts: Record<(typeof COUNTS)[number], number>;
}
interface TransferView {
  id: string;
  data: { status: string; moved: number; total: number };
}

/**
 * The ownership transfer page (`/p/crm/transfers`, managers and admins): choose a rep (departed
 * ones first) and a rule, preview who receives what with the counts, then move the book in one
 * job and follow its progress.
 */
export function transferPage({ React, api, useT }: StudioHost) {
  return function TransferPage() {
    const t = useT();
    const [people, setPeople] = React.useState<Person[] | null>(null);
    // `?from=<user>` (the notice sent when a rep is deactivated) preselects the rep
    const [from, setFrom] = React.useState(() => new URLSearchParams(window.location.search).get('from') ?? '');
    const [rule, setRule] = React.useState<Rule>('round_robin');
    const [preview, setPreview] = React.useState<Preview | null>(null);
    const [error, setError] = React.useState<string | null>(null);
    const [transfer, setTransfer] = React.useState<TransferView | null>(null);
    const [busy, setBusy] = React.useState(false);
    React.useEffect(() => {
      const ctrl = new AbortController();
      api
        .request<{ items: Person[] }>('GET', '/api/plugins/crm/transfers/people', { signal: ctrl.signal })
        .then((r) => setPeople(r.items))
        .catch((err: unknown) => !ctrl.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
      return () => ctrl.abort();
    }, []);
    // Follow the job: the transfer record's status, moved and total, until done.
    React.useEffect(() => {
      if (!transfer || transfer.data.status === 'done' || transfer.data.status === 'failed') return;
      const timer = setTimeout(() => {
        api.get('crm.transfer', transfer.id).then((r) => setTransfer(r as unknown as TransferView)).catch(() => setTimeout(() => setTransfer({ ...transfer }), 1000));
      }, 700);
      return () => clearTimeout(timer);
    }, [transfer]);
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
    const doPreview = () =>
      run(async () => {
        setTransfer(null);
        setPreview(await api.request<Preview>('POST', '/api/plugins/crm/transfers/preview', { json: { from, rule } }));
      });
    const start = () =>
      run(async () => {
        const r = await api.request<{ id: string; total: number }>('POST', '/api/plugins/crm/transfers', { json: { from, rule } });
        setTransfer({ id: r.id, data: { status: 'queued', moved: 0, total: r.total } });
      });
    const done = transfer?.data.status === 'done';
    return (
      <div data-testid="crm-transfers">
        <div className="page-head">
          <h1>{t('transfer.title')}</h1>
        </div>
        <p className="muted">{t('transfer.help')}</p>
        <form className="panel" onSubmit={(e) => e.preventDefault()} style={{ display: 'grid', gap: '0.6rem', maxWidth: '40rem' }}>
          <label htmlFor="transfer-from">{t('transfer.from')}</label>
          <select
            id="transfer-from"
            value={from}
            onChange={(e) => {
              setFrom(e.target.value);
              setPreview(null);
              setTransfer(null);
            }}
          >
            <option value="">{t('transfer.choose')}</option>
            {people?.map((p) => (
              <option key={p.id} value={p.id}>
                {p.active ? p.name : `${p.name} ${t('transfer.inactive')}`}
              </option>
            ))}
          </select>
          <fieldset style={{ border: 'none', padding: 0, margin: 0 }}>
            <legend>{t('transfer.rule')}</legend>
            {RULES.map((r) => (
              <label key={r} style={{ display: 'block' }}>
                <input
                  type="radio"
                  name="rule"
                  value={r}
                  checked={rule === r}
                  onChange={() => {
                    setRule(r);
                    setPreview(null);
                    setTransfer(null);
                  }}
                />{' '}
                {t(`transfer.rule.${r}`)}
              </label>
            ))}
          </fieldset>
          <div>
            <button type="button" onClick={doPreview} disabled={!from || busy}>
              {t('transfer.preview')}
            </button>
          </div>
        </form>
        {error && (
          <p className="form-alert" role="alert">
            {error}
          </p>
        )}
        {preview && (
          <section className="panel" data-testid="transfer-preview" aria-label={t('transfer.previewTitle')}>
            <h2 style={{ fontSize: '1.1rem', marginTop: 0 }}>{t('transfer.previewTitle', { name: preview.from.name })}</h2>
            <p>
              <strong>{t('transfer.targets')}</strong> {preview.targets.length > 0 ? preview.targets.map((x) => x.name).join(', ') : t('transfer.pool')}
            </p>
            <table>
              <tbody>
                {COUNTS.map((c) => (
                  <tr key={c} data-count={c} data-value={preview.counts[c]}>
                    <th scope="row" style={{ textAlign: 'left', paddingRight: '1.5rem' }}>
                      {t(`transfer.count.${c}`)}
                    </th>
                    <td style={{ textAlign: 'right' }}>{preview.counts[c]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {!transfer && (
              <p>
                <button type="button" className="primary" onClick={start} disabled={busy}>
                  {t('transfer.start')}
                </button>
              </p>
            )}
            {transfer && (
              <p role="status" data-testid="transfer-progress" data-status={transfer.data.status}>
                <progress max={Math.max(1, transfer.data.total)} value={transfer.data.moved} style={{ verticalAlign: 'middle', marginRight: '0.5rem' }} />
                {done ? t('transfer.done', { moved: transfer.data.moved }) : t('transfer.progress', { moved: transfer.data.moved, total: transfer.data.total })}
              </p>
            )}
          </section>
        )}
      </div>
    );
  };
}
