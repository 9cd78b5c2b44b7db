/**
 * Pure helpers of the field-visit pages (外勤签到): the browser position as the API takes it,
 * geolocation failures and API problems as message keys, the reader's day as an instant window,
 * durations and distances for reading.
 */

/** A position as `POST /api/plugins/crm/visits/check-in` and `/check-out` take it. */
export interface VisitPosition {
  latitude: number;
  longitude: number;
  accuracy: number;
  timestamp: string;
}

/** A visit as the visit routes answer it. */
export interface VisitView {
  id: string;
  subject: string;
  account: { id: string; name: string; located: boolean } | null;
  rep: { id: string; name: string } | null;
  checkinAt: string | null;
  checkoutAt: string | null;
  durationMinutes: number | null;
  distanceKm: number | null;
  accuracyM: number | null;
  reason: string | null;
  outcome: string | null;
  /** Where the rep checked in (the map of the day's visits). */
  checkin?: { latitude?: number; longitude?: number } | null;
}

/**
 * The body's position from a browser GeolocationPosition, or null when it carries no usable
 * coordinates (NaN, out of range, no accuracy).
 *
 * @example
 * ```ts
 * toVisitPosition({ coords: { latitude: 31.2, longitude: 121.5, accuracy: 12 }, timestamp: Date.now() });
 * ```
 */
export function toVisitPosition(p: { coords: { latitude: number; longitude: number; accuracy: number }; timestamp: number }): VisitPosition | null {
  const { latitude, longitude, accuracy } = p.coords;
  const ok = Number.isFinite(latitude) && Number.isFinite(longitude) && Number.isFinite(accuracy) && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180 && accuracy >= 0;
  if (!ok) return null;
  const at = Number.isFinite(p.timestamp) ? new Date(p.timestamp) : new Date();
  return { latitude, longitude, accuracy, timestamp: at.toISOString() };
}

/** The message key for a GeolocationPositionError code (1 denied, 2 unavailable, 3 timeout). */
export function geoErrorKey(code: number | null): string {
  if (code === 1) return 'visit.geo.denied';
  if (code === 2) return 'visit.geo.unavailable';
  if (code === 3) return 'visit.geo.timeout';
  return 'visit.geo.unsupported';
}

/** Problem codes of the visit routes the pages explain in the reader's language. */
export const KNOWN_PROBLEMS = ['crm.visit-open', 'crm.visit-reason-required', 'crm.visit-imprecise', 'crm.visit-checked-out', 'crm.visit-account', 'plugin.invalid-body'] as const;

/** The message key of an API problem the pages know, else null (the server's text is shown). */
export function problemKey(code: unknown): string | null {
  return typeof code === 'string' && (KNOWN_PROBLEMS as readonly string[]).includes(code) ? `visit.problem.${code}` : null;
}

/**
 * The reader's calendar day `yyyy-mm-dd` as the instants [from, to) in the browser's time zone.
 *
 * @example
 * ```ts
 * dayWindow('2026-12-06'); // { from: '2026-12-05T16:00:00.000Z', to: '2026-12-06T16:00:00.000Z' } in Asia/Shanghai
 * ```
 */
export function dayWindow(day: string): { from: string; to: string } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return { from: new Date(y, m - 1, d).toISOString(), to: new Date(y, m - 1, d + 1).toISOString() };
}

/** Today in the browser's time zone as `yyyy-mm-dd`. */
export function localDay(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** Whole minutes between two instants (never negative). */
export function minutesBetween(from: string, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - Date.parse(from)) / 60_000));
}

/**
 * A duration in minutes for reading: `45 min`, `1 h 05 min` (`分钟`, `小时` in zh-CN).
 *
 * @example
 * ```ts
 * formatMinutes(65, 'en'); // '1 h 05 min'
 * ```
 */
export function formatMinutes(minutes: number, language: string): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (language === 'zh-CN') return h > 0 ? `${h} 小时 ${String(m).padStart(2, '0')} 分钟` : `${m} 分钟`;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`;
}

/** A distance for reading: metres under 1 km, else km with two decimals, in the reader's number format. */
export function formatKm(km: number, language: string): string {
  if (km < 1) return `${new Intl.NumberFormat(language, { maximumFractionDigits: 0 }).format(km * 1000)} m`;
  return `${new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(km)} km`;
}
