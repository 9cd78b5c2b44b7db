import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/** How a key is counted: `exact` writes every hit at once; `batched` (default) see {@link RateLimiter}. */
export type RateMode = 'exact' | 'batched';

interface KeyState {
  windowStart: number;
  windowMs: number;
  /** The shared count as of the last write. */
  known: number;
  /** Hits counted here and not yet written. */
  pending: number;
  /** Hits being written right now. */
  inflight: number;
  /** When this process last wrote the key (ms). */
  syncedAt: number;
}

/**
 * Fixed-window rate limiting whose counters live in the shared database, so N stateless
 * runtime processes enforce one limit together. A write is one atomic upsert
 * (`insert ... on conflict (key) do update`) that adds hits and resets the counter when a new
 * window starts, and returns the shared count.
 *
 * Keys are counted in one of two modes:
 * - `exact`: every hit is written before it is decided (sign-in attempts: few, and they must
 *   hold across processes at once);
 * - `batched` (API requests): a process writes a key at most once per `syncMs` (1 s by
 *   default). Hits in between are counted in the process and decided against the last shared
 *   count plus the local ones; a timer writes them within `syncMs`. Within one process the
 *   count is exact; across N processes a key can overshoot its limit by what the others
 *   counted but had not yet written (at most `syncMs` worth of their traffic). This takes the
 *   limiter off the hot path: one small write per key per second instead of one per request.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter(db);
 * const d = await limiter.hit('user:ada', 600, 60);
 * if (!d.allowed) return tooMany(d.resetSeconds);
 * ```
 */
export class RateLimiter {
  private writesSinceSweep = 0;
  private readonly keys = new Map<string, KeyState>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date = () => new Date(),
    readonly syncMs = 1000,
  ) {}

  /** Counts one hit for `key` in a window of `windowSeconds`, allowing `limit` per window. */
  async hit(key: string, limit: number, windowSeconds: number, mode: RateMode = 'batched'): Promise<RateDecision> {
    const nowMs = this.now().getTime();
    const windowMs = windowSeconds * 1000;
    const windowStart = Math.floor(nowMs / windowMs) * windowMs;
    const decide = (hits: number): RateDecision => ({
      allowed: hits <= limit,
      limit,
      remaining: Math.max(0, limit - hits),
      resetSeconds: Math.max(1, Math.ceil((windowStart + windowMs - nowMs) / 1000)),
    });
    if (mode === 'exact' || this.syncMs <= 0) return decide(await this.write(key, windowStart, 1));

    let s = this.keys.get(key);
    if (!s || s.windowStart !== windowStart) {
      // A new window: hits of the old one that are still pending are dropped with it.
      s = { windowStart, windowMs, known: 0, pending: 0, inflight: 0, syncedAt: -Infinity };
      this.keys.set(key, s);
    }
    if (nowMs - s.syncedAt < this.syncMs) {
      s.pending++;
      this.schedule();
      return decide(s.known + s.inflight + s.pending);
    }
    // Write this hit with the pending ones, and learn the shared count. Hits arriving while the
    // write is in flight are counted locally (syncedAt is set first).
    const n = s.pending + 1;
    s.pending = 0;
    s.inflight += n;
    s.syncedAt = nowMs;
    try {
      s.known = await this.write(key, windowStart, n);
    } finally {
      s.inflight -= n;
    }
    return decide(s.known + s.inflight + s.pending);
  }

  /**
   * Takes back one hit of an `exact` key in the current window (a sign-in that succeeded after
   * it was counted as an attempt).
   */
  async takeBack(key: string, windowSeconds: number): Promise<void> {
    const windowMs = windowSeconds * 1000;
    const windowStart = new Date(Math.floor(this.now().getTime() / windowMs) * windowMs);
    await this.db.updateTable('rate_limits').set({ hits: sql<number>`greatest(hits - 1, 0)` }).where('key', '=', key).where('window_start', '=', windowStart).execute();
  }

  /** Forgets keys (their counts start again from zero): one key, or every key with a prefix. */
  async forget(keys: { key?: string; prefix?: string }): Promise<number> {
    if (keys.key === undefined && keys.prefix === undefined) return 0;
    for (const k of [...this.keys.keys()]) if (k === keys.key || (keys.prefix !== undefined && k.startsWith(keys.prefix))) this.keys.delete(k);
    const result = await this.db
      .deleteFrom('rate_limits')
      .where((eb) => eb.or([...(keys.key === undefined ? [] : [eb('key', '=', keys.key)]), ...(keys.prefix === undefined ? [] : [eb(sql<boolean>`starts_with(key, ${keys.prefix})`, '=', true)])]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Writes every pending hit now (shutdown, tests). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const nowMs = this.now().getTime();
    const writes: Promise<void>[] = [];
    for (const [key, s] of this.keys) {
      if (s.pending > 0 && s.windowStart + s.windowMs <= nowMs) {
        // The window is over: its unwritten hits no longer matter.
        this.keys.delete(key);
      } else if (s.pending > 0) {
        const n = s.pending;
        s.pending = 0;
        s.inflight += n;
        s.syncedAt = nowMs;
        writes.push(
          this.write(key, s.windowStart, n)
            .then((hits) => {
              s.known = hits;
            })
            .catch(() => {
              // A failed background write loses these counts (the limiter errs towards allowing).
            })
            .finally(() => {
              s.inflight -= n;
            }),
        );
      } else if (s.windowStart + s.windowMs <= nowMs && s.inflight === 0) {
        this.keys.delete(key);
      }
    }
    await Promise.all(writes);
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
      });
    }, this.syncMs);
    this.timer.unref();
  }

  /** Flushes pending hits and stops the timer. */
  async close(): Promise<void> {
    await this.flushing;
    await this.flush();
  }

  /** Adds `n` hits to `key`'s window; returns the shared count of the window. */
  private async write(key: string, windowStart: number, n: number): Promise<number> {
    const start = new Date(windowStart);
    const row = await this.db
      .insertInto('rate_limits')
      .values({ key, window_start: start, hits: n })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          // Late hits of a window that another process has already moved past are ignored, and
          // never move the window back.
          hits: sql<number>`case when rate_limits.window_start = excluded.window_start then rate_limits.hits + excluded.hits when rate_limits.window_start > excluded.window_start then rate_limits.hits else excluded.hits end`,
          window_start: sql<Date>`greatest(rate_limits.window_start, excluded.window_start)`,
        }),
      )
      .returning(['hits'])
      .executeTakeFirstOrThrow();
    if (++this.writesSinceSweep >= 1000) {
      this.writesSinceSweep = 0;
      await this.db.deleteFrom('rate_limits').where('window_start', '<', new Date(windowStart - 86_400_000)).execute();
    }
    return row.hits;
  }
}
