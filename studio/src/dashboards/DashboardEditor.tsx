import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useEntities } from '../app/entities-context';
import type { DashboardDocument, HomeRole, Widget } from '@pipewright/core/dashboards';
import type { DashboardView } from '@pipewright/core/api';
import { ApiError } from '../api/problem';
import { dashboardsApi, type MetricInfo } from './api';
import { localText } from './format';
import { dashboardLabels } from './labels';
import { freeSpot, packLayout } from './layout';
import { fitQuery, newWidgetId } from './widget-edit';
import { WidgetEditor } from './WidgetEditor';

const HOME_ROLES: readonly HomeRole[] = ['admin', 'manager', 'rep', 'marketing', 'presales'];

function withHome(d: DashboardDocument, role: HomeRole, on: boolean): DashboardDocument {
  const roles = HOME_ROLES.filter((r) => (r === role ? on : (d.homeFor ?? []).includes(r)));
  const { homeFor: _h, ...rest } = d;
  return roles.length ? { ...rest, homeFor: roles } : rest;
}

/**
 * The admin's dashboard editor: the dashboard's titles and whose home page it is, a preview of the grid, and a form per
 * widget (add, remove, resize, move, metric, group-by, grain, chart kind). Every edit settles
 * the grid (no overlaps) and fits the widget's query to its kind; Save replaces the dashboard
 * with If-Match on the revision read, and shows the server's problems on their widgets.
 *
 * @example
 * ```tsx
 * <DashboardEditor view={view} metrics={catalogue} onCancel={close} onSaved={setView} />
 * ```
 */
