/**
 * Report periods (日报/周报) in a team's time zone, with the platform's Intl only: the local
 * calendar day of an instant, the instant of a local wall-clock time, and a period's start,
 * end and deadline.
 */

export type ReportPeriod = 'daily' | 'weekly';

/** The offset of `tz` from UTC at `instant`, in ms (Asia/Shanghai: +8 h). */
function offsetMs(instant: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** True when `tz` is a time zone this runtime knows. */
export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The local calendar day (`yyyy-mm-dd`) of an instant in `tz`. */
export function localDate(instant: Date, tz: string): string {
  return new Date(instant.getTime() + offsetMs(instant.getTime(), tz)).toISOString().slice(0, 10);
}

/** The instant of the local wall-clock time `hh:mm` on `day` in `tz`. */
export function zonedInstant(day: string, hhmm: string, tz: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const [h, mi] = hhmm.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, h, mi);
  let t = wall - offsetMs(wall, tz);
  t = wall - offsetMs(t, tz); // second pass across a DST change
  return new Date(t);
}

/** `day` plus `n` calendar days. */
export function addDays(day: string, n: number): string {
  const t = Date.parse(`${day}T00:00:00Z`) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** What a template says about periods. */
export interface PeriodRule {
  period: ReportPeriod;
  deadline_time: string;
  deadline_weekday?: number;
  time_zone: string;
}

/** One report period: first and last local day, the instants it spans, and its deadline. */
export interface PeriodWindow {
  start: string;
  end: string;
  from: Date;
  to: Date;
  deadline: Date;
}

/**
 * The period containing the local day `day` (daily: that day; weekly: Monday to Sunday), with
 * its deadline (daily: that day at the deadline time; weekly: the deadline weekday of the week).
 *
 * @example
 * ```ts
 * periodOf({ period: 'weekly', deadline_time: '18:00', deadline_weekday: 5, time_zone: 'Asia/Shanghai' }, '2026-12-09');
 * // start 2026-12-07, end 2026-12-13, deadline 2026-12-11T10:00:00Z
 * ```
 */
export function periodOf(rule: PeriodRule, day: string): PeriodWindow {
  let start = day;
  let end = day;
  let deadlineDay = day;
  if (rule.period === 'weekly') {
    const weekday = ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1; // 1 Monday .. 7 Sunday
    start = addDays(day, 1 - weekday);
    end = addDays(start, 6);
    deadlineDay = addDays(start, (rule.deadline_weekday ?? 5) - 1);
  }
  return { start, end, from: zonedInstant(start, '00:00', rule.time_zone), to: zonedInstant(addDays(end, 1), '00:00', rule.time_zone), deadline: zonedInstant(deadlineDay, rule.deadline_time, rule.time_zone) };
}
