import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables';
import type { RateLimiter } from './rate-limit';

/** Sign-in limits count failures over fixed 15-minute windows. */
export const SIGN_IN_WINDOW_SECONDS = 900;
/** An address the account signed in from within this many days is a known address. */
export const KNOWN_ADDRESS_DAYS = 90;

const accountKey = (email: string) => `login:account:${email}`;
const pairPrefix = (email: string) => `login:pair:${email}|`;
const pairKey = (email: string, address: string) => `${pairPrefix(email)}${address}`;
const addressKey = (address: string) => `login:address:${address}`;

export interface SignInDecision {
  allowed: boolean;
  /** Seconds until the refusing window ends (when not allowed). */
  retryAfter: number;
  /** Which limit refused: the account, this address with this account, or this address. */
  limitedBy?: 'account' | 'pair' | 'address';
}

/**
 * Failed sign-ins are limited three ways at once (ADR 003, addendum "sign-in limits"):
 *
 * - per account and address: `perAccount` failures (10) in 15 minutes stop that address trying
 *   that account;
 * - per address: ten times as many over all accounts stop an address spraying passwords;
 * - per account: `perAccount` failures from anywhere lock the account for addresses it has
 *   never signed in from, so a distributed guess is stopped too, while its user still signs in
 *   from an address it used in the last {@link KNOWN_ADDRESS_DAYS} days (the audit log's
 *   `auth.login` events).
 *
 * Every attempt is counted before the password is checked (so parallel guesses cannot slip past
 * the limit) and a success takes its count back: successes never count, and a success resets
 * the account's failures and those of its address with the account.
 *
 * @example
 * ```ts
 * const limits = new SignInLimits(db, limiter, 10);
 * const d = await limits.attempt(email, address, userId);
 * if (!d.allowed) return tooMany(d.retryAfter);
 * if (passwordOk) await limits.succeeded(email, address);
 * ```
 */
export class SignInLimits {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly limiter: RateLimiter,
    private readonly perAccount: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Counts an attempt and decides whether it may be checked at all. */
  async attempt(email: string, address: string, userId: string | undefined): Promise<SignInDecision> {
    const w = SIGN_IN_WINDOW_SECONDS;
    const byAddress = await this.limiter.hit(addressKey(address), this.perAccount * 10, w, 'exact');
    const byPair = await this.limiter.hit(pairKey(email, address), this.perAccount, w, 'exact');
    const byAccount = await this.limiter.hit(accountKey(email), this.perAccount, w, 'exact');
    if (!byAddress.allowed) return { allowed: false, retryAfter: byAddress.resetSeconds, limitedBy: 'address' };
    if (!byPair.allowed) return { allowed: false, retryAfter: byPair.resetSeconds, limitedBy: 'pair' };
    if (!byAccount.allowed && !(userId && (await this.isKnownAddress(userId, address)))) return { allowed: false, retryAfter: byAccount.resetSeconds, limitedBy: 'account' };
    return { allowed: true, retryAfter: 0 };
  }

  /** A successful sign-in: its attempt was no failure, and the account starts afresh. */
  async succeeded(email: string, address: string): Promise<void> {
    await this.limiter.forget({ key: accountKey(email) });
    await this.limiter.forget({ key: pairKey(email, address) });
    await this.limiter.takeBack(addressKey(address), SIGN_IN_WINDOW_SECONDS);
  }

  /**
   * Lifts the limits of an account (from every address) and/or of an address (the CLI's
   * `unlock`). Returns how many counters were cleared.
   */
  async unlock(target: { email?: string; address?: string }): Promise<number> {
    let n = 0;
    if (target.email) {
      const email = target.email.toLowerCase();
      n += await this.limiter.forget({ key: accountKey(email), prefix: pairPrefix(email) });
    }
    if (target.address) n += await this.limiter.forget({ key: addressKey(target.address) });
    return n;
  }

  /** Whether the user signed in from this address recently (audit log, `auth.login`). */
  private async isKnownAddress(userId: string, address: string): Promise<boolean> {
    const since = new Date(this.now().getTime() - KNOWN_ADDRESS_DAYS * 86_400_000);
    const hit = await this.db
      .selectFrom('events')
      .select('id')
      .where('subject', '=', `user:${userId}`)
      .where('action', '=', 'auth.login')
      .where('at', '>=', since)
      .where(sql<boolean>`meta->>'address' = ${address}`)
      .limit(1)
      .executeTakeFirst();
    return hit !== undefined;
  }
}