export function DashboardEditor({ view, metrics, onCancel, onSaved }: { view: DashboardView; metrics: Map<string, MetricInfo> | null; onCancel: () => void; onSaved: (view: DashboardView) => void }) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<DashboardDocument>(() => structuredClone(view.dashboard));
  const [problems, setProblems] = useState<{ pointer: string; message: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const { entities } = useEntities();
  const labels = useMemo(() => dashboardLabels(t, i18n.language, metrics, (id) => entities.find((e) => e.stageLabels?.[id])?.stageLabels?.[id]), [t, i18n.language, metrics, entities]);

  const setWidgets = (widgets: Widget[]) => setDraft((d) => ({ ...d, widgets: packLayout(widgets) }));
  const update = (i: number, w: Widget) => setWidgets(draft.widgets.map((x, j) => (j === i ? fitQuery(w, metrics) : x)));
  const move = (i: number, dx: number, dy: number) => {
    const me = draft.widgets[i];
    if (!me) return;
    if (dx) return setWidgets(draft.widgets.map((x, j) => (j === i ? { ...x, layout: { ...x.layout, x: Math.min(12 - x.layout.w, Math.max(0, x.layout.x + dx)) } } : x)));
    const beside = (o: Widget) => o !== me && o.layout.x < me.layout.x + me.layout.w && me.layout.x < o.layout.x + o.layout.w;
    const candidates = draft.widgets.filter((o) => beside(o) && (dy > 0 ? o.layout.y > me.layout.y : o.layout.y < me.layout.y));
    const other = candidates.sort((a, b) => (dy > 0 ? a.layout.y - b.layout.y : b.layout.y - a.layout.y))[0];
    if (!other) return;
    setWidgets(draft.widgets.map((x) => (x === me ? { ...x, layout: { ...x.layout, y: other.layout.y + (dy > 0 ? other.layout.h - 1 : 0) } } : x === other ? { ...x, layout: { ...x.layout, y: me.layout.y } } : x)));
  };
  const add = () => {
    const first = [...(metrics?.keys() ?? [])][0] ?? draft.widgets[0]?.query.metrics[0];
    if (!first) return;
    const widget: Widget = { id: newWidgetId(draft.widgets), title: { en: t('dashboards.edit.newWidget', { lng: 'en' }), 'zh-CN': t('dashboards.edit.newWidget', { lng: 'zh-CN' }) }, kind: 'number', layout: freeSpot(draft.widgets, 3, 2), query: { metrics: [first] } };
    setWidgets([...draft.widgets, fitQuery(widget, metrics)]);
  };
  const save = async () => {
    setSaving(true);
    setProblems([]);
    setError(null);
    try {
      onSaved(await dashboardsApi.save(draft, view.revision));
    } catch (err) {
      if (err instanceof ApiError) {
        setError(err.problem.detail);
        setProblems((err.problem.errors ?? []).map((e) => ({ pointer: e.pointer, message: e.message })));
      } else setError(String(err));
    } finally {
      setSaving(false);
    }
  };
  const widgetProblems = (i: number) => problems.filter((p) => p.pointer === `/widgets/${i}` || p.pointer.startsWith(`/widgets/${i}/`)).map((p) => `${p.pointer.slice(`/widgets/${i}`.length) || '/'}: ${p.message}`);
  const otherProblems = problems.filter((p) => !/^\/widgets\/\d+/.test(p.pointer));
  const rows = Math.max(1, ...draft.widgets.map((w) => w.layout.y + w.layout.h));

  return (
    <section className="dashboard-editor">
      <div className="page-head">
        <h1>{t('dashboards.edit.start')}: {localText(draft.title, i18n.language)}</h1>
        <div className="actions">
          <button type="button" onClick={onCancel} disabled={saving}>{t('dashboards.edit.cancel')}</button>
          <button type="button" className="primary" onClick={() => void save()} disabled={saving}>{saving ? t('status.working') : t('dashboards.edit.save')}</button>
        </div>
      </div>
      {error && (
        <div className="form-alert" role="alert">
          <p>{problems.length ? t('dashboards.edit.problems') : error}</p>
          {otherProblems.map((p) => <p key={p.pointer + p.message}>{p.pointer || '/'}: {p.message}</p>)}
          {draft.widgets.map((w, i) => widgetProblems(i).length > 0 && <p key={w.id}>{t('dashboards.edit.widgetLabel', { n: i + 1, title: localText(w.title, i18n.language) })}: {widgetProblems(i).join('; ')}</p>)}
        </div>
      )}
      <div className="panel editor-row">
        <label htmlFor="dash-title-en">{t('dashboards.edit.titleEn')}</label>
        <input id="dash-title-en" value={draft.title.en} onChange={(e) => setDraft({ ...draft, title: { ...draft.title, en: e.target.value } })} />
        <label htmlFor="dash-title-zh">{t('dashboards.edit.titleZh')}</label>
        <input id="dash-title-zh" lang="zh-CN" value={draft.title['zh-CN']} onChange={(e) => setDraft({ ...draft, title: { ...draft.title, 'zh-CN': e.target.value } })} />
        <fieldset className="home-for">
          <legend>{t('dashboards.edit.homeFor')}</legend>
          {HOME_ROLES.map((role) => (
            <label key={role}>
              <input type="checkbox" checked={(draft.homeFor ?? []).includes(role)} onChange={(e) => setDraft(withHome(draft, role, e.target.checked))} /> {t(`dashboards.roles.${role}`)}
            </label>
          ))}
        </fieldset>
      </div>
      <div className="layout-preview" aria-hidden="true" style={{ gridTemplateRows: `repeat(${rows}, 1.75rem)` }}>
        {draft.widgets.map((w) => (
          <div key={w.id} className="preview-cell" style={{ gridColumn: `${w.layout.x + 1} / span ${w.layout.w}`, gridRow: `${w.layout.y + 1} / span ${w.layout.h}` }}>
            <span>{localText(w.title, i18n.language)}</span> <span className="muted">{t(`dashboards.kinds.${w.kind}`)}</span>
          </div>
        ))}
      </div>
      {draft.widgets.map((w, i) => (
        <WidgetEditor key={w.id} widget={w} index={i} metrics={metrics} labels={labels} problems={widgetProblems(i)} onChange={(next) => update(i, next)} onMove={(dx, dy) => move(i, dx, dy)} onRemove={() => setWidgets(draft.widgets.filter((_, j) => j !== i))} />
      ))}
      <button type="button" onClick={add} disabled={!metrics || metrics.size === 0}>{t('dashboards.edit.addWidget')}</button>
    </section>
  );
}
