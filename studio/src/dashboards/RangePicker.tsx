import { useTranslation } from 'react-i18next';
import { RANGE_PRESETS, type DashboardRange, type Period } from '@pipewright/core/dashboards';
import { formatDate } from './format';

/**
 * The period picker of a dashboard: presets (this quarter, last year...) or custom dates; shows
 * the dates a preset stands for.
 *
 * @example
 * ```tsx
 * <RangePicker range={range} period={period} onChange={setRange} />
 * ```
 */
export function RangePicker({ range, period, onChange }: { range: DashboardRange; period: Period; onChange: (range: DashboardRange) => void }) {
  const { t, i18n } = useTranslation();
  const custom = 'from' in range;
  return (
    <div className="range-picker">
      <label>
        {t('dashboards.range.label')}{' '}
        <select
          value={custom ? 'custom' : range.preset}
          onChange={(e) => {
            const v = e.target.value;
            if (v === 'custom') onChange({ from: period.from ?? '2017-01-01', to: period.to ?? new Date().toISOString().slice(0, 10) });
            else onChange({ preset: v as (typeof RANGE_PRESETS)[number] });
          }}
        >
          {RANGE_PRESETS.map((p) => (
            <option key={p} value={p}>{t(`dashboards.range.${p}`)}</option>
          ))}
          <option value="custom">{t('dashboards.range.custom')}</option>
        </select>
      </label>
      {custom ? (
        <>
          <label>
            {t('dashboards.range.from')} <input type="date" value={range.from} max={range.to} onChange={(e) => e.target.value && onChange({ from: e.target.value, to: range.to })} />
          </label>
          <label>
            {t('dashboards.range.to')} <input type="date" value={range.to} min={range.from} onChange={(e) => e.target.value && onChange({ from: range.from, to: e.target.value })} />
          </label>
        </>
      ) : (
        <span className="muted range-dates">{period.from && period.to ? t('dashboards.range.showing', { from: formatDate(period.from, i18n.language), to: formatDate(period.to, i18n.language) }) : t('dashboards.range.everything')}</span>
      )}
    </div>
  );
}
