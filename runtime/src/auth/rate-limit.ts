import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/**
 * Fixed-window rate limiting whose counters live in the shared database, so N stateless
 * runtime processes enforce one limit together. One atomic upsert per hit:
 * `insert ... on conflict (key) do update` resets the counter when a new window starts.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter(db);
 * const d = await limiter.hit('user:ada', 600, 60);
 * if (!d.allowed) return tooMany(d.resetSeconds);
 * ```
 */
export class RateLimiter {
  private hitsSinceSweep = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Counts one hit for `key` in a window of `windowSeconds`, allowing `limit` per window. */
  async hit(key: string, limit: number, windowSeconds: number): Promise<RateDecision> {
    const nowMs = this.now().getTime();
    const windowMs = windowSeconds * 1000;
    const start = new Date(Math.floor(nowMs / windowMs) * windowMs);
    const row = await this.db
      .insertInto('rate_limits')
      .values({ key, window_start: start, hits: 1 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          hits: sql<number>`case when rate_limits.window_start = excluded.window_start then rate_limits.hits + 1 else 1 end`,
          window_start: sql<Date>`excluded.window_start`,
        }),
      )
      .returning(['hits'])
      .executeTakeFirstOrThrow();
    if (++this.hitsSinceSweep >= 1000) {
      this.hitsSinceSweep = 0;
      await this.db.deleteFrom('rate_limits').where('window_start', '<', new Date(nowMs - 86_400_000)).execute();
    }
    const resetSeconds = Math.max(1, Math.ceil((start.getTime() + windowMs - nowMs) / 1000));
    return { allowed: row.hits <= limit, limit, remaining: Math.max(0, limit - row.hits), resetSeconds };
  }
}
