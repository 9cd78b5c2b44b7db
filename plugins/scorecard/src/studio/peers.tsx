import type { StudioHost, StudioRecord } from '@pipewright/plugin-sdk/studio';
import { problemLine } from './shared';

interface Assignment {
  evaluation_id: string;
  scorecard_id: string;
  scorecard: string | null;
  rep_id: string;
  rep_name: string;
  period: string;
  stage: string | null;
  open: boolean;
  indicators: { dimension_id: string; indicator_id: string; label: string; rubric: string[] | null }[];
}

/** On the team page's detail: who rates this person as a peer (managers; during self-review and peer review). */
export function peerEditor(host: StudioHost) {
  const { React, api, useT } = host;
  return function PeerEditor({ evaluation, candidates, onSaved }: { evaluation: StudioRecord; candidates: readonly { rep_id: string; name: string }[]; onSaved(): void }) {
    const t = useT();
    const [peers, setPeers] = React.useState<string[]>(Array.isArray(evaluation.data.peers) ? (evaluation.data.peers as string[]) : []);
    const [message, setMessage] = React.useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
    const open = evaluation.stage === 'self_review' || evaluation.stage === 'peer_review';
    const save = async () => {
      try {
        const r = await api.request<{ peers: string[] }>('POST', `/api/plugins/scorecard/evaluations/${evaluation.id}/peers`, { json: { peers } });
        setPeers(r.peers);
        setMessage({ kind: 'ok', text: t('peers.saved', { n: r.peers.length }) });
        onSaved();
      } catch (err) {
        setMessage({ kind: 'error', text: problemLine(err) });
      }
    };
    const others = candidates.filter((c) => c.rep_id !== evaluation.data.rep_id);
    return (
      <div data-testid="peer-editor">
        <h3>{t('peers.title')}</h3>
        {!open ? (
          <p className="muted">{t('peers.closed')}</p>
        ) : (
          <>
            <label>
              {t('peers.pick')}
              <br />
              <select multiple size={Math.min(8, Math.max(3, others.length))} value={peers} onChange={(e) => setPeers([...e.target.selectedOptions].map((o) => o.value))} data-testid="peer-select">
                {others.map((c) => (
                  <option key={c.rep_id} value={c.rep_id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>{' '}
            <button type="button" data-testid="peer-save" onClick={() => void save()}>
              {t('peers.assign')}
            </button>
          </>
        )}
        {message && (
          <p className={message.kind === 'ok' ? 'muted' : 'form-alert'} role={message.kind === 'ok' ? 'status' : 'alert'} data-testid="peer-message">
            {message.text}
          </p>
        )}
      </div>
    );
  };
}

/** On the person's own page: whom he is assigned to rate as a peer, and the 1-5 form with the rubric. */
export function peerReviews(host: StudioHost) {
  const { React, api, useT, ui } = host;
  return function PeerReviews() {
    const t = useT();
    const [items, setItems] = React.useState<Assignment[] | null>(null);
    const [given, setGiven] = React.useState<Record<string, StudioRecord>>({});
    const [scores, setScores] = React.useState<Record<string, number>>({});
    const [message, setMessage] = React.useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
    const load = React.useCallback(async () => {
      const r = await api.request<{ items: Assignment[] }>('GET', '/api/plugins/scorecard/peer-reviews');
      setItems(r.items);
      // What he rated (ratings are his own records: he sees only those).
      const mine = await api.list('scorecard.rating', { filters: [{ field: 'relation', op: 'eq', value: 'peer' }], limit: 200 });
      setGiven(Object.fromEntries(mine.items.map((x) => [`${String(x.data.scorecard_id)}|${String(x.data.rep_id)}|${String(x.data.period)}`, x])));
    }, []);
    React.useEffect(() => {
      void load().catch((err: unknown) => setMessage({ kind: 'error', text: problemLine(err) }));
    }, [load]);
    if (!items || items.length === 0) return null;
    const rate = async (a: Assignment) => {
      const key = `${a.scorecard_id}|${a.rep_id}|${a.period}`;
      const body = { scorecard_id: a.scorecard_id, rep_id: a.rep_id, period: a.period, relation: 'peer', scores: a.indicators.map((x) => ({ dimension_id: x.dimension_id, indicator_id: x.indicator_id, score: scores[`${a.evaluation_id}|${x.dimension_id}.${x.indicator_id}`] ?? 3 })) };
      try {
        const old = given[key];
        if (old) await api.request('PATCH', `/api/records/scorecard.rating/${old.id}`, { json: { data: body }, headers: { 'if-match': `"${old.version}"` } });
        else await api.request('POST', '/api/records/scorecard.rating', { json: { data: body } });
        setMessage({ kind: 'ok', text: t('peers.rated', { name: a.rep_name }) });
        await load();
      } catch (err) {
        setMessage({ kind: 'error', text: problemLine(err) });
      }
    };
    return (
      <ui.Panel title={t('peers.mine')} testId="peer-reviews">
        {message && (
          <p className={message.kind === 'ok' ? 'muted' : 'form-alert'} role={message.kind === 'ok' ? 'status' : 'alert'} data-testid="peer-reviews-message">
            {message.text}
          </p>
        )}
        {items.map((a) => {
          const old = given[`${a.scorecard_id}|${a.rep_id}|${a.period}`];
          const oldScores = (old?.data.scores ?? []) as { dimension_id: string; indicator_id: string; score: number }[];
          return (
            <fieldset key={a.evaluation_id} data-testid="peer-review" data-rep={a.rep_id}>
              <legend>
                {a.rep_name} · {a.scorecard ?? ''} · {a.period} {old && <span className="muted">({t('peers.done')})</span>}
              </legend>
              {a.indicators.length === 0 && <p className="muted">{t('peers.noIndicators')}</p>}
              {a.indicators.map((x) => {
                const k = `${a.evaluation_id}|${x.dimension_id}.${x.indicator_id}`;
                const value = scores[k] ?? oldScores.find((s) => s.dimension_id === x.dimension_id && s.indicator_id === x.indicator_id)?.score ?? 3;
                return (
                  <p key={k}>
                    <label>
                      {x.label}{' '}
                      <select value={value} disabled={!a.open} onChange={(e) => setScores((s) => ({ ...s, [k]: Number(e.target.value) }))}>
                        {[1, 2, 3, 4, 5].map((n) => (
                          <option key={n} value={n}>
                            {x.rubric?.[n - 1] ? `${n} – ${x.rubric[n - 1]}` : n}
                          </option>
                        ))}
                      </select>
                    </label>
                  </p>
                );
              })}
              {a.open && a.indicators.length > 0 && (
                <button type="button" onClick={() => void rate(a)}>
                  {t('peers.submit')}
                </button>
              )}
            </fieldset>
          );
        })}
      </ui.Panel>
    );
  };
}
