import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useEntities } from '../app/entities-context';
import { useLocation, useSearch } from 'wouter';
import { RANGE_PRESETS, resolveRange, type DashboardRange, type RangePreset } from '@pipewright/core/dashboards';
import type { DashboardView as View } from '@pipewright/core/api';
import { useIsAdmin } from '../process/use-admin';
import { PluginBoundary, useStudioPlugins } from '../plugins/context';
import { interpolate } from '../plugins/host';
import { DashboardEditor } from './DashboardEditor';
import { DrillPanel } from './DrillPanel';
import { localText } from './format';
import { dashboardLabels } from './labels';
import { RangePicker } from './RangePicker';
import { useMetricCatalogue } from './use-dashboard-data';
import { WidgetCard, type DrillTarget } from './WidgetCard';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The range in the address (`?range=this-year` or `?from=…&to=…`), else the dashboard's own. */
function rangeFromSearch(search: string, fallback: DashboardRange | undefined): DashboardRange {
  const q = new URLSearchParams(search);
  const from = q.get('from');
  const to = q.get('to');
  if (from && to && DATE.test(from) && DATE.test(to) && from <= to) return { from, to };
  const preset = q.get('range');
  if (preset && (RANGE_PRESETS as readonly string[]).includes(preset)) return { preset: preset as RangePreset };
  return fallback ?? { preset: 'all' };
}

/**
 * A dashboard: title, period picker (kept in the address, so a view can be shared), the grid of
 * widgets, the drill-down panel, and for admins the editor.
 *
 * @example
 * ```tsx
 * <DashboardView view={view} onSaved={setView} />
 * ```
 */
export function DashboardView({ view, onSaved }: { view: View; onSaved: (view: View) => void }) {
  const { t, i18n } = useTranslation();
  const admin = useIsAdmin();
  const [location, navigate] = useLocation();
  const search = useSearch();
  const range = rangeFromSearch(search, view.dashboard.range);
  const period = useMemo(() => resolveRange(range, view.today), [JSON.stringify(range), view.today]); // eslint-disable-line react-hooks/exhaustive-deps
  const metrics = useMetricCatalogue();
  const { entities } = useEntities();
  const labels = useMemo(() => dashboardLabels(t, i18n.language, metrics, (id) => entities.find((e) => e.stageLabels?.[id])?.stageLabels?.[id]), [t, i18n.language, metrics, entities]);
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const [editing, setEditing] = useState(() => admin && new URLSearchParams(search).get('edit') === '1');
  const closeDrill = useCallback(() => setDrill(null), []);
  const plugins = useStudioPlugins();
  const tiles = plugins.dashboardWidgetsFor(view.dashboard.id);

  const setRange = (r: DashboardRange) => {
    const q = new URLSearchParams(search);
    q.delete('range');
    q.delete('from');
    q.delete('to');
    if ('from' in r) {
      q.set('from', r.from);
      q.set('to', r.to);
    } else q.set('range', r.preset);
    navigate(`${location}?${q}`, { replace: true });
  };

  if (editing) {
    return (
      <DashboardEditor
        view={view}
        metrics={metrics}
        onCancel={() => setEditing(false)}
        onSaved={(v) => {
          setEditing(false);
          onSaved(v);
        }}
      />
    );
  }
  const rows = Math.max(1, ...view.dashboard.widgets.map((w) => w.layout.y + w.layout.h));
  return (
    <section className="dashboard">
      <div className="page-head">
        <div>
          <h1>{localText(view.dashboard.title, i18n.language)}</h1>
          {view.dashboard.description && <p className="muted dashboard-description">{localText(view.dashboard.description, i18n.language)}</p>}
        </div>
        <div className="actions">
          <RangePicker range={range} period={period} onChange={setRange} />
          {admin && <button type="button" onClick={() => setEditing(true)}>{t('dashboards.edit.start')}</button>}
        </div>
      </div>
      <div className="dashboard-grid" style={{ gridTemplateRows: `repeat(${rows}, var(--row-height))` }}>
        {view.dashboard.widgets.map((w) => (
          <div key={w.id} className="grid-cell" style={{ gridColumn: `${w.layout.x + 1} / span ${w.layout.w}`, gridRow: `${w.layout.y + 1} / span ${w.layout.h}` }}>
            <WidgetCard widget={w} period={period} metrics={metrics} labels={labels} onDrill={setDrill} />
          </div>
        ))}
      </div>
      {tiles.length > 0 && (
        <div className="dashboard-plugin-tiles">
          {tiles.map((w) => (
            <section key={`${w.plugin}.${w.id}`} className="widget" data-widget={`${w.plugin}.${w.id}`} aria-label={interpolate(plugins.translation(w.plugin, i18n.language)?.messages?.[w.title] ?? w.title)}>
              <h2 className="widget-title">{interpolate(plugins.translation(w.plugin, i18n.language)?.messages?.[w.title] ?? w.title)}</h2>
              <div className="widget-body">
                <PluginBoundary plugin={w.plugin}>
                  <w.component language={i18n.language} dashboard={view.dashboard.id} period={period} />
                </PluginBoundary>
              </div>
            </section>
          ))}
        </div>
      )}
      {drill && <DrillPanel target={drill} period={period} onClose={closeDrill} />}
    </section>
  );
}
