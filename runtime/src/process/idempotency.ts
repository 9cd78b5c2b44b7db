import { createHash } from 'node:crypto';
import { PipewrightError, ValidationError } from '@pipewright/core';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/tables';
import { DEFAULT_IDEMPOTENCY_TTL_MS } from '../jobs/idempotency-sweep';

// The TTL and the sweep live with the maintenance job that runs it.
export { DEFAULT_IDEMPOTENCY_TTL_MS, sweepIdempotencyKeys } from '../jobs/idempotency-sweep';

/** A response stored under an Idempotency-Key. */
export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Validates an Idempotency-Key header value (printable ASCII, at most 255 characters).
 *
 * @example
 * ```ts
 * idempotencyKeyOf(c.req.header('idempotency-key')); // 'a1b2' or undefined
 * ```
 */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!KEY.test(header)) {
    throw new ValidationError({ code: 'idempotency.invalid-key', status: 400, message: 'Idempotency-Key must be 1 to 255 printable ASCII characters.', details: [{ pointer: '', parameter: 'Idempotency-Key', message: 'malformed' }] });
  }
  return header;
}

/**
 * Fingerprint of a request for idempotency: method, path, If-Match and the canonical body.
 *
 * @example
 * ```ts
 * requestHash('POST', '/api/deals/1/transitions', '"3"', { to: 'won' });
 * ```
 */
export function requestHash(method: string, path: string, ifMatch: string | undefined, body: unknown): string {
  return createHash('sha256').update(JSON.stringify([method, path, ifMatch ?? null, canonical(body)])).digest('hex');
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}


/**
 * Claims an idempotency key inside the caller's transaction. Returns null when the caller now
 * holds it (it must {@link storeResponse} before committing); otherwise the response stored by
 * the request that holds it. A concurrent request with the same key waits on the unique index
 * until the holder commits (then gets its response) or rolls back (then claims it itself).
 * The same key with a different request is 422.
 *
 * A key is remembered for `ttlMs`: a key stored before `now - ttlMs` counts as never used, even
 * if {@link sweepIdempotencyKeys} has not removed it yet. The same statement that claims the key
 * takes the expired row over (an upsert whose update only applies to an expired row), so two
 * requests racing for an expired key still end with one holder and one replay.
 *
 * @example
 * ```ts
 * const replay = await claimKey(tx, 'user:ada', key, hash, new Date(), DEFAULT_IDEMPOTENCY_TTL_MS);
 * if (replay) return replay;
 * ```
 */
export async function claimKey(tx: Transaction<Database>, scope: string, key: string, hash: string, now: Date, ttlMs: number = DEFAULT_IDEMPOTENCY_TTL_MS): Promise<StoredResponse | null> {
  const expired = new Date(now.getTime() - ttlMs);
  const claimed = await tx
    .insertInto('idempotency_keys')
    .values({ scope, key, request_hash: hash, status: 0, body: 'null', headers: '{}', created_at: now })
    .onConflict((oc) =>
      oc
        .columns(['scope', 'key'])
        .doUpdateSet((eb) => ({ request_hash: eb.ref('excluded.request_hash'), status: 0, body: 'null', headers: '{}', created_at: eb.ref('excluded.created_at') }))
        .where('idempotency_keys.created_at', '<', expired),
    )
    .returning('key')
    .executeTakeFirst();
  if (claimed) return null;
  const row = await tx.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirstOrThrow();
  if (row.request_hash !== hash) {
    throw new PipewrightError({ code: 'idempotency.key-reused', status: 422, message: 'This Idempotency-Key was already used for a different request; use a new key for a new request.' });
  }
  const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  return { status: row.status, body: parse(row.body), headers: parse(row.headers) as Record<string, string> };
}


/**
 * Stores the response of the request holding the key (same transaction as its effects).
 *
 * @example
 * ```ts
 * await storeResponse(tx, scope, key, { status: 200, body, headers: { ETag: '"4"' } });
 * ```
 */
export async function storeResponse(tx: Transaction<Database>, scope: string, key: string, response: StoredResponse): Promise<void> {
  await tx
    .updateTable('idempotency_keys')
    .set({ status: response.status, body: JSON.stringify(response.body), headers: JSON.stringify(response.headers) })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
}
