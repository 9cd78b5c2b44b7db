import type { DashboardWidgetProps, StudioHost, StudioRecord } from '@pipewright/plugin-sdk/studio';
import { quarterOf, rankByAttainment, scopeKey, type GridScope, type LeaderRow } from './grid-model';
import { formatNumber, percent } from './model';

const METRIC = 'pipeline.won_value';

interface Loaded {
  period: string | null;
  /** The metric's currency, for money metrics. */
  currency: string | null;
  rows: { scope: string; kind: GridScope['kind']; name: string; target: number; actual: number; depth: number }[];
}

/**
 * The targets a tile shows: those of `metric` in the quarter of the dashboard's period (its last
 * day), or for "all time" the latest quarter that has targets; with each scope's name and kind.
 * Actuals are the records' `computed.actual` (the metric layer, as the plugin computes it).
 */
function useQuarterTargets(host: StudioHost, period: DashboardWidgetProps['period']): { data: Loaded | null; error: string | null } {
  const { React, api } = host;
  const [data, setData] = React.useState<Loaded | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const wanted = quarterOf(period);
  React.useEffect(() => {
    const ctrl = new AbortController();
    setData(null);
    (async () => {
      const { scopes } = await api.request<{ scopes: GridScope[] }>('GET', '/api/plugins/okr/targets/scopes', { signal: ctrl.signal });
      const { items: metrics } = await api.request<{ items: { id: string; unit: string; currency: string | null }[] }>('GET', '/api/metrics', { signal: ctrl.signal });
      const info = metrics.find((m) => m.id === METRIC);
      const currency = info?.unit === 'money' ? (info.currency ?? null) : null;
      let quarter = wanted;
      if (!quarter) {
        const latest = await api.request<{ items: StudioRecord[] }>('GET', `/api/records/okr.target?filter[metric]=${METRIC}&sort=-period&limit=1`, { signal: ctrl.signal });
        const p = String(latest.items[0]?.data.period ?? '');
        quarter = /^\d{4}-Q[1-4]$/.test(p) ? p : quarterOf({ to: p });
      }
      if (!quarter) return setData({ period: null, currency, rows: [] });
      const list = await api.request<{ items: StudioRecord[] }>('GET', `/api/records/okr.target?filter[metric]=${METRIC}&filter[period]=${quarter}&limit=1000`, { signal: ctrl.signal });
      const byScope = new Map(scopes.map((s) => [s.scope, s]));
      const rows = list.items.flatMap((r) => {
        const s = byScope.get(scopeKey(r.data));
        const actual = typeof r.computed?.actual === 'number' ? r.computed.actual : null;
        return s && actual !== null ? [{ scope: s.scope, kind: s.kind, name: s.name, depth: s.depth, target: Number(r.data.value), actual }] : [];
      });
      rows.sort((a, b) => scopes.findIndex((s) => s.scope === a.scope) - scopes.findIndex((s) => s.scope === b.scope));
      setData({ period: quarter, currency, rows });
    })().catch((err: unknown) => {
      if (!ctrl.signal.aborted) setError(err instanceof Error ? err.message : String(err));
    });
    return () => ctrl.abort();
  }, [wanted]);
  return { data, error };
}

/** A figure for the reader: money with its currency, else a number. */
const amount = (v: number, language: string, currency: string | null) =>
  currency ? new Intl.NumberFormat(language, { style: 'currency', currency, maximumFractionDigits: 0 }).format(v) : formatNumber(v, language);

/** A quarter as the reader writes it (Q3 2017, 2017年第3季度). */
const quarterText = (t: (key: string, values?: Record<string, unknown>) => string, period: string | null) => {
  const m = /^(\d{4})-Q([1-4])$/.exec(period ?? '');
  return m ? t('widget.quarterOf', { year: m[1], q: m[2] }) : (period ?? '—');
};

/** A bar of attainment, capped at the full width; 100 % marked. */
function bar(React: StudioHost['React'], attainment: number) {
  const w = Math.min(attainment, 1.5) / 1.5;
  return (
    <div style={{ position: 'relative', height: 8, background: '#eef1f4', borderRadius: 4 }} aria-hidden="true">
      <div style={{ width: `${w * 100}%`, height: 8, borderRadius: 4, background: attainment >= 1 ? '#1a7f37' : attainment >= 0.7 ? '#bf8700' : '#cf222e' }} />
      <div style={{ position: 'absolute', left: `${100 / 1.5}%`, top: -2, width: 1, height: 12, background: '#57606a' }} />
    </div>
  );
}

