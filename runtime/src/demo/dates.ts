import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/** How the demo's dates are moved: `auto` (the latest date falls in the current year) or a fixed number of years (0 keeps the data set's own dates). */
export type DemoShift = 'auto' | number;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * Moves a `YYYY-MM-DD` date by whole years; 29 February becomes 28 February in a common year.
 * Anything that is not such a date comes back unchanged.
 *
 * @example
 * ```ts
 * shiftDate('2016-02-29', 9); // '2025-02-28'
 * ```
 */
export function shiftDate(date: string, years: number): string {
  const m = ISO_DATE.exec(date);
  if (!m || years === 0) return date;
  const y = Number(m[1]) + years;
  const day = m[2] === '02' && m[3] === '29' && !isLeap(y) ? '28' : m[3];
  return `${String(y).padStart(4, '0')}-${m[2]}-${day}`;
}

/**
 * The whole number of years the demo moves its dates by: with `auto`, so that the data set's
 * latest date falls in the current year (never backwards); otherwise the configured number.
 *
 * @example
 * ```ts
 * demoYearShift('2017-12-31', new Date('2026-12-05'), 'auto'); // 9
 * ```
 */
export function demoYearShift(latest: string, now: Date, setting: DemoShift): number {
  if (setting !== 'auto') return setting;
  const m = ISO_DATE.exec(latest);
  return m ? Math.max(0, now.getUTCFullYear() - Number(m[1])) : 0;
}

/**
 * A CSV text with the given date columns moved by whole years (quarters stay quarters), and the
 * latest date those columns held before the move. Header, other columns and quoting survive a
 * round trip through csv-parse and csv-stringify.
 *
 * @example
 * ```ts
 * const { csv } = shiftCsvDates(text, ['engage_date', 'close_date'], 9);
 * ```
 */
export function shiftCsvDates(text: string, columns: readonly string[], years: number): { csv: string; latest: string } {
  const rows = parse(text, { bom: true, relax_column_count: true }) as string[][];
  const header = rows[0] ?? [];
  const at = columns.map((c) => header.indexOf(c)).filter((i) => i >= 0);
  let latest = '';
  for (const row of rows.slice(1)) {
    for (const i of at) {
      const v = row[i];
      if (v === undefined || !ISO_DATE.test(v)) continue;
      if (v > latest) latest = v;
      row[i] = shiftDate(v, years);
    }
  }
  return { csv: years === 0 ? text : stringify(rows), latest };
}
