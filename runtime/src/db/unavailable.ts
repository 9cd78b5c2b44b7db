/** Error codes of a PostgreSQL server that is going away, starting, or out of reach. */
const CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, in recovery)
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
]);

/**
 * Whether an error says the database cannot be reached right now (a restart, a failover, a
 * network cut) rather than that the request is wrong: such requests answer 503 with
 * `Retry-After`, and the load balancer or the client may try again (with an `Idempotency-Key`
 * for writes, since a write cut off at its commit may or may not have happened).
 *
 * @example
 * ```ts
 * if (isStorageUnavailable(err)) return c.json(problem(503, 'storage-unavailable', '...'), 503);
 * ```
 */
export function isStorageUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CODES.has(code)) return true;
    // node-postgres reports a connection lost mid-query, or never made in time, without a code.
    if (/^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended)/.test(e.message)) return true;
  }
  return false;
}
