/**
 * A `timestamptz` column as the API shows it: ISO 8601 in UTC. `pg` and PGlite hand back `Date`s;
 * the column types also admit strings, so both are accepted.
 *
 * @example
 * ```ts
 * isoTime(row.created_at); // '2026-11-28T21:11:22.000Z'
 * ```
 */
export function isoTime(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/**
 * {@link isoTime} for nullable columns.
 *
 * @example
 * ```ts
 * isoTimeOrNull(row.revoked_at); // null
 * ```
 */
export function isoTimeOrNull(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : isoTime(value);
}

const MIN_INSTANT = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * Whether an instant can be stored and compared as `timestamptz` by both backends: years 1 to
 * 9999 in UTC. PostgreSQL has no year 0 (`0000-01-01` is out of range), and JavaScript writes
 * years past 9999 as `+010000-...`, which it cannot read.
 *
 * @example
 * ```ts
 * storableInstant(new Date('0000-01-01')); // false
 * ```
 */
export function storableInstant(d: Date): boolean {
  const t = d.getTime();
  return !Number.isNaN(t) && t >= MIN_INSTANT && t <= MAX_INSTANT;
}

