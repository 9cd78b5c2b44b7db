/**
 * Great-circle distance for field visits (外勤签到), computed in the plugin so that PGlite and
 * PostgreSQL answer the same number (ADR 025): the haversine formula on a sphere of the mean
 * Earth radius (IUGG, 6371.0088 km). Within 0.5% of the ellipsoid distance, far below a phone's
 * position accuracy at the scale of a visit.
 */

/** Mean Earth radius in km (IUGG R1). */
export const EARTH_RADIUS_KM = 6371.0088;

const rad = (deg: number) => (deg * Math.PI) / 180;

/** True for a finite latitude in [-90, 90]. */
export const isLatitude = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= -90 && v <= 90;
/** True for a finite longitude in [-180, 180]. */
export const isLongitude = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= -180 && v <= 180;

/**
 * Haversine distance in km between two points given in decimal degrees (WGS 84).
 *
 * @example
 * ```ts
 * haversineKm(31.2304, 121.4737, 39.9042, 116.4074); // ~1067 (Shanghai to Beijing)
 * ```
 */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Rounds a distance to metres (3 decimals of a km), the precision stored on a visit. */
export const roundKm = (km: number): number => Math.round(km * 1000) / 1000;

/**
 * The `distance_km` rule operator: `{"distance_km": [lat1, lon1, lat2, lon2]}` is the distance
 * in km between the two points (rounded to metres), or null when any argument is not a valid
 * latitude/longitude, so a guard on a visit without coordinates fails closed
 * (`{"<=": [null, 2]}` is false in json-logic only when compared as a number; write the guard
 * with an explicit `{"!=": [..., null]}` when that matters).
 *
 * @example
 * ```ts
 * distanceKmOperator.evaluate([31.2304, 121.4737, 31.2397, 121.4998]); // 2.68
 * ```
 */
export const distanceKmOperator = {
  evaluate(args: readonly unknown[]): number | null {
    const [lat1, lon1, lat2, lon2] = args;
    if (!isLatitude(lat1) || !isLongitude(lon1) || !isLatitude(lat2) || !isLongitude(lon2)) return null;
    return roundKm(haversineKm(lat1, lon1, lat2, lon2));
  },
  describe(args: readonly unknown[], result: unknown): string {
    const [lat1, lon1, lat2, lon2] = args.map((a) => String(a));
    return result === null ? `no distance between (${lat1}, ${lon1}) and (${lat2}, ${lon2}): not valid coordinates` : `${String(result)} km between (${lat1}, ${lon1}) and (${lat2}, ${lon2})`;
  },
  doc: 'Great-circle (haversine) distance in km between two points given as latitude, longitude in decimal degrees; null unless all four are valid coordinates.',
};
