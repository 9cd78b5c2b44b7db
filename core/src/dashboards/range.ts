import type { DashboardRange, Period, RangePreset } from './types';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const iso = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
/** Days in month `m` (1-12) of year `y`. */
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function parts(date: string): [number, number, number] {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`"${date}" is not an ISO date (YYYY-MM-DD).`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Month index since year 0 and back: 2017-03 -> 2017 * 12 + 2. */
const monthIndex = (y: number, m: number) => y * 12 + (m - 1);
const fromMonthIndex = (i: number): [number, number] => [Math.floor(i / 12), (i % 12) + 1];

/** The period of whole months [first, last] (month indexes), as dates. */
function months(first: number, last: number): Required<Period> {
  const [fy, fm] = fromMonthIndex(first);
  const [ly, lm] = fromMonthIndex(last);
  return { from: iso(fy, fm, 1), to: iso(ly, lm, daysIn(ly, lm)) };
}

/**
 * The dates a range stands for, given today's date in the company's time zone. Presets are
 * whole calendar periods; `all` is open on both sides.
 *
 * @example
 * ```ts
 * resolveRange({ preset: 'last-quarter' }, '2017-05-14'); // { from: '2017-01-01', to: '2017-03-31' }
 * resolveRange({ from: '2017-01-01', to: '2017-06-30' }, '2026-01-01'); // as given
 * ```
 */
export function resolveRange(range: DashboardRange | undefined, today: string): Period {
  if (!range) return {};
  if ('from' in range) return { from: range.from, to: range.to };
  return presetPeriod(range.preset, today);
}

function presetPeriod(preset: RangePreset, today: string): Period {
  const [y, m] = parts(today);
  const month = monthIndex(y, m);
  const quarterStart = monthIndex(y, m - ((m - 1) % 3));
  switch (preset) {
    case 'all':
      return {};
    case 'this-month':
      return months(month, month);
    case 'last-month':
      return months(month - 1, month - 1);
    case 'this-quarter':
      return months(quarterStart, quarterStart + 2);
    case 'last-quarter':
      return months(quarterStart - 3, quarterStart - 1);
    case 'this-year':
      return months(monthIndex(y, 1), monthIndex(y, 12));
    case 'last-year':
      return months(monthIndex(y - 1, 1), monthIndex(y - 1, 12));
    case 'last-12-months':
      return months(month - 11, month);
  }
}

/**
 * The period just before a bounded one, of the same length: whole calendar months shift by
 * their number of months (Q2 -> Q1, a year -> the year before), anything else by its number of
 * days. An open period has none.
 *
 * @example
 * ```ts
 * previousPeriod({ from: '2017-04-01', to: '2017-06-30' }); // { from: '2017-01-01', to: '2017-03-31' }
 * previousPeriod({ from: '2017-01-10', to: '2017-01-19' }); // { from: '2016-12-31', to: '2017-01-09' }
 * ```
 */
export function previousPeriod(period: Period): Required<Period> | null {
  if (!period.from || !period.to) return null;
  const [fy, fm, fd] = parts(period.from);
  const [ty, tm, td] = parts(period.to);
  if (fd === 1 && td === daysIn(ty, tm)) {
    const first = monthIndex(fy, fm);
    const last = monthIndex(ty, tm);
    const n = last - first + 1;
    return months(first - n, last - n);
  }
  const day = 86_400_000;
  const start = Date.UTC(fy, fm - 1, fd);
  const days = Math.round((Date.UTC(ty, tm - 1, td) - start) / day) + 1;
  const d = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: d(start - days * day), to: d(start - day) };
}

/**
 * Today's date (YYYY-MM-DD) in a time zone.
 *
 * @example
 * ```ts
 * todayIn('Asia/Shanghai', new Date('2017-03-31T20:00:00Z')); // '2017-04-01'
 * ```
 */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return f.format(now);
}
