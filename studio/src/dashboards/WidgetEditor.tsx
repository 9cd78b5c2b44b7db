import { useTranslation } from 'react-i18next';
import { TIME_GRAINS, WIDGET_KINDS, type TimeGrain, type Widget, type WidgetKind } from '@pipewright/core/dashboards';
import type { MetricInfo } from './api';
import type { DashboardLabels } from './labels';
import { sharedDimensions, sharedGrains } from './widget-edit';

interface Props {
  widget: Widget;
  index: number;
  metrics: Map<string, MetricInfo> | null;
  labels: DashboardLabels;
  problems: string[];
  onChange: (widget: Widget) => void;
  onMove: (dx: number, dy: number) => void;
  onRemove: () => void;
}

/**
 * The form of one widget in the dashboard editor: titles in both languages, chart kind,
 * metrics, group-by, time split, size and place, rows shown. Problems the server reported for
 * the widget are shown on it.
 *
 * @example
 * ```tsx
 * <WidgetEditor widget={w} index={0} metrics={catalogue} labels={labels} problems={[]} onChange={update} onMove={move} onRemove={remove} />
 * ```
 */
export function WidgetEditor({ widget, index, metrics, labels, problems, onChange, onMove, onRemove }: Props) {
  const { t, i18n } = useTranslation();
  const id = (name: string) => `w${index}-${name}`;
  const q = widget.query;
  const dims = sharedDimensions(q, metrics);
  const grains = sharedGrains(q, metrics);
  const all = [...(metrics?.values() ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  const maxMetrics = widget.kind === 'number' ? 1 : widget.kind === 'funnel' || widget.kind === 'leaderboard' ? 3 : 6;
  const maxGroups = widget.kind === 'number' ? 0 : widget.kind === 'table' ? 3 : widget.kind === 'bar' ? 2 : 1;
  const setQuery = (patch: Partial<Widget['query']>) => onChange({ ...widget, query: { ...q, ...patch } });
  const setGroup = (i: number, dim: string) => {
    const next = [...(q.groupBy ?? [])];
    if (dim) next[i] = dim;
    else next.splice(i);
    const { groupBy: _g, ...rest } = q;
    onChange({ ...widget, query: next.length ? { ...rest, groupBy: next.filter(Boolean) } : rest });
  };
  const title = widget.title[i18n.language] ?? widget.title.en;
  const metricName = (m: MetricInfo) => labels.metric(m.id);

  return (
    <fieldset className="widget-editor panel" aria-invalid={problems.length > 0} data-widget-editor={widget.id}>
      <legend>{t('dashboards.edit.widgetLabel', { n: index + 1, title })}</legend>
      {problems.length > 0 && (
        <ul className="form-alert" role="alert">
          {problems.map((p) => <li key={p}>{p}</li>)}
        </ul>
      )}
      <div className="editor-row">
        <label htmlFor={id('en')}>{t('dashboards.edit.titleEn')}</label>
        <input id={id('en')} value={widget.title.en} onChange={(e) => onChange({ ...widget, title: { ...widget.title, en: e.target.value } })} />
        <label htmlFor={id('zh')}>{t('dashboards.edit.titleZh')}</label>
        <input id={id('zh')} lang="zh-CN" value={widget.title['zh-CN']} onChange={(e) => onChange({ ...widget, title: { ...widget.title, 'zh-CN': e.target.value } })} />
        <label htmlFor={id('kind')}>{t('dashboards.edit.kind')}</label>
        <select id={id('kind')} value={widget.kind} onChange={(e) => onChange({ ...widget, kind: e.target.value as WidgetKind })}>
          {WIDGET_KINDS.map((k) => <option key={k} value={k}>{t(`dashboards.kinds.${k}`)}</option>)}
        </select>
      </div>
      <div className="editor-row">
        <span className="editor-label">{t('dashboards.edit.metrics')}</span>
        {q.metrics.map((m, i) => (
          <span key={`${m}-${i}`} className="metric-pick">
            <select aria-label={`${t('dashboards.edit.metrics')} ${i + 1}`} value={m} onChange={(e) => setQuery({ metrics: q.metrics.map((x, j) => (j === i ? e.target.value : x)) })}>
              {!metrics?.has(m) && <option value={m}>{m}</option>}
              {all.map((info) => <option key={info.id} value={info.id} disabled={info.id !== m && q.metrics.includes(info.id)}>{metricName(info)}</option>)}
            </select>
            {q.metrics.length > 1 && <button type="button" className="link-button" aria-label={t('dashboards.edit.removeMetric', { metric: labels.metric(m) })} onClick={() => setQuery({ metrics: q.metrics.filter((_, j) => j !== i) })}>✕</button>}
          </span>
        ))}
        {q.metrics.length < maxMetrics && (
          <select aria-label={t('dashboards.edit.addMetric')} value="" onChange={(e) => e.target.value && setQuery({ metrics: [...q.metrics, e.target.value] })}>
            <option value="">{t('dashboards.edit.addMetric')}…</option>
            {all.filter((info) => !q.metrics.includes(info.id)).map((info) => <option key={info.id} value={info.id}>{metricName(info)}</option>)}
          </select>
        )}
      </div>
      <div className="editor-row">
        {Array.from({ length: Math.min(maxGroups, (q.groupBy?.length ?? 0) + 1) }, (_, i) => (
          <label key={i}>
            {i === 0 ? t('dashboards.edit.groupBy') : t('dashboards.edit.thenBy')}{' '}
            <select value={q.groupBy?.[i] ?? ''} onChange={(e) => setGroup(i, e.target.value)}>
              {!(widget.kind === 'funnel' || widget.kind === 'leaderboard') && <option value="">{t('dashboards.edit.noGroup')}</option>}
              {dims.filter((d) => d === q.groupBy?.[i] || !q.groupBy?.includes(d)).map((d) => <option key={d} value={d}>{labels.dimension(d)}</option>)}
            </select>
          </label>
        ))}
        {widget.kind !== 'number' && widget.kind !== 'funnel' && widget.kind !== 'leaderboard' && (
          <label>
            {t('dashboards.edit.grain')}{' '}
            <select value={q.grain ?? ''} onChange={(e) => { const { grain: _g, ...rest } = q; onChange({ ...widget, query: e.target.value ? { ...rest, grain: e.target.value as TimeGrain } : rest }); }}>
              {widget.kind !== 'line' && <option value="">{t('dashboards.grains.none')}</option>}
              {TIME_GRAINS.filter((g) => grains.includes(g)).map((g) => <option key={g} value={g}>{t(`dashboards.grains.${g}`)}</option>)}
            </select>
          </label>
        )}
        {(widget.kind === 'table' || widget.kind === 'leaderboard' || widget.kind === 'bar') && (
          <label>
            {t('dashboards.edit.limit')}{' '}
            <input type="number" min={1} max={100} value={widget.limit ?? ''} onChange={(e) => { const { limit: _l, ...rest } = widget; const n = Number(e.target.value); onChange(e.target.value && n >= 1 && n <= 100 ? { ...rest, limit: Math.round(n) } : rest); }} />
          </label>
        )}
      </div>
      <div className="editor-row">
        <label>
          {t('dashboards.edit.width')}{' '}
          <input type="number" min={1} max={12} value={widget.layout.w} onChange={(e) => onChange({ ...widget, layout: { ...widget.layout, w: clamp(e.target.value, 1, 12, widget.layout.w) } })} />
        </label>
        <label>
          {t('dashboards.edit.height')}{' '}
          <input type="number" min={1} max={12} value={widget.layout.h} onChange={(e) => onChange({ ...widget, layout: { ...widget.layout, h: clamp(e.target.value, 1, 12, widget.layout.h) } })} />
        </label>
        <span className="move-buttons">
          <button type="button" onClick={() => onMove(-1, 0)} disabled={widget.layout.x === 0}>{t('dashboards.edit.moveLeft')}</button>
          <button type="button" onClick={() => onMove(1, 0)} disabled={widget.layout.x + widget.layout.w >= 12}>{t('dashboards.edit.moveRight')}</button>
          <button type="button" onClick={() => onMove(0, -1)} disabled={widget.layout.y === 0}>{t('dashboards.edit.moveUp')}</button>
          <button type="button" onClick={() => onMove(0, 1)}>{t('dashboards.edit.moveDown')}</button>
        </span>
        <button type="button" className="danger" onClick={onRemove}>{t('dashboards.edit.remove')}</button>
      </div>
    </fieldset>
  );
}

function clamp(raw: string, min: number, max: number, fallback: number): number {
  const n = Number(raw);
  return Number.isFinite(n) && raw !== '' ? Math.min(max, Math.max(min, Math.round(n))) : fallback;
}
