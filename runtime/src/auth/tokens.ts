import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError } from '@pipewright/core';
import type { Kysely, Selectable } from 'kysely';
import type { ApiTokenTable, Database } from '../db/tables';
import { auditAction } from './audit';
import type { Principal } from './principal';
import { isScope, type Scope } from './roles';
import { randomSecret, sha256 } from './secrets';
import { isoTime, isoTimeOrNull } from '../db/time';

/** Bearer tokens start with this prefix, so secret scanners can recognise leaked ones. */
export const TOKEN_PREFIX = 'pwt_';

/** A token as the API shows it: never the secret nor its hash. */
export interface TokenView {
  id: string;
  name: string;
  userId: string;
  scopes: Scope[];
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}


/**
 * Maps a token row to its public view.
 *
 * @example
 * ```ts
 * tokenView(row).scopes; // ['read']
 * ```
 */
export function tokenView(r: Omit<Selectable<ApiTokenTable>, 'token_hash'>): TokenView {
  return {
    id: r.id,
    name: r.name,
    userId: r.user_id,
    scopes: (Array.isArray(r.scopes) ? r.scopes : []).filter(isScope),
    createdBy: r.created_by,
    createdAt: isoTime(r.created_at),
    expiresAt: isoTimeOrNull(r.expires_at),
    revokedAt: isoTimeOrNull(r.revoked_at),
    lastUsedAt: isoTimeOrNull(r.last_used_at),
  };
}

const PUBLIC_COLUMNS = ['id', 'name', 'user_id', 'scopes', 'created_by', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'] as const;

/**
 * Creates a token for a user; the secret is returned here once and stored only as SHA-256.
 * Audited as `token.create` without the secret.
 *
 * @example
 * ```ts
 * const { token, view } = await createToken(db, { userId: 'ada', name: 'CRM sync', scopes: ['read'], expiresInDays: 90 }, actor, new Date());
 * ```
 */
export async function createToken(
  db: Kysely<Database>,
  input: { userId: string; name: string; scopes: Scope[]; expiresInDays: number | null },
  actor: Principal,
  now: Date,
): Promise<{ token: string; view: TokenView }> {
  const token = randomSecret(TOKEN_PREFIX);
  return db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select(['id', 'roles', 'active']).where('id', '=', input.userId).executeTakeFirst();
    if (!user || !user.active) throw new ValidationError({ code: 'token.unknown-user', message: `There is no active user "${input.userId}".`, details: [{ pointer: '/userId', message: 'no such active user' }] });
    if (input.scopes.includes('admin') && !(Array.isArray(user.roles) && user.roles.includes('admin'))) {
      throw new ValidationError({ code: 'token.scope-exceeds-role', message: 'Only an admin user\'s token can hold the "admin" scope.', details: [{ pointer: '/scopes', message: '"admin" needs an admin user' }] });
    }
    const row = await tx
      .insertInto('api_tokens')
      .values({
        id: randomUUID(),
        user_id: input.userId,
        name: input.name,
        scopes: JSON.stringify(input.scopes),
        token_hash: sha256(token),
        created_by: actor.id,
        created_at: now,
        expires_at: input.expiresInDays === null ? null : new Date(now.getTime() + input.expiresInDays * 86_400_000),
      })
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirstOrThrow();
    const view = tokenView(row);
    await auditAction(tx, { actor, action: 'token.create', subject: `token:${view.id}`, before: null, after: view, at: now });
    return { token, view };
  });
}

/**
 * Resolves a bearer secret to a live token (not revoked, not expired), touching `last_used_at`
 * at most once a minute.
 *
 * @example
 * ```ts
 * const t = await findToken(db, bearer, new Date());
 * ```
 */
export async function findToken(db: Kysely<Database>, secret: string, now: Date): Promise<{ id: string; userId: string; scopes: Scope[] } | null> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 100) return null;
  const row = await db.selectFrom('api_tokens').select(PUBLIC_COLUMNS).where('token_hash', '=', sha256(secret)).executeTakeFirst();
  if (!row || row.revoked_at !== null) return null;
  if (row.expires_at !== null && new Date(row.expires_at).getTime() <= now.getTime()) return null;
  if (row.last_used_at === null || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return { id: row.id, userId: row.user_id, scopes: tokenView(row).scopes };
}

/**
 * Lists tokens (optionally of one user), newest first, without secrets.
 *
 * @example
 * ```ts
 * const items = await listTokens(db, { userId: 'ada' });
 * ```
 */
export async function listTokens(db: Kysely<Database>, o: { userId?: string } = {}): Promise<TokenView[]> {
  let q = db.selectFrom('api_tokens').select(PUBLIC_COLUMNS);
  if (o.userId) q = q.where('user_id', '=', o.userId);
  return (await q.orderBy('created_at', 'desc').orderBy('id').execute()).map(tokenView);
}

/**
 * Revokes a token (idempotent); audited as `token.revoke` the first time.
 *
 * @example
 * ```ts
 * await revokeToken(db, id, actor, new Date());
 * ```
 */
export async function revokeToken(db: Kysely<Database>, id: string, actor: Principal, now: Date): Promise<TokenView> {
  return db.transaction().execute(async (tx) => {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await tx.selectFrom('api_tokens').select(PUBLIC_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst() : undefined;
    if (!row) throw new NotFoundError(`There is no token "${id}".`);
    if (row.revoked_at !== null) return tokenView(row);
    const after = await tx.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).returning(PUBLIC_COLUMNS).executeTakeFirstOrThrow();
    await auditAction(tx, { actor, action: 'token.revoke', subject: `token:${id}`, before: tokenView(row), after: tokenView(after), at: now });
    return tokenView(after);
  });
}
