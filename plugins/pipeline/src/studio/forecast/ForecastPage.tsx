import type { ReactNode } from 'react';
import type { StudioHost } from '@pipewright/plugin-sdk/studio';
import { loadHook, type Load } from '../analytics/use-load';
import { backtestChartOption, formatMoney, formatPercent, readForecastQuery, writeForecastQuery, type BacktestAnswer, type Figures, type ForecastAnswer, type ForecastQuery } from './model';

type T = (key: string, values?: Record<string, unknown>) => string;

interface OrgUnit {
  id: string;
  name: string;
  kind: string;
  parent: string | null;
}

/**
 * The forecast page (`/p/pipeline/forecast`): the current forecast of a month or quarter for the
 * company or an org unit (won so far, the cumulative commit / best case / pipeline calls, the
 * weighted pipeline and the history-based forecast with its P10-P90 range), broken down one level,
 * and the backtest of the history-based method (forecast and band vs actual vs the two baselines
 * per origin, with their MAPE), so the reader sees how far to trust it. Everything comes from
 * `/api/plugins/pipeline/forecast`, which counts only what the reader may see.
 */
export function forecastPage(host: StudioHost) {
  const { React, api, ui, useT, useLanguage } = host;
  const useLoad = loadHook(React);

  function Status<D>({ load, t, children }: { load: Load<D>; t: T; children: (data: D) => ReactNode }) {
    if (load.state === 'loading') return <p role="status" className="muted">{t('forecast.loading')}</p>;
    if (load.state === 'failed')
      return (
        <div className="form-alert" role="alert" data-testid="forecast-problem">
          <p>
            <strong>{t('forecast.failed')}</strong>
            {load.problem.status ? ` (${load.problem.status})` : ''}
          </p>
          {load.problem.detail && <p>{load.problem.detail}</p>}
          {load.problem.errors.length > 0 && (
            <ul>
              {load.problem.errors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          )}
        </div>
      );
    return <>{children(load.data)}</>;
  }

  const COLUMNS = ['closed', 'commit', 'best_case', 'pipeline', 'weighted', 'forecast', 'p10', 'p90'] as const;
  const valueOf = (f: Figures, c: (typeof COLUMNS)[number]): number =>
    c === 'closed' ? f.closed : c === 'commit' ? f.rollup.commit : c === 'best_case' ? f.rollup.best_case : c === 'pipeline' ? f.rollup.pipeline : c === 'weighted' ? f.weighted_pipeline : c === 'forecast' ? f.model.forecast : c === 'p10' ? f.model.p10 : f.model.p90;

  function CurrentSection({ load, t, language, onUnit }: { load: Load<ForecastAnswer>; t: T; language: string; onUnit: (id: string) => void }) {
    return (
      <ui.Panel title={t('forecast.current.title')} testId="forecast-current">
        <p className="muted">{t('forecast.current.help')}</p>
        <Status load={load} t={t}>
          {(a) => {
            const cell = (f: Figures, c: (typeof COLUMNS)[number]) => {
              const v = valueOf(f, c);
              return (
                <td key={c} className="num" data-col={c} data-label={t(`forecast.col.${c}`)} data-value={String(v)}>
                  {formatMoney(v, language)}
                </td>
              );
            };
            return (
              <>
                <p data-testid="forecast-period">
                  {t('forecast.periodOf', { start: a.period.start, end: a.period.end, scope: a.scope.name })}
                </p>
                <dl className="fields analytics-summary" data-testid="forecast-total">
                  <div className="field-row">
                    <dt>{t('forecast.col.closed')}</dt>
                    <dd data-testid="total-closed" data-value={a.total.closed}>{formatMoney(a.total.closed, language)}</dd>
                  </div>
                  <div className="field-row">
                    <dt>{t('forecast.col.commit')}</dt>
                    <dd data-testid="total-commit" data-value={a.total.rollup.commit}>{formatMoney(a.total.rollup.commit, language)}</dd>
                  </div>
                  <div className="field-row">
                    <dt>{t('forecast.col.best_case')}</dt>
                    <dd data-testid="total-best-case" data-value={a.total.rollup.best_case}>{formatMoney(a.total.rollup.best_case, language)}</dd>
                  </div>
                  <div className="field-row">
                    <dt>{t('forecast.col.pipeline')}</dt>
                    <dd data-testid="total-pipeline" data-value={a.total.rollup.pipeline}>{formatMoney(a.total.rollup.pipeline, language)}</dd>
                  </div>
                  <div className="field-row">
                    <dt>{t('forecast.col.weighted')}</dt>
                    <dd data-testid="total-weighted" data-value={a.total.weighted_pipeline}>{formatMoney(a.total.weighted_pipeline, language)}</dd>
                  </div>
                  <div className="field-row">
                    <dt>{t('forecast.col.forecast')}</dt>
                    <dd data-testid="total-forecast" data-value={a.total.model.forecast}>
                      {formatMoney(a.total.model.forecast, language)} ({t('forecast.range', { p10: formatMoney(a.total.model.p10, language), p90: formatMoney(a.total.model.p90, language) })})
                    </dd>
                  </div>
                </dl>
                {a.rows.length > 0 && (
                  <div className="table-wrap">
                    <table className="records" data-testid="forecast-rows">
                      <thead>
                        <tr>
                          <th>{t('forecast.col.scope')}</th>
                          {COLUMNS.map((c) => (
                            <th key={c} className="num">
                              {t(`forecast.col.${c}`)}
                            </th>
                          ))}
                        </tr>
                      </thead>
                      <tbody>
                        {a.rows.map((r) => (
                          <tr key={r.id} data-row={r.id}>
                            <td data-label={t('forecast.col.scope')}>
                              {r.kind === 'rep' ? (
                                r.name
                              ) : (
                                <button type="button" className="link" onClick={() => onUnit(r.id)}>
                                  {r.name}
                                </button>
                              )}
                            </td>
                            {COLUMNS.map((c) => cell(r.figures, c))}
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </>
            );
          }}
        </Status>
      </ui.Panel>
    );
  }

  function BacktestSection({ load, t, language }: { load: Load<BacktestAnswer>; t: T; language: string }) {
    return (
      <ui.Panel title={t('forecast.backtest.title')} testId="forecast-backtest">
        <p className="muted">{t('forecast.backtest.help')}</p>
        <Status load={load} t={t}>
          {(bt) => {
            if (bt.origins.length === 0) return <p className="empty">{t('forecast.backtest.empty')}</p>;
            const text = { actual: t('forecast.actual'), forecast: t('forecast.col.forecast'), range: t('forecast.band'), weighted: t('forecast.col.weighted'), runRate: t('forecast.runRate') };
            const money = (v: number) => formatMoney(v, language);
            return (
              <>
                <dl className="fields analytics-summary" data-testid="forecast-mape">
                  <div className="field-row">
                    <dt>{t('forecast.mape.model')}</dt>
                    <dd data-testid="mape-model" data-value={bt.mape.model ?? ''}>{formatPercent(bt.mape.model, language)}</dd>
                  </div>
                  <div className="field-row">
                    <dt>{t('forecast.mape.weighted')}</dt>
                    <dd data-testid="mape-weighted" data-value={bt.mape.weighted_pipeline ?? ''}>{formatPercent(bt.mape.weighted_pipeline, language)}</dd>
                  </div>
                  <div className="field-row">
                    <dt>{t('forecast.mape.runRate')}</dt>
                    <dd data-testid="mape-run-rate" data-value={bt.mape.run_rate ?? ''}>{formatPercent(bt.mape.run_rate, language)}</dd>
                  </div>
                  <div className="field-row">
                    <dt>{t('forecast.coverage')}</dt>
                    <dd data-testid="coverage" data-value={bt.coverage.inside}>{t('forecast.coverageOf', { inside: bt.coverage.inside, of: bt.coverage.of })}</dd>
                  </div>
                </dl>
                <ui.Chart option={backtestChartOption(bt, text, language)} label={t('forecast.backtest.title')} testId="forecast-backtest-chart" />
                <div className="table-wrap">
                  <table className="records" data-testid="forecast-backtest-table">
                    <thead>
                      <tr>
                        <th>{t('forecast.origin')}</th>
                        <th className="num">{t('forecast.actual')}</th>
                        <th className="num">{t('forecast.col.forecast')}</th>
                        <th className="num">{t('forecast.col.p10')}</th>
                        <th className="num">{t('forecast.col.p90')}</th>
                        <th className="num">{t('forecast.col.weighted')}</th>
                        <th className="num">{t('forecast.runRate')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {bt.origins.map((o) => (
                        <tr key={o.origin} data-origin={o.origin.slice(0, 10)}>
                          <td data-label={t('forecast.origin')}>{o.origin.slice(0, 10)}</td>
                          {(
                            [
                              ['actual', o.actual],
                              ['forecast', o.forecast],
                              ['p10', o.p10],
                              ['p90', o.p90],
                              ['weighted', o.baselines.weighted_pipeline],
                              ['run_rate', o.baselines.run_rate],
                            ] as const
                          ).map(([col, v]) => (
                            <td key={col} className="num" data-col={col} data-value={String(v)}>
                              {money(v)}
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            );
          }}
        </Status>
      </ui.Panel>
    );
  }

  const SUBMISSION = 'pipeline.forecast_submission';
  const moneyOf = (v: unknown) => (v && typeof v === 'object' && typeof (v as { amount?: unknown }).amount === 'number' ? (v as { amount: number }).amount : 0);

  /** The forecast calls submitted for the period and scope (newest first), and a form to submit one: the commit roll-up, an adjustment and its reason. */
  function SubmissionsSection({ answer, unit, t, language }: { answer: ForecastAnswer | null; unit: string; t: T; language: string }) {
    const [version, setVersion] = React.useState(0);
    const [adjustment, setAdjustment] = React.useState('0');
    const [reason, setReason] = React.useState('');
    const [problem, setProblem] = React.useState<string | null>(null);
    const grain = answer?.period.grain ?? 'quarter';
    const start = answer?.period.start ?? '';
    const list = useLoad(`s|${grain}|${start}|${unit}|${version}`, (signal) =>
      start
        ? api.list(SUBMISSION, { filters: [{ field: 'period_start', op: 'eq', value: start }, { field: 'grain', op: 'eq', value: grain }], sort: '-createdAt', limit: 100 }, signal).then((r) => r.items.filter((x) => String(x.data.scope_unit ?? '') === unit))
        : Promise.resolve([]),
    );
    const rolled = answer?.total.rollup.commit ?? 0;
    const adj = Number(adjustment);
    const submit = async () => {
      if (!answer) return;
      setProblem(null);
      try {
        const usd = (amount: number) => ({ amount: Math.round(amount * 100) / 100, currency: 'USD' });
        await api.request('POST', `/api/records/${SUBMISSION}`, {
          json: { data: { title: `${answer.scope.name}, ${answer.period.start} – ${answer.period.end}`, grain, period_start: start, ...(unit ? { scope_unit: unit } : {}), rolled_up: usd(Math.max(0, rolled)), adjustment: usd(Number.isFinite(adj) ? adj : 0), call: usd(rolled + (Number.isFinite(adj) ? adj : 0)), ...(reason ? { reason } : {}) } },
        });
        setReason('');
        setAdjustment('0');
        setVersion((v) => v + 1);
      } catch (err) {
        const doc = (err as { problem?: { detail?: string; errors?: { pointer?: string; message?: string }[] } }).problem;
        setProblem([doc?.detail ?? String(err), ...(doc?.errors ?? []).map((e) => `${e.pointer ?? ''}: ${e.message ?? ''}`)].join(' '));
      }
    };
    return (
      <ui.Panel title={t('forecast.submissions.title')} testId="forecast-submissions">
        <p className="muted">{t('forecast.submissions.help')}</p>
        {answer && (
          <form
            className="filter-form"
            aria-label={t('forecast.submissions.form')}
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <span data-testid="submission-rolled" data-value={rolled}>
              {t('forecast.col.commit')}: {formatMoney(rolled, language)}
            </span>{' '}
            <label>
              {t('forecast.submissions.adjustment')} <input type="number" step="any" value={adjustment} onChange={(e) => setAdjustment(e.target.value)} />
            </label>{' '}
            <label>
              {t('forecast.submissions.reason')} <input type="text" value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} />
            </label>{' '}
            <span data-testid="submission-call">
              {t('forecast.submissions.call')}: {formatMoney(rolled + (Number.isFinite(adj) ? adj : 0), language)}
            </span>{' '}
            <button type="submit">{t('forecast.submissions.submit')}</button>
          </form>
        )}
        {problem && (
          <p className="form-alert" role="alert">
            {problem}
          </p>
        )}
        <Status load={list} t={t}>
          {(items) =>
            items.length === 0 ? (
              <p className="empty">{t('forecast.submissions.empty')}</p>
            ) : (
              <div className="table-wrap">
                <table className="records" data-testid="forecast-submissions-table">
                  <thead>
                    <tr>
                      <th>{t('forecast.submissions.when')}</th>
                      <th className="num">{t('forecast.col.commit')}</th>
                      <th className="num">{t('forecast.submissions.adjustment')}</th>
                      <th className="num">{t('forecast.submissions.call')}</th>
                      <th>{t('forecast.submissions.reason')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((x) => (
                      <tr key={x.id} data-record={x.id}>
                        <td>
                          <ui.Link href={`/records/${SUBMISSION}/${x.id}`}>{new Date(x.createdAt).toLocaleString(language)}</ui.Link>
                        </td>
                        <td className="num" data-col="rolled_up" data-value={moneyOf(x.data.rolled_up)}>{formatMoney(moneyOf(x.data.rolled_up), language)}</td>
                        <td className="num" data-col="adjustment" data-value={moneyOf(x.data.adjustment)}>{formatMoney(moneyOf(x.data.adjustment), language)}</td>
                        <td className="num" data-col="call" data-value={moneyOf(x.data.call)}>{formatMoney(moneyOf(x.data.call), language)}</td>
                        <td>{String(x.data.reason ?? '')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Status>
      </ui.Panel>
    );
  }

  return function PipelineForecastPage() {
    const t = useT();
    const language = useLanguage();
    const today = new Date().toISOString().slice(0, 10);
    const [query, setQuery] = React.useState<ForecastQuery>(() => readForecastQuery(window.location.search, today));
    React.useEffect(() => {
      const search = writeForecastQuery(query);
      if (search !== window.location.search) window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}`);
    }, [query]);
    const set = (patch: Partial<ForecastQuery>) => setQuery((q) => ({ ...q, ...patch }));
    const units = useLoad('org-units', (signal) => api.request<{ items: OrgUnit[] }>('GET', '/api/org-units', { signal }).then((r) => r.items).catch(() => [] as OrgUnit[]));
    const unitList = units.state === 'ok' ? units.data : [];
    const current = new URLSearchParams({ period: query.period, date: query.date, ...(query.unit ? { unit: query.unit } : {}) }).toString();
    const forecast = useLoad(`f|${current}`, (signal) => api.request<ForecastAnswer>('GET', `/api/plugins/pipeline/forecast?${current}`, { signal }));
    const backtestQuery = new URLSearchParams({ horizonDays: String(query.horizon), origins: 'monthly', from: query.from, to: query.to }).toString();
    const backtest = useLoad(`b|${backtestQuery}`, (signal) => api.request<BacktestAnswer>('GET', `/api/plugins/pipeline/forecast/backtest?${backtestQuery}`, { signal }));

    return (
      <div className="pipeline-forecast" data-testid="pipeline-forecast">
        <div className="page-head">
          <h1>{t('forecast.title')}</h1>
        </div>
        <form className="panel" onSubmit={(e) => e.preventDefault()} aria-label={t('forecast.filters')}>
          <div className="filter-form">
            <label>
              {t('forecast.period')}{' '}
              <select value={query.period} onChange={(e) => set({ period: e.target.value === 'month' ? 'month' : 'quarter' })}>
                <option value="quarter">{t('forecast.quarter')}</option>
                <option value="month">{t('forecast.month')}</option>
              </select>
            </label>{' '}
            <label>
              {t('forecast.date')} <input type="date" value={query.date} onChange={(e) => set({ date: e.target.value })} />
            </label>{' '}
            <label>
              {t('forecast.scope')}{' '}
              <select value={query.unit} onChange={(e) => set({ unit: e.target.value })}>
                <option value="">{t('forecast.company')}</option>
                {unitList
                  .filter((u) => u.parent !== null)
                  .map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name}
                    </option>
                  ))}
              </select>
            </label>{' '}
            <label>
              {t('forecast.from')} <input type="date" value={query.from} onChange={(e) => set({ from: e.target.value })} />
            </label>{' '}
            <label>
              {t('forecast.to')} <input type="date" value={query.to} onChange={(e) => set({ to: e.target.value })} />
            </label>{' '}
            <label>
              {t('forecast.horizon')} <input type="number" min={7} max={366} value={query.horizon} onChange={(e) => set({ horizon: Number(e.target.value) || 91 })} />
            </label>
          </div>
        </form>
        <CurrentSection load={forecast} t={t} language={language} onUnit={(id) => set({ unit: id })} />
        <SubmissionsSection answer={forecast.state === 'ok' ? forecast.data : null} unit={query.unit} t={t} language={language} />
        <BacktestSection load={backtest} t={t} language={language} />
      </div>
    );
  };
}
