import type { StageSla } from './types';

/** An ISO 8601 duration split into its parts. */
export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const PATTERN = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?!$)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Parses an ISO 8601 duration (`P14D`, `PT48H`, `P1M2DT3H`); null when malformed.
 *
 * @example
 * ```ts
 * parseIsoDuration('P1DT2H'); // { days: 1, hours: 2, ... }
 * ```
 */
export function parseIsoDuration(text: string): IsoDuration | null {
  const m = PATTERN.exec(text);
  if (!m) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

const DAY = 86_400_000;
const isWeekend = (t: number) => {
  const d = new Date(t).getUTCDay();
  return d === 0 || d === 6;
};

function addBusinessDays(t: number, days: number): number {
  let out = t;
  let left = days;
  while (left > 0) {
    out += DAY;
    if (!isWeekend(out)) left--;
  }
  return out;
}

/**
 * Adds a duration to an instant (UTC calendar arithmetic). With `businessDays`, day and week
 * parts count Monday to Friday only.
 *
 * @example
 * ```ts
 * addDuration(new Date('2025-01-03T09:00:00Z'), parseIsoDuration('P1D')!, true); // Monday 2025-01-06 09:00
 * ```
 */
export function addDuration(from: Date, d: IsoDuration, businessDays = false): Date {
  const t = new Date(from.getTime());
  if (d.years || d.months) t.setUTCMonth(t.getUTCMonth() + d.years * 12 + d.months);
  const days = d.weeks * (businessDays ? 5 : 7) + d.days;
  let ms = businessDays ? addBusinessDays(t.getTime(), days) : t.getTime() + days * DAY;
  ms += ((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000;
  return new Date(ms);
}

/**
 * When a record that entered a stage at `enteredAt` breaches the stage's SLA, and when its
 * owner is warned (if `warnBefore` is set). Null when the stage has no usable SLA.
 *
 * @example
 * ```ts
 * slaTimes({ maxDays: 30, warnBefore: 'P5D' }, new Date('2025-01-01T00:00:00Z'));
 * // { dueAt: 2025-01-31T00:00Z, warnAt: 2025-01-26T00:00Z }
 * ```
 */
export function slaTimes(sla: StageSla | undefined, enteredAt: Date): { dueAt: Date; warnAt: Date | null } | null {
  if (!sla) return null;
  const max = sla.maxDays !== undefined ? parseIsoDuration(`P${sla.maxDays}D`) : sla.maxDuration ? parseIsoDuration(sla.maxDuration) : null;
  if (!max) return null;
  const dueAt = addDuration(enteredAt, max, sla.businessDays === true);
  const warn = sla.warnBefore ? parseIsoDuration(sla.warnBefore) : null;
  const warnAt = warn ? new Date(dueAt.getTime() - (addDuration(new Date(0), warn).getTime() - 0)) : null;
  return { dueAt, warnAt: warnAt && warnAt.getTime() > enteredAt.getTime() ? warnAt : null };
}

/**
 * Length of a duration in milliseconds, counted from the epoch (months as calendar months).
 *
 * @example
 * ```ts
 * durationMillis('PT2H'); // 7200000
 * ```
 */
export function durationMillis(text: string): number | null {
  const d = parseIsoDuration(text);
  return d ? addDuration(new Date(0), d).getTime() : null;
}