/**
 * Dashboard tile "Target attainment": won value against target for the company and each office
 * in the dashboard's quarter, with percent and a bar.
 *
 * @example
 * ```ts
 * dashboardWidgets: [{ id: 'attainment', title: 'widget.attainment', dashboards: ['*'], component: attainmentWidget(host) }]
 * ```
 */
export function attainmentWidget(host: StudioHost) {
  const { React, useT } = host;
  return function AttainmentWidget({ language, period }: DashboardWidgetProps) {
    const t = useT();
    const { data, error } = useQuarterTargets(host, period);
    if (error) return <p role="alert" className="muted">{error}</p>;
    if (!data) return <p role="status" className="muted">{t('okr.loading')}</p>;
    const rows = data.rows.filter((r) => r.kind === 'company' || r.kind === 'office');
    if (rows.length === 0) return <p className="muted">{t('widget.noTargets', { period: quarterText(t, data.period) })}</p>;
    return (
      <div data-testid="okr-attainment" data-period={data.period ?? ''}>
        <p className="muted" style={{ margin: '0 0 6px' }}>{t('widget.periodLine', { period: quarterText(t, data.period) })}</p>
        <ul style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: 8 }}>
          {rows.map((r) => {
            const att = r.target > 0 ? r.actual / r.target : null;
            return (
              <li key={r.scope} data-scope={r.scope} data-actual={r.actual} data-target={r.target}>
                <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
                  <span style={{ fontWeight: r.kind === 'company' ? 600 : 400 }}>{r.kind === 'company' ? t('okr.scopeCompany') : r.name}</span>
                  <span data-testid="attainment-percent" style={{ fontWeight: 600 }}>{percent(att, language) ?? '—'}</span>
                </div>
                {att !== null && bar(React, att)}
                <div className="muted" style={{ fontSize: 12 }} data-testid="attainment-figures">{t('widget.actualOfTarget', { actual: amount(r.actual, language, data.currency), target: amount(r.target, language, data.currency) })}</div>
              </li>
            );
          })}
        </ul>
      </div>
    );
  };
}

/**
 * Dashboard tile "Leaderboard": people (or teams) ranked by attainment of their won-value target
 * in the dashboard's quarter; ties by won value, then name.
 *
 * @example
 * ```ts
 * dashboardWidgets: [{ id: 'leaderboard', title: 'widget.leaderboard', dashboards: ['*'], component: leaderboardWidget(host) }]
 * ```
 */
export function leaderboardWidget(host: StudioHost) {
  const { React, useT } = host;
  return function LeaderboardWidget({ language, period }: DashboardWidgetProps) {
    const t = useT();
    const [by, setBy] = React.useState<'person' | 'team'>('person');
    const [all, setAll] = React.useState(false);
    const { data, error } = useQuarterTargets(host, period);
    if (error) return <p role="alert" className="muted">{error}</p>;
    if (!data) return <p role="status" className="muted">{t('okr.loading')}</p>;
    const ranked: LeaderRow[] = rankByAttainment(data.rows.filter((r) => r.kind === by));
    const shown = all ? ranked : ranked.slice(0, 10);
    return (
      <div data-testid="okr-leaderboard" data-period={data.period ?? ''} data-by={by}>
        <div role="group" aria-label={t('widget.rankBy')} style={{ display: 'flex', gap: 6, marginBottom: 6, alignItems: 'center' }}>
          <span className="muted">{t('widget.periodLine', { period: quarterText(t, data.period) })}</span>
          <button type="button" aria-pressed={by === 'person'} onClick={() => setBy('person')}>{t('widget.people')}</button>
          <button type="button" aria-pressed={by === 'team'} onClick={() => setBy('team')}>{t('widget.teams')}</button>
        </div>
        {ranked.length === 0 ? (
          <p className="muted">{t('widget.noTargets', { period: quarterText(t, data.period) })}</p>
        ) : (
          <table className="records" style={{ fontSize: 13 }}>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{by === 'person' ? t('widget.person') : t('widget.team')}</th>
                <th scope="col">{t('targets.attainment')}</th>
                <th scope="col">{t('targets.actual')}</th>
                <th scope="col">{t('targets.target')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r, i) => (
                <tr key={r.scope} data-scope={r.scope} data-attainment={r.attainment}>
                  <td>{i + 1}</td>
                  <td>{r.name}</td>
                  <td style={{ fontWeight: 600 }}>{percent(r.attainment, language)}</td>
                  <td>{amount(r.actual, language, data.currency)}</td>
                  <td>{amount(r.target, language, data.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {ranked.length > 10 && (
          <button type="button" onClick={() => setAll(!all)}>{all ? t('widget.top10') : t('widget.showAll', { n: ranked.length })}</button>
        )}
      </div>
    );
  };
}
