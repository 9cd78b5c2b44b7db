import type { StudioHost, StudioRecord } from '@pipewright/plugin-sdk/studio';
import { formatNumber, percent } from './model';

interface MetricInfo {
  id: string;
  label: string | Record<string, string>;
  time: string | null;
}
interface CheckRow {
  scope: string;
  value: number;
  childrenSum: number;
  children: number;
  difference: number;
}

const errorText = (err: unknown): string => {
  const p = (err as { problem?: { detail?: string; errors?: { pointer?: string; message?: string }[] } } | null)?.problem;
  if (p) return [p.detail ?? '', ...(p.errors ?? []).map((e) => `${e.pointer ?? ''} ${e.message ?? ''}`.trim())].filter(Boolean).join(' · ');
  return err instanceof Error ? err.message : String(err);
};

/**
 * The sales targets page (业绩目标, `/p/okr/targets?metric=&period=`): for a metric and a month or
 * quarter, every target with its actual value and attainment from the metric layer (the records'
 * `computed`), the bottom-up check of each unit's target against the sum under it, and a top-down
 * equal split of a unit's target. Targets are set on their record pages or imported from CSV.
 *
 * @example
 * ```ts
 * pages: [{ path: 'targets', component: targetsPage(host) }]
 * ```
 */
export function targetsPage(host: StudioHost) {
  const { React, api, ui, useT, useLanguage } = host;
  return function TargetsPage() {
    const t = useT();
    const language = useLanguage();
    const params = new URLSearchParams(window.location.search);
    const [metric, setMetric] = React.useState(params.get('metric') ?? 'pipeline.won_value');
    const [period, setPeriod] = React.useState(params.get('period') ?? `${new Date().getUTCFullYear()}-Q${Math.floor(new Date().getUTCMonth() / 3) + 1}`);
    const [metrics, setMetrics] = React.useState<MetricInfo[]>([]);
    const [units, setUnits] = React.useState<Map<string, string>>(new Map());
    const [rows, setRows] = React.useState<StudioRecord[] | null>(null);
    const [check, setCheck] = React.useState<CheckRow[]>([]);
    const [message, setMessage] = React.useState<string | null>(null);
    const [reload, setReload] = React.useState(0);
    const valid = /^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/.test(period);
    React.useEffect(() => {
      void api.request<{ items: MetricInfo[] }>('GET', '/api/metrics').then((r) => setMetrics(r.items.filter((m) => m.time !== null)), () => undefined);
      void api.request<{ items: { id: string; name: string }[] }>('GET', '/api/org-units').then((r) => setUnits(new Map(r.items.map((u) => [u.id, u.name]))), () => undefined);
    }, []);
    React.useEffect(() => {
      const search = `?metric=${encodeURIComponent(metric)}&period=${encodeURIComponent(period)}`;
      if (search !== window.location.search) window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}`);
      if (!valid) return;
      const ctrl = new AbortController();
      setRows(null);
      Promise.all([
        api.list('okr.target', { filters: [{ field: 'metric', op: 'eq', value: metric }, { field: 'period', op: 'eq', value: period }], sort: 'key', limit: 1000 }, ctrl.signal),
        api.request<{ rows: CheckRow[] }>('GET', `/api/plugins/okr/targets/check?metric=${encodeURIComponent(metric)}&period=${encodeURIComponent(period)}`, { signal: ctrl.signal }),
      ]).then(
        ([list, c]) => {
          setRows(list.items);
          setCheck(c.rows);
        },
        (err: unknown) => !ctrl.signal.aborted && setMessage(errorText(err)),
      );
      return () => ctrl.abort();
    }, [metric, period, reload]);
    const label = (m: MetricInfo) => (typeof m.label === 'string' ? m.label : (m.label[language] ?? m.label.en ?? m.id));
    const scopeName = (r: StudioRecord) => (typeof r.data.scope_user === 'string' ? r.data.scope_user : typeof r.data.scope_unit === 'string' ? (units.get(r.data.scope_unit) ?? r.data.scope_unit) : t('okr.scopeCompany'));
    async function split(unit: string) {
      setMessage(null);
      try {
        await api.request('POST', '/api/plugins/okr/targets/split', { json: { metric, period, scope_unit: unit } });
        setReload((n) => n + 1);
      } catch (err) {
        setMessage(errorText(err));
      }
    }
    return (
      <article aria-labelledby="targets-title" data-testid="okr-targets">
        <div className="page-head">
          <h1 id="targets-title">{t('targets.title')}</h1>
        </div>
        <div style={{ display: 'flex', gap: 16, marginBottom: 12 }}>
          <label>
            {t('targets.metric')}{' '}
            <select name="metric" value={metric} onChange={(e) => setMetric(e.target.value)}>
              {(metrics.length ? metrics : [{ id: metric, label: metric, time: 'x' }]).map((m) => (
                <option key={m.id} value={m.id}>{label(m)}</option>
              ))}
            </select>
          </label>
          <label>
            {t('targets.period')}{' '}
            <input name="period" value={period} aria-invalid={!valid} placeholder="2017-Q3" onChange={(e) => setPeriod(e.target.value.trim())} />
          </label>
        </div>
        {!valid && <p role="alert" className="form-alert">{t('targets.badPeriod')}</p>}
        {message && <p role="alert" className="form-alert" data-testid="targets-problem">{message}</p>}
        <ui.Panel title={t('targets.grid')} testId="targets-panel">
          {rows === null ? (
            <p role="status" className="muted">{t('okr.loading')}</p>
          ) : rows.length === 0 ? (
            <p className="muted">{t('targets.empty')}</p>
          ) : (
            <table className="records" data-testid="targets-table">
              <thead>
                <tr>
                  <th scope="col">{t('targets.scope')}</th>
                  <th scope="col">{t('targets.target')}</th>
                  <th scope="col">{t('targets.actual')}</th>
                  <th scope="col">{t('targets.attainment')}</th>
                  <th scope="col">{t('targets.below')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const unit = typeof r.data.scope_unit === 'string' ? r.data.scope_unit : null;
                  const c = unit ? check.find((x) => x.scope === `unit:${unit}`) : undefined;
                  const actual = typeof r.computed?.actual === 'number' ? r.computed.actual : null;
                  const attainment = typeof r.computed?.attainment === 'number' ? r.computed.attainment : null;
                  return (
                    <tr key={r.id} data-scope={String(r.data.scope_unit ?? r.data.scope_user ?? 'company')}>
                      <td><ui.Link href={`/records/okr.target/${r.id}`}>{scopeName(r)}</ui.Link></td>
                      <td data-col="target">{formatNumber(typeof r.data.value === 'number' ? r.data.value : null, language)}</td>
                      <td data-col="actual" data-value={actual ?? ''}>{formatNumber(actual, language)}</td>
                      <td data-col="attainment">{percent(attainment, language) ?? '—'}</td>
                      <td data-col="check" data-value={c ? c.difference : ''}>
                        {c && c.children > 0 ? (c.difference === 0 ? t('targets.sumOk', { sum: formatNumber(c.childrenSum, language) }) : t('targets.sumGap', { sum: formatNumber(c.childrenSum, language), gap: formatNumber(c.difference, language) })) : '—'}
                      </td>
                      <td>{unit && <button type="button" data-testid="targets-split" onClick={() => void split(unit)}>{t('targets.split')}</button>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </ui.Panel>
        <p className="muted">{t('targets.help')}</p>
      </article>
    );
  };
}
