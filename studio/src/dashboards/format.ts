import type { DashboardText, TimeGrain } from '@pipewright/core/dashboards';
import type { MetricInfo } from './api';

/**
 * A dashboard text in the reader's language (zh-CN, else English).
 *
 * @example
 * ```ts
 * localText({ en: 'Won value', 'zh-CN': '赢单金额' }, 'zh-CN'); // '赢单金额'
 * ```
 */
export function localText(text: DashboardText | null | undefined, language: string): string {
  if (!text) return '';
  return text[language] ?? text.en;
}

/**
 * A metric value as a reader expects it in their locale: money with its currency, ratios as
 * percentages, durations in days, counts as whole numbers. `compact` shortens for chart axes
 * (1.2M, 120万).
 *
 * @example
 * ```ts
 * formatMetric(1234567, { unit: 'money', currency: 'USD' }, 'en'); // '$1,234,567'
 * formatMetric(0.6312, { unit: 'ratio', currency: null }, 'zh-CN'); // '63.1%'
 * ```
 */
export function formatMetric(value: number | null | undefined, metric: Pick<MetricInfo, 'unit' | 'currency'> | undefined, locale: string, compact = false): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const base: Intl.NumberFormatOptions = compact ? { notation: 'compact', maximumFractionDigits: 1 } : {};
  switch (metric?.unit) {
    case 'money':
      return new Intl.NumberFormat(locale, { style: 'currency', currency: metric.currency ?? 'USD', maximumFractionDigits: 0, ...base }).format(value);
    case 'ratio':
      return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
    case 'days':
    case 'hours':
      return new Intl.NumberFormat(locale, { style: 'unit', unit: metric.unit === 'days' ? 'day' : 'hour', unitDisplay: 'long', maximumFractionDigits: 1 }).format(value);
    case 'count':
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 0, ...base }).format(value);
    default:
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 2, ...base }).format(value);
  }
}

/**
 * The change of a figure against the previous period: relative for amounts and counts,
 * in percentage points for ratios. Null when there is nothing to compare with.
 *
 * @example
 * ```ts
 * figureChange(120, 100, 'money'); // { kind: 'relative', value: 0.2 }
 * figureChange(0.5, 0.4, 'ratio'); // { kind: 'points', value: 10.000000000000002 }
 * ```
 */
export function figureChange(current: number | null, previous: number | null, unit: string | undefined): { kind: 'relative' | 'points'; value: number } | null {
  if (current === null || previous === null) return null;
  if (unit === 'ratio') return { kind: 'points', value: (current - previous) * 100 };
  if (previous === 0) return null;
  return { kind: 'relative', value: (current - previous) / Math.abs(previous) };
}

/**
 * The change, signed, in the reader's locale: `+20%`, `-3.5 pts` (`+20%`, `-3.5 个百分点`).
 *
 * @example
 * ```ts
 * formatChange({ kind: 'relative', value: 0.2 }, 'en', 'pts'); // '+20%'
 * ```
 */
export function formatChange(change: { kind: 'relative' | 'points'; value: number }, locale: string, pointsUnit: string): string {
  if (change.kind === 'points') return `${new Intl.NumberFormat(locale, { signDisplay: 'exceptZero', maximumFractionDigits: 1 }).format(change.value)} ${pointsUnit}`;
  return new Intl.NumberFormat(locale, { style: 'percent', signDisplay: 'exceptZero', maximumFractionDigits: 1 }).format(change.value);
}

/**
 * A period label of the metric API (`2017-03-01`, `2017-W09`, `2017-03`, `2017-Q1`, `2017`)
 * as a reader of the locale writes it.
 *
 * @example
 * ```ts
 * periodLabel('2017-Q3', 'quarter', 'en'); // 'Q3 2017'
 * periodLabel('2017-Q3', 'quarter', 'zh-CN'); // '2017年第3季度'
 * periodLabel('2017-03', 'month', 'zh-CN'); // '2017年3月'
 * ```
 */
export function periodLabel(label: string, grain: TimeGrain, locale: string): string {
  const zh = locale.startsWith('zh');
  const q = /^(\d{4})-Q([1-4])$/.exec(label);
  if (grain === 'quarter' && q) return zh ? `${q[1]}年第${q[2]}季度` : `Q${q[2]} ${q[1]}`;
  const w = /^(\d{4})-W(\d{2})$/.exec(label);
  if (grain === 'week' && w) return zh ? `${w[1]}年第${Number(w[2])}周` : `Week ${Number(w[2])}, ${w[1]}`;
  const m = /^(\d{4})-(\d{2})$/.exec(label);
  if (grain === 'month' && m) return new Intl.DateTimeFormat(locale, { year: 'numeric', month: zh ? 'long' : 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)));
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(label);
  if (grain === 'day' && d) return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]))));
  if (grain === 'year' && /^\d{4}$/.test(label)) return zh ? `${label}年` : label;
  return label;
}

/**
 * A date (YYYY-MM-DD) as the locale writes it.
 *
 * @example
 * ```ts
 * formatDate('2017-03-31', 'zh-CN'); // '2017年3月31日'
 * ```
 */
export function formatDate(date: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return date;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}
