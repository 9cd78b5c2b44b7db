import type { StudioHost, StudioRecord } from '@pipewright/plugin-sdk/studio';
import { definitionOf, idFrom, parseTiers, problemLine, tiersText, weightSum, type CardDraft, type DimensionDraft, type IndicatorDraft, type Noise } from './shared';

interface MetricInfo {
  id: string;
  label: string | Record<string, string>;
}
interface Preview {
  count: number;
  people: { rep_id: string; name: string; total: number; dimensions: { id: string; part: number; indicators?: { id: string; explanation?: { inputs?: Record<string, number | null> } }[] }[] }[];
  noise: Record<string, Noise>;
  targets?: Record<string, { metric: string; periods: string[]; okr: boolean; people_with_target: number; people_without_target: number; fallback: number | null }>;
}

const SCORECARD = 'scorecard.scorecard';
const NEW_CARD: CardDraft = {
  name: '',
  period: '',
  forced_distribution: { top: 20, middle: 70, bottom: 10 },
  dimensions: [{ id: 'results', label: 'Results', weight: 100, indicators: [{ id: 'won_deals', label: 'Won deals', kind: 'metric', weight: 100, metric: 'pipeline.won_count', normalise: { method: 'percentile' } }] }],
};

function draftOf(data: Record<string, unknown>): CardDraft {
  const dims = (Array.isArray(data.dimensions) ? data.dimensions : []) as DimensionDraft[];
  return { name: String(data.name ?? ''), period: String(data.period ?? ''), dimensions: dims.map((d) => ({ ...d, indicators: d.indicators ?? [] })), ...(data.forced_distribution ? { forced_distribution: data.forced_distribution as CardDraft['forced_distribution'] } : {}) };
}

/**
 * The scorecard designer (`/p/scorecard/designer`): dimensions and their indicators (metric,
 * json-logic rule over metric values, or 1-5 rating) with weights and a live check that each
 * level sums to 100, normalisation per indicator, a live preview on the real people in scope
 * (with the noise flag of every metric indicator), save, and compute the evaluations.
 */
