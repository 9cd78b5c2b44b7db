import type { StudioHost, StudioRecord } from '@pipewright/plugin-sdk/studio';
import { calibrationBoard } from './calibration';
import { peerEditor, peerReviews } from './peers';
import { NEXT_STAGE, problemLine, type DimensionResult, type IndicatorResult } from './shared';

const EVALUATION = 'scorecard.evaluation';
const SCORECARD = 'scorecard.scorecard';

interface Results {
  period: string;
  leaderboard: { id: string; rep_id: string; name: string; team: string | null; team_id: string | null; total: number; computed_total: number; stage: string | null; band: string | null }[];
  teams: { team: string; team_id: string | null; count: number; mean: number; buckets: Record<string, number> }[];
  distribution: { buckets: Record<string, number>; forced?: { target: { top: number; middle: number; bottom: number }; counts: { top: number; middle: number; bottom: number } } };
  warnings: { code: string; message: string }[];
}

const fmt = (n: number | null | undefined, language: string, digits = 2) => (n === null || n === undefined ? '–' : new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(n));

/** One evaluation's breakdown (chart, table with explanations): the rep's page and the team page's detail. */
export function breakdownView(host: StudioHost) {
  const { React, api, ui, useT, useLanguage } = host;
  /** Metric labels by id and language, read once (GET /api/metrics). */
  let catalogue: Promise<Map<string, string | Record<string, string>>> | null = null;
  function useMetricLabel() {
    const language = useLanguage();
    const [labels, setLabels] = React.useState<Map<string, string | Record<string, string>>>(new Map());
    React.useEffect(() => {
      catalogue ??= api.request<{ items: { id: string; label: string | Record<string, string> }[] }>('GET', '/api/metrics').then((r) => new Map(r.items.map((m) => [m.id, m.label])));
      void catalogue.then(setLabels, () => undefined);
    }, []);
    return (id: string) => {
      const l = labels.get(id);
      return l === undefined ? id : typeof l === 'string' ? l : (l[language] ?? l.en ?? id);
    };
  }

  function How({ x }: { x: IndicatorResult }) {
    const t = useT();
    const language = useLanguage();
    const metricLabel = useMetricLabel();
    const e = x.explanation;
    if (x.kind === 'metric') {
      const d = x.normalisation?.method === 'percent_of_target' ? x.normalisation.detail : null;
      const target = !d ? null : d.target_source === 'okr' ? t('explain.targetOkr', { target: fmt(Number(d.target), language), periods: String(d.target_periods ?? '') }) : d.target_source === 'definition' ? t('explain.targetDefinition', { target: fmt(Number(d.target), language) }) : d.target_source === 'none' ? t('explain.targetNone') : null;
      return (
        <span title={e.metric}>
          {e.note ? t('explain.noValue') : t('explain.metric', { metric: metricLabel(e.metric ?? ''), from: e.query?.from ?? '', to: e.query?.to ?? '' })}
          {target && <span data-testid="target-source" data-source={String(d?.target_source)}> · {target}</span>}
        </span>
      );
    }
    if (x.kind === 'rating') return <span>{e.ratings && e.ratings.length > 0 ? t('explain.rating', { n: e.ratings.length, rater: t(`designer.rater.${e.rater ?? 'manager'}`) }) : t('explain.notRated')}</span>;
    return (
      <ul className="scorecard-steps">
        {(e.steps ?? []).slice(0, 6).map((s, i) => (
          <li key={i}>{s.sentence}</li>
        ))}
      </ul>
    );
  }

  return function Breakdown({ evaluation }: { evaluation: StudioRecord }) {
    const t = useT();
    const language = useLanguage();
    const dims = (evaluation.data.dimensions ?? []) as DimensionResult[];
    const adjustment = typeof evaluation.data.adjustment === 'number' ? evaluation.data.adjustment : 0;
    const option = {
      grid: { left: 140, right: 30, top: 20, bottom: 30 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', max: 100 },
      yAxis: { type: 'category', data: dims.map((d) => d.label).reverse() },
      series: [
        { name: t('col.points'), type: 'bar', stack: 'total', data: dims.map((d) => d.part).reverse(), label: { show: true, position: 'right' } },
        { name: t('col.weight'), type: 'bar', stack: 'max', barGap: '-100%', itemStyle: { color: 'rgba(128,128,128,0.15)' }, data: dims.map((d) => d.weight).reverse(), silent: true },
      ],
    };
    return (
      <div data-testid="breakdown">
        <p className="scorecard-total">
          <strong>
            {t('common.total')}: <span data-testid="evaluation-total" data-value={String(evaluation.data.total)}>{fmt(evaluation.data.total as number, language)}</span>
          </strong>
          {adjustment !== 0 && (
            <span className="muted">
              {' '}
              ({t('me.computed')} {fmt(evaluation.data.computed_total as number, language)}, {t('me.adjustment')} {adjustment > 0 ? '+' : ''}
              {fmt(adjustment, language)})
            </span>
          )}
        </p>
        <ui.Chart option={option} label={t('me.chart')} testId="breakdown-chart" />
        <h3>{t('me.explanation')}</h3>
        <div className="table-wrap">
          <table className="records" data-testid="breakdown-table">
            <thead>
              <tr>
                <th>{t('col.indicator')}</th>
                <th className="num">{t('col.raw')}</th>
                <th className="num">{t('col.score')}</th>
                <th className="num">{t('col.weight')}</th>
                <th className="num">{t('col.points')}</th>
                <th>{t('col.how')}</th>
              </tr>
            </thead>
            <tbody>
              {dims.flatMap((d) => [
                <tr key={d.id} data-dimension={d.id} className="scorecard-dimension-row">
                  <th>{d.label}</th>
                  <td />
                  <td className="num">{fmt(d.score, language)}</td>
                  <td className="num">{fmt(d.weight, language)}%</td>
                  <td className="num" data-col="part" data-value={d.part}>
                    <strong>{fmt(d.part, language)}</strong>
                  </td>
                  <td />
                </tr>,
                ...d.indicators.map((x) => (
                  <tr key={`${d.id}.${x.id}`} data-indicator={`${d.id}.${x.id}`}>
                    <td>
                      {x.label}{' '}
                      {x.noise?.mostly_noise && (
                        <span className="form-alert" data-testid="noise-flag" title={t('designer.noiseTitle', { a: x.noise.periods[0], b: x.noise.periods[1], rho: x.noise.rho === null ? '–' : x.noise.rho.toFixed(2) })}>
                          {t('designer.noise')}
                        </span>
                      )}
                    </td>
                    <td className="num" data-col="raw" data-value={x.raw ?? ''}>
                      {fmt(x.raw, language, 4)}
                    </td>
                    <td className="num">{fmt(x.score, language)}</td>
                    <td className="num">{fmt(x.weight, language)}%</td>
                    <td className="num" data-col="part" data-value={x.part}>
                      {fmt(x.part, language)}
                    </td>
                    <td>
                      <How x={x} />
                    </td>
                  </tr>
                )),
              ])}
              {adjustment !== 0 && (
                <tr>
                  <th>{t('me.adjustment')}</th>
                  <td colSpan={3} />
                  <td className="num" data-col="part" data-value={adjustment}>
                    {fmt(adjustment, language)}
                  </td>
                  <td>{((evaluation.data.calibration ?? []) as { reason: string }[]).map((c) => c.reason).join('; ')}</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </div>
    );
  };
}

/** The rep's page (`/p/scorecard/me`): his published evaluations, the latest's breakdown and explanation, and the trend of totals. */
export function myScorecardPage(host: StudioHost) {
  const { React, api, useT, ui } = host;
  const Breakdown = breakdownView(host);
  const PeerReviews = peerReviews(host);
  return function MyScorecard() {
    const t = useT();
    const [items, setItems] = React.useState<StudioRecord[] | null>(null);
    const [error, setError] = React.useState('');
    const [pick, setPick] = React.useState<string>('');
    React.useEffect(() => {
      void (async () => {
        try {
          const me = await api.request<{ user: { id: string } | null }>('GET', '/api/auth/me');
          const list = await api.list(EVALUATION, { filters: [{ field: 'rep_id', op: 'eq', value: me.user?.id ?? '' }], sort: '-createdAt', limit: 100 });
          setItems(list.items.filter((e) => e.stage === 'published'));
        } catch (err) {
          setError(problemLine(err));
        }
      })();
    }, []);
    const sorted = [...(items ?? [])].sort((a, b) => String(a.data.period).localeCompare(String(b.data.period)));
    const shown = sorted.find((e) => e.id === pick) ?? sorted.at(-1);
    return (
      <div data-testid="my-scorecard">
        <div className="page-head">
          <h1>{t('me.title')}</h1>
        </div>
        {error && (
          <p className="form-alert" role="alert">
            {error}
          </p>
        )}
        <PeerReviews />
        {items === null && !error && <p role="status">{t('common.loading')}</p>}
        {items !== null && items.length === 0 && <p className="empty">{t('me.none')}</p>}
        {shown && (
          <>
            <div className="panel">
              <label>
                {t('common.period')}{' '}
                <select value={shown.id} onChange={(e) => setPick(e.target.value)}>
                  {sorted.map((e) => (
                    <option key={e.id} value={e.id}>
                      {String(e.data.period)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <ui.Panel title={`${t('me.breakdown')} · ${String(shown.data.period)}`} testId="my-breakdown">
              <Breakdown evaluation={shown} />
            </ui.Panel>
            {sorted.length > 1 && (
              <ui.Panel title={t('me.trend')} testId="my-trend">
                <ui.Chart option={{ grid: { left: 50, right: 20, top: 20, bottom: 30 }, tooltip: { trigger: 'axis' }, xAxis: { type: 'category', data: sorted.map((e) => String(e.data.period)) }, yAxis: { type: 'value', max: 100 }, series: [{ type: 'line', name: t('common.total'), data: sorted.map((e) => e.data.total) }] }} label={t('me.trend')} />
              </ui.Panel>
            )}
          </>
        )}
      </div>
    );
  };
}

/**
 * The team page (`/p/scorecard/team?card=&period=`): distribution of totals and by team, the
 * leaderboard with each person's review stage, advancing the review (publish included), and the
 * calibration board (move a person with a reason).
 */
export function teamPage(host: StudioHost) {
  const { React, api, useT, useLanguage, ui } = host;
  const Breakdown = breakdownView(host);
  const CalibrationBoard = calibrationBoard(host);
  const PeerEditor = peerEditor(host);
  return function TeamScorecards() {
    const t = useT();
    const language = useLanguage();
    const params = new URLSearchParams(window.location.search);
    const [cards, setCards] = React.useState<StudioRecord[]>([]);
    const [card, setCard] = React.useState(params.get('card') ?? '');
    const [period, setPeriod] = React.useState(params.get('period') ?? '');
    const [results, setResults] = React.useState<Results | null>(null);
    const [message, setMessage] = React.useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
    const [detail, setDetail] = React.useState<StudioRecord | null>(null);
    const [moves, setMoves] = React.useState<Record<string, { total: string; reason: string }>>({});
    React.useEffect(() => {
      void api.list(SCORECARD, { limit: 100, sort: '-createdAt' }).then((r) => {
        setCards(r.items);
        if (!card && r.items[0]) {
          setCard(r.items[0].id);
          setPeriod(String(r.items[0].data.period ?? ''));
        }
      });
    }, []);
    const load = React.useCallback(async () => {
      if (!card || !/^\d{4}/.test(period)) return setResults(null);
      try {
        setResults(await api.request<Results>('GET', `/api/plugins/scorecard/scorecards/${card}/results?period=${encodeURIComponent(period)}`));
        window.history.replaceState(window.history.state, '', `${window.location.pathname}?card=${card}&period=${encodeURIComponent(period)}`);
      } catch (err) {
        setMessage({ kind: 'error', text: problemLine(err) });
      }
    }, [card, period]);
    React.useEffect(() => {
      void load();
    }, [load]);
    // The open breakdown follows the review (its stage decides whether peers can still be assigned).
    const detailId = detail?.id;
    React.useEffect(() => {
      if (detailId) void api.get(EVALUATION, detailId).then(setDetail, () => setDetail(null));
      // results stand for "the review moved on"
    }, [results]);

    const advance = async () => {
      let n = 0;
      try {
        for (const row of results?.leaderboard ?? []) {
          const next = row.stage ? NEXT_STAGE[row.stage] : undefined;
          if (!next) continue;
          const rec = await api.get(EVALUATION, row.id);
          await api.request('POST', `/api/records/${EVALUATION}/${row.id}/transitions`, { json: { to: next }, headers: { 'if-match': `"${rec.version}"` } });
          n++;
        }
        setMessage({ kind: 'ok', text: t('team.advanced', { n }) });
      } catch (err) {
        setMessage({ kind: 'error', text: problemLine(err) });
      }
      await load();
    };
    const calibrate = async (id: string) => {
      const m = moves[id];
      try {
        await api.request('POST', `/api/plugins/scorecard/evaluations/${id}/calibrate`, { json: { total: Number(m?.total), reason: m?.reason ?? '' } });
        setMoves((x) => ({ ...x, [id]: { total: '', reason: '' } }));
        setMessage(null);
      } catch (err) {
        setMessage({ kind: 'error', text: problemLine(err) });
      }
      await load();
    };
    const stageLabel = (s: string | null) => (s ? t(`stage.${s}`) : '–');
    const buckets = results ? Object.keys(results.distribution.buckets) : [];
    const inCalibration = (results?.leaderboard ?? []).filter((l) => l.stage === 'calibration');

    return (
      <div data-testid="team-scorecards">
        <div className="page-head">
          <h1>{t('team.title')}</h1>
        </div>
        <div className="panel filter-form">
          <label>
            {t('common.scorecard')}{' '}
            <select data-testid="team-card" value={card} onChange={(e) => setCard(e.target.value)}>
              {cards.map((c) => (
                <option key={c.id} value={c.id}>
                  {String(c.data.name)}
                </option>
              ))}
            </select>
          </label>{' '}
          <label>
            {t('common.period')} <input data-testid="team-period" size={8} value={period} onChange={(e) => setPeriod(e.target.value.trim())} />
          </label>{' '}
          <button type="button" data-testid="advance-review" onClick={() => void advance()} disabled={!results || results.leaderboard.every((l) => !l.stage || !NEXT_STAGE[l.stage])}>
            {t('team.advance')}
          </button>
        </div>
        {message && (
          <p className={message.kind === 'ok' ? 'muted' : 'form-alert'} role={message.kind === 'ok' ? 'status' : 'alert'} data-testid="team-message">
            {message.text}
          </p>
        )}
        {results && (
          <>
            {results.warnings.map((w) => (
              <p key={w.code} className="form-alert" data-testid="team-warning" data-code={w.code}>
                {w.code === 'forced-distribution-small' ? t('team.smallWarning', { n: results.leaderboard.length }) : w.message}
              </p>
            ))}
            <ui.Panel title={t('team.distribution')} testId="team-distribution">
              <ui.Chart option={{ grid: { left: 40, right: 20, top: 20, bottom: 30 }, tooltip: { trigger: 'axis' }, xAxis: { type: 'category', data: buckets }, yAxis: { type: 'value', minInterval: 1 }, series: [{ type: 'bar', name: t('col.count'), data: buckets.map((b) => results.distribution.buckets[b]) }] }} label={t('team.distribution')} testId="distribution-chart" />
              {results.distribution.forced && (
                <p className="muted" data-testid="forced-distribution">
                  {t('team.forced', { top: `${results.distribution.forced.counts.top}/${results.distribution.forced.target.top}%`, middle: `${results.distribution.forced.counts.middle}/${results.distribution.forced.target.middle}%`, bottom: `${results.distribution.forced.counts.bottom}/${results.distribution.forced.target.bottom}%` })}
                </p>
              )}
              <h3>{t('team.teams')}</h3>
              <table className="records">
                <thead>
                  <tr>
                    <th>{t('col.team')}</th>
                    <th className="num">{t('col.count')}</th>
                    <th className="num">{t('col.mean')}</th>
                    {buckets.map((b) => (
                      <th key={b} className="num">
                        {b}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {results.teams.map((tm) => (
                    <tr key={tm.team_id ?? ''}>
                      <td>{tm.team}</td>
                      <td className="num">{tm.count}</td>
                      <td className="num">{fmt(tm.mean, language)}</td>
                      {buckets.map((b) => (
                        <td key={b} className="num">
                          {tm.buckets[b]}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </ui.Panel>
            <ui.Panel title={inCalibration.length > 0 ? `${t('team.leaderboard')} · ${t('team.calibration')}` : t('team.leaderboard')} testId="team-leaderboard">
              <div className="table-wrap">
                <table className="records">
                  <thead>
                    <tr>
                      <th className="num">#</th>
                      <th>{t('col.person')}</th>
                      <th>{t('col.team')}</th>
                      <th className="num">{t('common.total')}</th>
                      <th>{t('col.band')}</th>
                      <th>{t('col.stage')}</th>
                      {inCalibration.length > 0 && <th>{t('team.calibration')}</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {results.leaderboard.map((l, i) => (
                      <tr key={l.id} data-rep={l.rep_id} data-stage={l.stage ?? ''}>
                        <td className="num">{i + 1}</td>
                        <td>
                          <a
                            href={`#${l.rep_id}`}
                            onClick={(e) => {
                              e.preventDefault();
                              void api.get(EVALUATION, l.id).then(setDetail);
                            }}
                          >
                            {l.name}
                          </a>
                        </td>
                        <td>{l.team}</td>
                        <td className="num" data-col="total" data-value={l.total}>
                          {fmt(l.total, language)}
                        </td>
                        <td>{l.band ? t(`band.${l.band}`) : ''}</td>
                        <td>{stageLabel(l.stage)}</td>
                        {inCalibration.length > 0 && (
                          <td className="scorecard-calibrate">
                            {l.stage === 'calibration' && (
                              <>
                                <input type="number" min={0} max={100} step="any" style={{ width: '5em' }} aria-label={t('team.calibrateTotal')} placeholder={t('team.calibrateTotal')} value={moves[l.id]?.total ?? ''} onChange={(e) => setMoves((x) => ({ ...x, [l.id]: { total: e.target.value, reason: x[l.id]?.reason ?? '' } }))} />{' '}
                                <input aria-label={t('team.calibrateReason')} placeholder={t('team.calibrateReason')} value={moves[l.id]?.reason ?? ''} onChange={(e) => setMoves((x) => ({ ...x, [l.id]: { total: x[l.id]?.total ?? '', reason: e.target.value } }))} />{' '}
                                <button type="button" onClick={() => void calibrate(l.id)}>
                                  {t('team.calibrate')}
                                </button>
                              </>
                            )}
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </ui.Panel>
            {inCalibration.length > 0 && (
              <ui.Panel title={t('team.calibration')} testId="calibration-panel">
                <CalibrationBoard people={inCalibration} onMoved={load} />
              </ui.Panel>
            )}
            {detail && (
              <ui.Panel title={`${String(detail.data.rep_name ?? detail.data.rep_id)} · ${String(detail.data.period)}`} testId="team-detail">
                <PeerEditor key={detail.id} evaluation={detail} candidates={results.leaderboard} onSaved={() => void api.get(EVALUATION, detail.id).then(setDetail)} />
                <Breakdown evaluation={detail} />
              </ui.Panel>
            )}
          </>
        )}
      </div>
    );
  };
}
