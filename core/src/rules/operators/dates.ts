/**
 * Strict date parsing for the sales operators: `YYYY-MM-DD` (JSON Schema `format: date`) or
 * RFC 3339 date-times with an offset (`format: date-time`). Anything else is "no date".
 * Days are UTC calendar days, which is what the SQL translation computes too.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * UTC epoch day (days since 1970-01-01) of a date or date-time string, else `null`.
 *
 * @example
 * ```ts
 * epochDay('1970-01-02'); // 1
 * epochDay('2025-01-01T01:00:00+02:00'); // 20088 (2024-12-31 in UTC)
 * ```
 */
export function epochDay(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const date = DATE.exec(value);
  if (date !== null) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const ms = Date.UTC(y, m - 1, d);
    const check = new Date(ms);
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
    return Math.floor(ms / DAY_MS);
  }
  const dateTime = DATE_TIME.exec(value);
  if (dateTime === null || epochDay(value.slice(0, 10)) === null) return null;
  if (Number(dateTime[4]) > 23 || Number(dateTime[5]) > 59 || Number(dateTime[6]) > 59) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : Math.floor(ms / DAY_MS);
}

/** UTC epoch day of an instant in epoch milliseconds. */
export function epochDayOfMillis(ms: number): number {
  return Math.floor(ms / DAY_MS);
}
