import type { StageSla } from '../../api/processes';

const DAY = 86_400_000;
const ISO = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * An ISO 8601 duration in (approximate) days: a month is 30 days, a year 365.
 *
 * @example
 * ```ts
 * isoDays('P1W2D'); // 9
 * isoDays('PT12H'); // 0.5
 * ```
 */
export function isoDays(duration: string | undefined): number | undefined {
  const m = duration ? ISO.exec(duration) : null;
  if (!m || duration === 'P' || duration === 'PT') return undefined;
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((x) => (x ? Number(x) : 0)) as [number, number, number, number, number, number, number];
  return y * 365 + mo * 30 + w * 7 + d + h / 24 + mi / 1440 + s / 86_400;
}

/** How a card stands against its stage's SLA. */
export type SlaState = 'none' | 'ok' | 'warn' | 'breached';

/**
 * Days in stage and SLA state of a record: breached past the due date (the server's, else the
 * stage's maximum from entry), warning within `warnBefore` of it (default: the last fifth).
 *
 * @example
 * ```ts
 * slaStatus('2026-01-01T00:00:00Z', new Date('2026-01-29T00:00:00Z'), { maxDays: 30, warnBefore: 'P5D' });
 * // { days: 28, state: 'warn' }
 * ```
 */
export function slaStatus(enteredAt: string, now: Date, sla: StageSla | undefined, dueAt?: string | null): { days: number; state: SlaState } {
  const entered = Date.parse(enteredAt);
  const days = Number.isNaN(entered) ? 0 : Math.max(0, Math.floor((now.getTime() - entered) / DAY));
  const max = sla ? (sla.maxDays ?? isoDays(sla.maxDuration)) : undefined;
  const due = dueAt ? Date.parse(dueAt) : max !== undefined && !Number.isNaN(entered) ? entered + max * DAY : NaN;
  if (Number.isNaN(due)) return { days, state: 'none' };
  const warnDays = sla?.warnBefore ? (isoDays(sla.warnBefore) ?? 0) : (max ?? 0) / 5;
  const t = now.getTime();
  if (t > due) return { days, state: 'breached' };
  if (t > due - warnDays * DAY) return { days, state: 'warn' };
  return { days, state: 'ok' };
}
