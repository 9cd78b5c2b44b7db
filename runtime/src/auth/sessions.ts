import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';
import { randomSecret, sha256 } from './secrets';

export const SESSION_COOKIE = 'pw_session';
export const CSRF_COOKIE = 'pw_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The CSRF token of a session: derived from the session secret, so it needs no storage and
 * cannot be computed by anyone who does not hold the (httpOnly) session cookie.
 *
 * @example
 * ```ts
 * c.req.header(CSRF_HEADER) === csrfTokenOf(cookieValue);
 * ```
 */
export function csrfTokenOf(sessionSecret: string): string {
  return sha256(`csrf:${sessionSecret}`);
}

/**
 * Starts a session for a user. Only the SHA-256 of the secret is stored.
 *
 * @example
 * ```ts
 * const { secret, csrfToken, expiresAt } = await createSession(db, user.id, 12 * 3600, new Date());
 * ```
 */
export async function createSession(db: Kysely<Database>, userId: string, ttlSeconds: number, now: Date): Promise<{ id: string; secret: string; csrfToken: string; expiresAt: Date }> {
  const secret = randomSecret();
  const id = sha256(secret);
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  await db.insertInto('sessions').values({ id, user_id: userId, created_at: now, expires_at: expiresAt, last_seen_at: now }).execute();
  return { id, secret, csrfToken: csrfTokenOf(secret), expiresAt };
}

/**
 * Finds the live session a cookie value names; expired sessions are removed on sight.
 *
 * @example
 * ```ts
 * const session = await findSession(db, cookie, new Date());
 * ```
 */
export async function findSession(db: Kysely<Database>, secret: string, now: Date): Promise<{ id: string; userId: string } | null> {
  if (secret.length < 20 || secret.length > 100) return null;
  const id = sha256(secret);
  const row = await db.selectFrom('sessions').select(['id', 'user_id', 'expires_at', 'last_seen_at']).where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  if (new Date(row.expires_at).getTime() <= now.getTime()) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  return { id, userId: row.user_id };
}

/**
 * Ends one session (logout).
 *
 * @example
 * ```ts
 * await endSession(db, principal.credentialId);
 * ```
 */
export async function endSession(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/**
 * Ends every session of a user (deactivation, password change).
 *
 * @example
 * ```ts
 * await endUserSessions(tx, 'dustin-brinkmann');
 * ```
 */
export async function endUserSessions(db: Kysely<Database>, userId: string): Promise<number> {
  const r = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}
