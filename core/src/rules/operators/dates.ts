/**
 * Strict, allocation-free date parsing for the business operators: `YYYY-MM-DD` (JSON Schema
 * `format: date`) or RFC 3339 date-times with an offset (`format: date-time`), e.g.
 * `2025-01-31T09:30:00.000Z`. Anything else is "no date". Days are UTC calendar days, which is
 * what the SQL translation computes too.
 *
 * This runs on every evaluation of a date rule (`days_since`, `days_between`), so it is written
 * for speed: fixed-position character reads, unsigned range checks (`(c - 48) >>> 0 > 9` is
 * "not a digit") and integer arithmetic. In the calendar computation years are shifted by one
 * 400-year era (146,097 days) so that every division is over non-negative integers and
 * truncates like a floor.
 */

const MINUTES_PER_DAY = 1440;
/** Days in 400 Gregorian years; adding it keeps intermediate values non-negative. */
const ERA_DAYS = 146_097;

/** Value of the two-digit number at `from`, or -1 when a character is not a digit. */
function digits2(s: string, from: number): number {
  const a = s.charCodeAt(from) - 48;
  const b = s.charCodeAt(from + 1) - 48;
  return (a >>> 0) > 9 || (b >>> 0) > 9 ? -1 : a * 10 + b;
}

/** Days since 1970-01-01 of year `y`, month `m`, day `d` (H. Hinnant's days_from_civil over years shifted by one era). */
function civilDay(y: number, m: number, d: number): number {
  const yy = (m <= 2 ? y - 1 : y) + 400;
  const era = (yy / 400) | 0;
  const yoe = yy - era * 400;
  const doy = (((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) | 0) + d - 1;
  const doe = yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy;
  return era * ERA_DAYS + doe - 719_468 - ERA_DAYS;
}

/** Years whose month starts are tabulated: the formula's four divisions are most of a parse. */
const TABLE_FROM = 1900;
const TABLE_YEARS = 300;
/** Epoch day of the first of each month of the tabulated years, and each month's length. */
const MONTH_START = new Int32Array(TABLE_YEARS * 12);
const MONTH_DAYS = new Int8Array(TABLE_YEARS * 12);
for (let y = TABLE_FROM; y < TABLE_FROM + TABLE_YEARS; y++) {
  for (let m = 1; m <= 12; m++) {
    const i = (y - TABLE_FROM) * 12 + m - 1;
    MONTH_START[i] = civilDay(y, m, 1);
    MONTH_DAYS[i] = (m === 12 ? civilDay(y + 1, 1, 1) : civilDay(y, m + 1, 1)) - (MONTH_START[i] as number);
  }
}

/** Days since 1970-01-01 of `YYYY-MM-DD` at the start of `s`, or `null`. */
function datePart(s: string): number | null {
  const y0 = s.charCodeAt(0) - 48;
  const y1 = s.charCodeAt(1) - 48;
  const y2 = s.charCodeAt(2) - 48;
  const y3 = s.charCodeAt(3) - 48;
  if ((y0 >>> 0) > 9 || (y1 >>> 0) > 9 || (y2 >>> 0) > 9 || (y3 >>> 0) > 9 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  const m = digits2(s, 5);
  const d = digits2(s, 8);
  if (m < 1 || m > 12 || d < 1) return null;
  const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const row = y - TABLE_FROM;
  if ((row >>> 0) < TABLE_YEARS) {
    const i = row * 12 + m - 1;
    return d > (MONTH_DAYS[i] as number) ? null : (MONTH_START[i] as number) + d - 1;
  }
  if (d > 28) {
    const leap = (y & 3) === 0 && (y % 100 !== 0 || y % 400 === 0);
    const last = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
    if (d > last) return null;
  }
  return civilDay(y, m, d);
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
  const length = value.length;
  if (length === 10) return datePart(value);
  if (length < 20 || value.charCodeAt(10) !== 84 /* T */ || value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return null;
  const day = datePart(value);
  if (day === null) return null;
  const hh = digits2(value, 11);
  const mm = digits2(value, 14);
  const ss = digits2(value, 17);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return null;
  let i = 19;
  if (value.charCodeAt(i) === 46 /* . */) {
    const start = ++i;
    while (i < length && i - start < 9 && ((value.charCodeAt(i) - 48) >>> 0) <= 9) i++;
    if (i === start) return null;
  }
  const sign = value.charCodeAt(i);
  if (sign === 90 /* Z */) {
    // A UTC time is on the day of its date part.
    return i + 1 === length ? day : null;
  }
  if ((sign !== 43 && sign !== 45) || i + 6 !== length || value.charCodeAt(i + 3) !== 58) return null;
  const oh = digits2(value, i + 1);
  const om = digits2(value, i + 4);
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return null;
  const offset = (sign === 43 ? 1 : -1) * (oh * 60 + om);
  return Math.floor((day * MINUTES_PER_DAY + hh * 60 + mm - offset) / MINUTES_PER_DAY);
}

/** UTC epoch day of an instant in epoch milliseconds. */
export function epochDayOfMillis(ms: number): number {
  return Math.floor(ms / 86_400_000);
}
