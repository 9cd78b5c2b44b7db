import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';

/**
 * How long a stored response is replayed when nothing else is configured: 24 hours
 * (`PIPEWRIGHT_IDEMPOTENCY_TTL_HOURS`).
 *
 * @example
 * ```ts
 * new Date(Date.now() - DEFAULT_IDEMPOTENCY_TTL_MS); // keys stored before this are expired
 * ```
 */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/**
 * Deletes the idempotency keys stored before `before`, in batches of `batchSize` rows (each its
 * own short statement, oldest first, skipping rows another transaction holds), and returns how
 * many it deleted. Run by the maintenance job (see `Workers`); running it concurrently is
 * harmless.
 *
 * @example
 * ```ts
 * await sweepIdempotencyKeys(db, new Date(Date.now() - DEFAULT_IDEMPOTENCY_TTL_MS));
 * ```
 */
export async function sweepIdempotencyKeys(db: Kysely<Database>, before: Date, batchSize = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await db
      .deleteFrom('idempotency_keys')
      .where(({ eb, refTuple, selectFrom }) =>
        eb(refTuple('scope', 'key'), 'in', selectFrom('idempotency_keys').select(['scope', 'key']).where('created_at', '<', before).orderBy('created_at').limit(batchSize).forUpdate().skipLocked().$asTuple('scope', 'key')),
      )
      .executeTakeFirst();
    const n = Number(result.numDeletedRows);
    total += n;
    if (n < batchSize) return total;
  }
}
