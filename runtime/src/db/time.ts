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
