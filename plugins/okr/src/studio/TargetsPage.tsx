import type { StudioHost, StudioRecord } from '@pipewright/plugin-sdk/studio';
import { cellChecks, gridTargets, scopeFields, yearColumns, type GridScope, type GridTarget } from './grid-model';
import { formatNumber } from './model';
import { targetGrid } from './TargetGrid';
import { targetUpload } from './TargetUpload';

interface MetricInfo {
  id: string;
  label: string | Record<string, string>;
  time: string | null;
}

/** A problem's text for the reader: its detail and each member's message. */
export const errorText = (err: unknown): string => {
  const p = (err as { problem?: { detail?: string; errors?: { pointer?: string; message?: string }[] } } | null)?.problem;
  if (p) return (p.errors?.length ? p.errors.map((e) => e.message ?? '') : [p.detail ?? '']).filter(Boolean).join(' · ');
  return err instanceof Error ? err.message : String(err);
};

const TARGET = 'okr.target';

/**
 * The sales targets page (业绩目标, `/p/okr/targets?metric=&year=`): a month-by-month grid of a
 * metric's targets for a year, per company, office, team and rep, edited in place (each cell a
 * `okr.target` record, created, changed or removed as typed), with attainment from the metric
 * layer, the bottom-up check (a unit against the scopes under it, a quarter against its months),
 * the top-down split of a selected cell, spreading a quarter over its months, and a CSV upload.
 *
 * @example
 * ```ts
 * pages: [{ path: 'targets', component: targetsPage(host) }]
 * ```
 */