export function designerPage(host: StudioHost) {
  const { React, api, useT, useLanguage, ui } = host;

  function SumBadge({ items, label, testId }: { items: readonly { weight: number }[]; label: string; testId: string }) {
    const t = useT();
    const { sum, ok } = weightSum(items);
    return (
      <span className={ok ? 'muted' : 'form-alert'} data-testid={testId} data-ok={ok ? 'true' : 'false'} data-sum={sum} role={ok ? undefined : 'alert'}>
        {label}: {ok ? t('designer.sumOk') : t('designer.sum', { sum })}
      </span>
    );
  }

  function NoiseBadge({ noise }: { noise: Noise | undefined }) {
    const t = useT();
    if (!noise) return null;
    const title = t('designer.noiseTitle', { a: noise.periods[0], b: noise.periods[1], rho: noise.rho === null ? '–' : noise.rho.toFixed(2) });
    return (
      <span className={noise.mostly_noise ? 'form-alert' : 'muted'} title={title} data-testid="noise-flag" data-noise={noise.mostly_noise ? 'true' : 'false'} data-rho={noise.rho ?? ''}>
        {noise.mostly_noise ? t('designer.noise') : t('designer.stable')} (ρ = {noise.rho === null ? '–' : noise.rho.toFixed(2)})
      </span>
    );
  }

  return function ScorecardDesigner() {
    const t = useT();
    const language = useLanguage();
    const [cards, setCards] = React.useState<StudioRecord[]>([]);
    const [selected, setSelected] = React.useState<StudioRecord | null>(null);
    const [draft, setDraft] = React.useState<CardDraft>(NEW_CARD);
    const [metrics, setMetrics] = React.useState<MetricInfo[]>([]);
    const [preview, setPreview] = React.useState<{ state: 'idle' | 'loading' } | { state: 'ok'; data: Preview } | { state: 'failed'; message: string }>({ state: 'idle' });
    const [message, setMessage] = React.useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

    const reload = React.useCallback(async () => setCards((await api.list(SCORECARD, { limit: 100, sort: '-createdAt' })).items), []);
    React.useEffect(() => {
      void reload();
      void api.request<{ items: MetricInfo[] }>('GET', '/api/metrics').then((r) => setMetrics(r.items));
    }, [reload]);

    const definition = definitionOf(draft);
    const key = JSON.stringify(definition);
    React.useEffect(() => {
      if (!/^\d{4}(-(Q[1-4]|H[12]|0[1-9]|1[0-2]))?$/.test(draft.period)) return setPreview({ state: 'idle' });
      const ctrl = new AbortController();
      setPreview({ state: 'loading' });
      const timer = setTimeout(() => {
        api.request<Preview>('POST', '/api/plugins/scorecard/preview', { json: { definition, period: draft.period, limit: 10 }, signal: ctrl.signal }).then(
          (data) => !ctrl.signal.aborted && setPreview({ state: 'ok', data }),
          (err: unknown) => !ctrl.signal.aborted && setPreview({ state: 'failed', message: problemLine(err) }),
        );
      }, 400);
      return () => {
        clearTimeout(timer);
        ctrl.abort();
      };
      // the key is the whole definition
    }, [key]);

    const metricLabel = (id: string) => {
      const m = metrics.find((x) => x.id === id);
      if (!m) return id;
      return typeof m.label === 'string' ? m.label : (m.label[language] ?? m.label.en ?? id);
    };
    const setDim = (i: number, patch: Partial<DimensionDraft>) => setDraft((d) => ({ ...d, dimensions: d.dimensions.map((x, k) => (k === i ? { ...x, ...patch } : x)) }));
    const setInd = (i: number, j: number, patch: Partial<IndicatorDraft>) => setDim(i, { indicators: draft.dimensions[i]!.indicators.map((x, k) => (k === j ? { ...x, ...patch } : x)) });
    // The rule builder's change arrives after the draft may have moved on: patch by position, from the latest draft.
    const setRule = (i: number, j: number, rule: unknown) => setDraft((dr) => ({ ...dr, dimensions: dr.dimensions.map((dim, k) => (k === i ? { ...dim, indicators: dim.indicators.map((y, l) => (l === j ? { ...y, rule } : y)) } : dim)) }));
    // The preview's real people, as the values a rule reads (`{"var": "pipeline.won_count"}`).
    const samplesFor = (key: string) =>
      preview.state !== 'ok'
        ? []
        : preview.data.people.map((p) => {
            const inputs = p.dimensions.flatMap((dm) => (dm.indicators ?? []).map((y) => [`${dm.id}.${y.id}`, y] as const)).find(([k]) => k === key)?.[1].explanation?.inputs ?? {};
            const data: Record<string, Record<string, unknown>> = {};
            for (const [m, v] of Object.entries(inputs)) {
              const dot = m.indexOf('.');
              (data[m.slice(0, dot)] ??= {})[m.slice(dot + 1)] = v;
            }
            return { label: p.name, data };
          });
    const open = (r: StudioRecord | null) => {
      setSelected(r);
      setDraft(r ? draftOf(r.data) : NEW_CARD);
      setMessage(null);
    };
    const save = async () => {
      try {
        const saved = selected
          ? await api.request<StudioRecord>('PATCH', `/api/records/${SCORECARD}/${selected.id}`, { json: { data: definition }, headers: { 'if-match': `"${selected.version}"` } })
          : await api.request<StudioRecord>('POST', `/api/records/${SCORECARD}`, { json: { data: definition, owner: null } });
        setSelected(saved);
        setMessage({ kind: 'ok', text: t('common.saved') });
        await reload();
        return saved;
      } catch (err) {
        setMessage({ kind: 'error', text: problemLine(err) });
        return null;
      }
    };
    const computeAll = async () => {
      const card = await save();
      if (!card) return;
      try {
        const r = await api.request<{ evaluations: { outcome: string }[] }>('POST', `/api/plugins/scorecard/scorecards/${card.id}/compute`, { json: {} });
        const n = (o: string) => r.evaluations.filter((e) => e.outcome === o).length;
        setMessage({ kind: 'ok', text: t('designer.computed', { n: r.evaluations.length, created: n('created'), updated: n('updated'), locked: n('locked') }) });
      } catch (err) {
        setMessage({ kind: 'error', text: problemLine(err) });
      }
    };
    const noise = preview.state === 'ok' ? preview.data.noise : {};

    return (
      <div className="scorecard-designer" data-testid="scorecard-designer">
        <div className="page-head">
          <h1>{t('designer.title')}</h1>
        </div>
        <div className="panel">
          <div className="filter-form">
            <label>
              {t('common.scorecard')}{' '}
              <select data-testid="card-picker" value={selected?.id ?? ''} onChange={(e) => open(cards.find((c) => c.id === e.target.value) ?? null)}>
                <option value="">{t('designer.new')}</option>
                {cards.map((c) => (
                  <option key={c.id} value={c.id}>
                    {String(c.data.name)}
                  </option>
                ))}
              </select>
            </label>{' '}
            <label>
              {t('designer.name')} <input data-testid="card-name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
            </label>{' '}
            <label>
              {t('designer.forced')}{' '}
              {(['top', 'middle', 'bottom'] as const).map((b) => (
                <input key={b} type="number" min={0} max={100} step="any" style={{ width: '4em' }} aria-label={t(`band.${b}`)} title={t(`band.${b}`)} data-testid={`forced-${b}`} value={draft.forced_distribution?.[b] ?? ''} onChange={(e) => setDraft({ ...draft, forced_distribution: { ...(draft.forced_distribution ?? { top: 0, middle: 0, bottom: 0 }), [b]: Number(e.target.value) } })} />
              ))}
            </label>{' '}
            <label>
              {t('common.period')} <input data-testid="card-period" placeholder="2017-Q4" size={8} value={draft.period} onChange={(e) => setDraft({ ...draft, period: e.target.value.trim() })} />
            </label>
          </div>
        </div>
        <section className="panel" aria-label={t('designer.dimensions')}>
          <h2>
            {t('designer.dimensions')} <SumBadge items={draft.dimensions} label={t('designer.dimensionSum')} testId="dimension-sum" />
          </h2>
          {draft.dimensions.map((d, i) => (
            <fieldset key={i} data-testid={`dimension-${i}`} className="scorecard-dimension">
              <legend>
                <input aria-label={t('designer.label')} data-testid={`dimension-${i}-label`} value={d.label} onChange={(e) => setDim(i, { label: e.target.value, ...(d.id.startsWith('dim_') || d.label === '' ? { id: idFrom(e.target.value, draft.dimensions.filter((_, k) => k !== i).map((x) => x.id)) } : {}) })} />{' '}
                <label>
                  {t('designer.weight')} <input type="number" min={0} max={100} step="any" style={{ width: '5em' }} data-testid={`dimension-${i}-weight`} value={d.weight} onChange={(e) => setDim(i, { weight: Number(e.target.value) })} />
                </label>{' '}
                <SumBadge items={d.indicators} label={t('designer.indicatorSum')} testId={`dimension-${i}-sum`} />{' '}
                <button type="button" onClick={() => setDraft({ ...draft, dimensions: draft.dimensions.filter((_, k) => k !== i) })}>
                  {t('designer.remove')}
                </button>
              </legend>
              <div className="table-wrap">
                <table className="records">
                  <thead>
                    <tr>
                      <th>{t('designer.label')}</th>
                      <th>{t('designer.kind')}</th>
                      <th>{t('designer.weight')}</th>
                      <th>{t('designer.normalise')}</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {d.indicators.map((x, j) => (
                      <tr key={j} data-testid={`indicator-${i}-${j}`}>
                        <td>
                          <input aria-label={t('designer.label')} data-testid={`indicator-${i}-${j}-label`} value={x.label} onChange={(e) => setInd(i, j, { label: e.target.value, id: idFrom(e.target.value, d.indicators.filter((_, k) => k !== j).map((y) => y.id)) })} />
                          <div>
                            {x.kind === 'metric' && (
                              <>
                              <label>
                                {t('designer.metric')}{' '}
                                <select data-testid={`indicator-${i}-${j}-metric`} value={x.metric ?? ''} onChange={(e) => setInd(i, j, { metric: e.target.value })}>
                                  <option value="" />
                                  {metrics.map((m) => (
                                    <option key={m.id} value={m.id}>
                                      {metricLabel(m.id)}
                                    </option>
                                  ))}
                                </select>
                              </label>
                              <div>
                                <NoiseBadge noise={noise[`${d.id}.${x.id}`]} />
                              </div>
                              </>
                            )}
                            {x.kind === 'rule' && (
                              <>
                                <label>
                                  {t('designer.ruleInputs')}{' '}
                                  <select multiple data-testid={`indicator-${i}-${j}-inputs`} value={x.inputs ?? []} onChange={(e) => setInd(i, j, { inputs: [...e.target.selectedOptions].map((o) => o.value) })}>
                                    {metrics.map((m) => (
                                      <option key={m.id} value={m.id}>
                                        {m.id}
                                      </option>
                                    ))}
                                  </select>
                                </label>
                                <p className="muted">{t('designer.ruleBelow')}</p>
                              </>
                            )}
                            {x.kind === 'rating' && (
                              <label>
                                {t('designer.rater')}{' '}
                                <select data-testid={`indicator-${i}-${j}-rater`} value={x.rater ?? 'manager'} onChange={(e) => setInd(i, j, { rater: e.target.value as IndicatorDraft['rater'] })}>
                                  {(['self', 'peer', 'manager'] as const).map((r) => (
                                    <option key={r} value={r}>
                                      {t(`designer.rater.${r}`)}
                                    </option>
                                  ))}
                                </select>
                              </label>
                            )}
                          </div>
                        </td>
                        <td>
                          <select aria-label={t('designer.kind')} data-testid={`indicator-${i}-${j}-kind`} value={x.kind} onChange={(e) => { const kind = e.target.value as IndicatorDraft['kind']; setInd(i, j, { kind, normalise: { method: kind === 'rule' ? 'none' : 'percentile' } }); }}>
                            {(['metric', 'rule', 'rating'] as const).map((k) => (
                              <option key={k} value={k}>
                                {t(`designer.kind.${k}`)}
                              </option>
                            ))}
                          </select>
                        </td>
                        <td>
                          <input type="number" min={0} max={100} step="any" style={{ width: '5em' }} aria-label={t('designer.weight')} data-testid={`indicator-${i}-${j}-weight`} value={x.weight} onChange={(e) => setInd(i, j, { weight: Number(e.target.value) })} />
                        </td>
                        <td>
                          {x.kind !== 'rating' && (
                            <>
                              <select aria-label={t('designer.normalise')} data-testid={`indicator-${i}-${j}-normalise`} value={x.normalise?.method ?? (x.kind === 'rule' ? 'none' : 'percentile')} onChange={(e) => setInd(i, j, { normalise: { method: e.target.value, ...(e.target.value === 'percent_of_target' && x.normalise?.target !== undefined ? { target: x.normalise.target } : {}), ...(e.target.value === 'tiers' ? { tiers: x.normalise?.tiers ?? [{ min: 0, score: 0 }] } : {}) } })}>
                                {['percentile', 'min_max', 'percent_of_target', 'tiers', 'none'].map((m) => (
                                  <option key={m} value={m}>
                                    {t(`designer.normalise.${m}`)}
                                  </option>
                                ))}
                              </select>
                              {x.normalise?.method === 'percent_of_target' && (
                                <label>
                                  {' '}
                                  {x.kind === 'metric' ? t('designer.targetOkr') : t('designer.target')}{' '}
                                  <input type="number" step="any" style={{ width: '6em' }} data-testid={`indicator-${i}-${j}-target`} value={x.normalise.target ?? ''} onChange={(e) => { const { target: _old, ...rest } = x.normalise!; setInd(i, j, { normalise: e.target.value.trim() === '' ? rest : { ...rest, target: Number(e.target.value) } }); }} />
                                </label>
                              )}
                              {x.normalise?.method === 'tiers' && (
                                <label>
                                  {' '}
                                  {t('designer.tiers')} <input defaultValue={tiersText(x.normalise.tiers)} onBlur={(e) => setInd(i, j, { normalise: { method: 'tiers', tiers: parseTiers(e.target.value) } })} />
                                </label>
                              )}
                            </>
                          )}
                        </td>
                        <td>
                          <button type="button" onClick={() => setDim(i, { indicators: d.indicators.filter((_, k) => k !== j) })}>
                            {t('designer.remove')}
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {d.indicators.map((x, j) =>
                x.kind === 'rule' ? (
                  <div key={`${j}-rule`} className="scorecard-rule" data-testid={`indicator-${i}-${j}-rule-row`}>
                    <h3>
                      {t('designer.rule')}: {x.label}
                    </h3>
                    <ui.RuleBuilder
                      key={`${selected?.id ?? 'new'}-${i}-${j}`}
                      label={`${t('designer.rule')}: ${x.label}`}
                      testId={`indicator-${i}-${j}-rule`}
                      rule={x.rule ?? null}
                      variables={(x.inputs ?? []).map((m) => ({ name: m, type: 'number' as const, title: metricLabel(m) }))}
                      samples={samplesFor(`${d.id}.${x.id}`)}
                      onChange={(rule) => setRule(i, j, rule)}
                    />
                  </div>
                ) : null,
              )}
              <button type="button" data-testid={`dimension-${i}-add`} onClick={() => setDim(i, { indicators: [...d.indicators, { id: idFrom('indicator', d.indicators.map((y) => y.id)), label: '', kind: 'metric', weight: 0, normalise: { method: 'percentile' } }] })}>
                {t('designer.addIndicator')}
              </button>
            </fieldset>
          ))}
          <button type="button" data-testid="add-dimension" onClick={() => setDraft({ ...draft, dimensions: [...draft.dimensions, { id: idFrom('dim', draft.dimensions.map((x) => x.id)), label: '', weight: 0, indicators: [] }] })}>
            {t('designer.addDimension')}
          </button>
        </section>
        <div className="panel">
          <button type="button" data-testid="save-card" onClick={() => void save()}>
            {t('common.save')}
          </button>{' '}
          <button type="button" data-testid="compute-card" onClick={() => void computeAll()}>
            {t('designer.compute')}
          </button>{' '}
          {selected && <ui.Link href={`/p/scorecard/team?card=${selected.id}&period=${encodeURIComponent(draft.period)}`}>{t('designer.openTeam')}</ui.Link>}
          {message && (
            <p className={message.kind === 'ok' ? 'muted' : 'form-alert'} role={message.kind === 'ok' ? 'status' : 'alert'} data-testid="designer-message">
              {message.text}
            </p>
          )}
        </div>
        <ui.Panel title={t('designer.preview')} testId="designer-preview">
          {preview.state === 'loading' && <p role="status">{t('common.loading')}</p>}
          {preview.state === 'failed' && (
            <p className="form-alert" role="alert">
              {preview.message}
            </p>
          )}
          {preview.state === 'ok' && (
            <>
              <p className="muted">{t('designer.previewPeople', { n: preview.data.count, shown: preview.data.people.length })}</p>
              {Object.entries(preview.data.targets ?? {}).map(([key, tg]) => {
                const label = draft.dimensions.flatMap((d) => d.indicators.map((x) => [`${d.id}.${x.id}`, x.label] as const)).find(([k]) => k === key)?.[1] ?? key;
                const fallback = tg.fallback === null ? t('designer.targetNone') : t('designer.targetFallback', { target: tg.fallback });
                return (
                  <p key={key} className={tg.people_without_target > 0 && tg.fallback === null ? 'form-alert' : 'muted'} data-testid="target-source" data-indicator={key} data-with={tg.people_with_target}>
                    {tg.okr ? t('designer.targetsFound', { label, with: tg.people_with_target, n: tg.people_with_target + tg.people_without_target, periods: tg.periods.join(' + '), fallback }) : t('designer.targetsNoOkr', { label, fallback })}
                  </p>
                );
              })}
              <div className="table-wrap">
                <table className="records">
                  <thead>
                    <tr>
                      <th>{t('col.person')}</th>
                      {draft.dimensions.map((d) => (
                        <th key={d.id} className="num">
                          {d.label}
                        </th>
                      ))}
                      <th className="num">{t('common.total')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.data.people.map((p) => (
                      <tr key={p.rep_id} data-rep={p.rep_id}>
                        <td>{p.name}</td>
                        {draft.dimensions.map((d) => (
                          <td key={d.id} className="num">
                            {(p.dimensions.find((x) => x.id === d.id)?.part ?? 0).toFixed(2)}
                          </td>
                        ))}
                        <td className="num" data-col="total" data-value={p.total}>
                          {p.total.toFixed(2)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </ui.Panel>
      </div>
    );
  };
}
