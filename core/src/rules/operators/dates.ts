/**
 * Strict, allocation-free date parsing for the sales operators: `YYYY-MM-DD` (JSON Schema
 * `format: date`) or RFC 3339 date-times with an offset (`format: date-time`), e.g.
 * `2025-01-31T09:30:00.000Z`. Anything else is "no date". Days are UTC calendar days, which is
 * what the SQL translation computes too.
 */

const MINUTES_PER_DAY = 1440;

function digits(s: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function datePart(s: string): number | null {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  const y = digits(s, 0, 4);
  const m = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return daysFromCivil(y, m, d);
}

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
  if (value.length === 10) return datePart(value);
  if (value.length < 20 || value.charCodeAt(10) !== 84 /* T */ || value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return null;
  const day = datePart(value);
  const hh = digits(value, 11, 2);
  const mm = digits(value, 14, 2);
  const ss = digits(value, 17, 2);
  if (day === null || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return null;
  let i = 19;
  if (value.charCodeAt(i) === 46 /* . */) {
    const start = ++i;
    while (i < value.length && i - start < 9 && digits(value, i, 1) >= 0) i++;
    if (i === start) return null;
  }
  let offset = 0;
  const sign = value.charCodeAt(i);
  if (sign === 90 /* Z */ && i + 1 === value.length) offset = 0;
  else if ((sign === 43 || sign === 45) && i + 6 === value.length && value.charCodeAt(i + 3) === 58) {
    const oh = digits(value, i + 1, 2);
    const om = digits(value, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return null;
    offset = (sign === 43 ? 1 : -1) * (oh * 60 + om);
  } else return null;
  return Math.floor((day * MINUTES_PER_DAY + hh * 60 + mm - offset) / MINUTES_PER_DAY);
}

/** UTC epoch day of an instant in epoch milliseconds. */
export function epochDayOfMillis(ms: number): number {
  return Math.floor(ms / 86_400_000);
}