export function targetsPage(host: StudioHost) {
  const { React, api, ui, useT, useLanguage } = host;
  const Grid = targetGrid(host);
  const Upload = targetUpload(host);
  return function TargetsPage() {
    const t = useT();
    const language = useLanguage();
    const params = new URLSearchParams(window.location.search);
    const [metric, setMetric] = React.useState(params.get('metric') ?? 'pipeline.won_value');
    const [year, setYear] = React.useState(params.get('year') ?? String(new Date().getUTCFullYear()));
    const [half, setHalf] = React.useState<'year' | 'h1' | 'h2' | null>((['year', 'h1', 'h2'] as const).find((h) => h === params.get('half')) ?? null);
    const [metrics, setMetrics] = React.useState<MetricInfo[]>([]);
    const [scopes, setScopes] = React.useState<GridScope[]>([]);
    const [targets, setTargets] = React.useState<Map<string, GridTarget> | null>(null);
    const [errors, setErrors] = React.useState<Map<string, string>>(new Map());
    const [saving, setSaving] = React.useState<Set<string>>(new Set());
    const [selected, setSelected] = React.useState<string | null>(null);
    const [message, setMessage] = React.useState<string | null>(null);
    const [reload, setReload] = React.useState(0);
    // Admins and managers set targets; others read the grid (the server refuses them anyway).
    const [canEdit, setCanEdit] = React.useState(false);
    const validYear = /^\d{4}$/.test(year);
    const yearCols = React.useMemo(() => (validYear ? yearColumns(Number(year)) : []), [year, validYear]);
    // A whole year is 16 columns; a half fits a screen. Without a choice: the half that has targets, if only one does.
    const shownHalf = half ?? (targets && [...targets.values()].every((x) => x.period >= `${year}-07` && x.period !== `${year}-Q1` && x.period !== `${year}-Q2`) && targets.size > 0 ? 'h2' : targets && [...targets.values()].every((x) => x.period < `${year}-07` || x.period === `${year}-Q1` || x.period === `${year}-Q2`) && targets.size > 0 ? 'h1' : 'year');
    const columns = React.useMemo(() => (shownHalf === 'year' ? yearCols : yearCols.slice(shownHalf === 'h1' ? 0 : 8, shownHalf === 'h1' ? 8 : 16)), [yearCols, shownHalf]);
    React.useEffect(() => {
      void api.request<{ items: MetricInfo[] }>('GET', '/api/metrics').then((r) => setMetrics(r.items.filter((m) => m.time !== null)), () => undefined);
      void api.request<{ user: { roles?: string[] } | null }>('GET', '/api/auth/me').then((r) => setCanEdit((r.user?.roles ?? []).some((x) => x === 'admin' || x === 'manager')), () => setCanEdit(true));
      void api.request<{ scopes: GridScope[] }>('GET', '/api/plugins/okr/targets/scopes').then((r) => setScopes(r.scopes), (err: unknown) => setMessage(errorText(err)));
    }, []);
    React.useEffect(() => {
      const search = `?metric=${encodeURIComponent(metric)}&year=${encodeURIComponent(year)}${half ? `&half=${half}` : ''}`;
      if (search !== window.location.search) window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}`);
    }, [metric, year, half]);
    React.useEffect(() => {
      if (!validYear) return;
      const ctrl = new AbortController();
      setTargets(null);
      // a reload redraws every cell from the records: problems of earlier edits go with their drafts
      setErrors(new Map());
      (async () => {
        const items: StudioRecord[] = [];
        let cursor: string | null = null;
        do {
          const q = new URLSearchParams({ 'filter[metric]': metric, 'filter[period][in]': yearCols.map((c) => c.period).join(','), limit: '1000', ...(cursor ? { cursor } : {}) });
          const page: { items: StudioRecord[]; nextCursor: string | null } = await api.request('GET', `/api/records/${TARGET}?${q}`, { signal: ctrl.signal });
          items.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
        setTargets(gridTargets(items));
      })().catch((err: unknown) => !ctrl.signal.aborted && setMessage(errorText(err)));
      return () => ctrl.abort();
    }, [metric, year, reload]);

    const setError = (cell: string, text: string | null) =>
      setErrors((m) => {
        const n = new Map(m);
        if (text === null) n.delete(cell);
        else n.set(cell, text);
        return n;
      });
    const busy = (cell: string, on: boolean) =>
      setSaving((s) => {
        const n = new Set(s);
        if (on) n.add(cell);
        else n.delete(cell);
        return n;
      });
    const put = (cell: string, target: GridTarget | null) =>
      setTargets((m) => {
        const n = new Map(m ?? []);
        if (target) n.set(cell, target);
        else n.delete(cell);
        return n;
      });
    /** Creates, changes or removes one cell's target; the stored record is read back with its attainment. */
    async function save(scope: string, period: string, value: number | null) {
      const cell = `${scope}|${period}`;
      const existing = targets?.get(cell);
      setError(cell, null);
      busy(cell, true);
      try {
        if (value === null) {
          if (existing) await api.request('DELETE', `/api/records/${TARGET}/${existing.id}`, { headers: { 'if-match': `"${existing.version}"` } });
          put(cell, null);
        } else {
          const written = existing
            ? await api.request<StudioRecord>('PATCH', `/api/records/${TARGET}/${existing.id}`, { json: { data: { value } }, headers: { 'if-match': `"${existing.version}"` } })
            : await api.request<StudioRecord>('POST', `/api/records/${TARGET}`, { json: { data: { metric, period, ...scopeFields(scope), value } } });
          const read = await api.get(TARGET, written.id);
          put(cell, gridTargets([read]).get(cell) ?? null);
        }
      } catch (err) {
        setError(cell, errorText(err));
      } finally {
        busy(cell, false);
      }
    }
    async function run(action: () => Promise<unknown>) {
      setMessage(null);
      try {
        await action();
        setReload((n) => n + 1);
      } catch (err) {
        setMessage(errorText(err));
      }
    }
    const checks = React.useMemo(() => (targets ? cellChecks(scopes, targets, columns) : new Map()), [scopes, targets, columns]);
    const [selScope, selPeriod] = selected ? (selected.split('|') as [string, string]) : [null, null];
    const selTarget = selected ? targets?.get(selected) : undefined;
    const selInfo = scopes.find((s) => s.scope === selScope);
    const selColumn = columns.find((c) => c.period === selPeriod);
    const below = scopes.filter((s) => s.parent === selScope).length;
    const names = React.useMemo(() => new Map(scopes.map((s) => [s.scope, s.name])), [scopes]);
    const label = (m: MetricInfo) => (typeof m.label === 'string' ? m.label : (m.label[language] ?? m.label.en ?? m.id));
    return (
      <article aria-labelledby="targets-title" data-testid="okr-targets">
        <div className="page-head">
          <h1 id="targets-title">{t('targets.title')}</h1>
        </div>
        <div style={{ display: 'flex', gap: 16, marginBottom: 12, alignItems: 'center', flexWrap: 'wrap' }}>
          <label>
            {t('targets.metric')}{' '}
            <select name="metric" value={metric} onChange={(e) => setMetric(e.target.value)}>
              {(metrics.length ? metrics : [{ id: metric, label: metric, time: 'x' }]).map((m) => (
                <option key={m.id} value={m.id}>{label(m)}</option>
              ))}
            </select>
          </label>
          <label>
            {t('targets.year')}{' '}
            <input name="year" value={year} aria-invalid={!validYear} inputMode="numeric" style={{ width: 70 }} onChange={(e) => setYear(e.target.value.trim())} />
          </label>
          <label>
            {t('targets.months')}{' '}
            <select name="half" value={shownHalf} onChange={(e) => setHalf(e.target.value as 'year' | 'h1' | 'h2')}>
              <option value="year">{t('targets.wholeYear')}</option>
              <option value="h1">{t('targets.h1')}</option>
              <option value="h2">{t('targets.h2')}</option>
            </select>
          </label>
        </div>
        {!validYear && <p role="alert" className="form-alert">{t('targets.badYear')}</p>}
        {message && <p role="alert" className="form-alert" data-testid="targets-problem">{message}</p>}
        <ui.Panel title={t('targets.grid')} testId="targets-panel">
          <div data-testid="targets-toolbar" style={{ display: 'flex', gap: 12, alignItems: 'center', minHeight: 32, marginBottom: 8 }}>
            {!canEdit ? (
              <span className="muted" data-testid="targets-readonly">{t('targets.readOnly')}</span>
            ) : selected && selInfo && selColumn ? (
              <>
                <strong>{selInfo.name} · {selColumn.period}</strong>
                {selTarget && <span className="muted" data-testid="targets-selected-actual">{t('targets.actualOf', { actual: formatNumber(selTarget.actual, language) })}</span>}
                {selTarget && selScope?.startsWith('unit:') && below > 0 && (
                  <button type="button" data-testid="targets-split" onClick={() => void run(() => api.request('POST', '/api/plugins/okr/targets/split', { json: { metric, period: selColumn.period, scope_unit: selScope.slice(5) } }))}>
                    {t('targets.splitBelow', { n: below })}
                  </button>
                )}
                {selTarget && selColumn.kind === 'quarter' && (
                  <button type="button" data-testid="targets-spread" onClick={() => void run(() => spread(selScope ?? '', selColumn.months, selTarget.value))}>
                    {t('targets.spread')}
                  </button>
                )}
              </>
            ) : (
              <span className="muted">{t('targets.selectHint')}</span>
            )}
          </div>
          {targets === null || scopes.length === 0 ? (
            <p role="status" className="muted">{t('okr.loading')}</p>
          ) : (
            <Grid readOnly={!canEdit} scopes={scopes} columns={columns} targets={targets} checks={checks} errors={errors} saving={saving} selected={selected} onSelect={setSelected} onSave={(s, p, v) => void save(s, p, v)} onInvalid={(cell) => setError(cell, t('targets.notANumber'))} />
          )}
          <p className="muted" style={{ marginTop: 8 }}>{t('targets.help')}</p>
        </ui.Panel>
        {canEdit && <Upload metric={metric} names={names} onDone={() => setReload((n) => n + 1)} />}
      </article>
    );

    /**
     * A quarter's target spread over its three months, equally to the cent (the remainder to the
     * last), written through the upload route: checked like any target and all three or none.
     */
    async function spread(scope: string, months: readonly string[], value: number) {
      const share = Math.floor((value * 100) / months.length) / 100;
      const column = scope.startsWith('user:') ? 'scope_user' : 'scope_unit';
      const lines = months.map((m, i) => `${m},${scope.slice(5)},${i === months.length - 1 ? Math.round((value - share * (months.length - 1)) * 100) / 100 : share}`);
      await api.request('POST', '/api/plugins/okr/targets/upload', { json: { csv: [`period,${column},value`, ...lines].join('\n'), metric, commit: true } });
    }
  };
}
