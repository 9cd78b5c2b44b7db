import type { Kysely } from 'kysely';
import { parseAuditQuery, queryAudit } from '../../auth/audit';
import { adminOnly } from '../../auth/guards';
import type { Database } from '../../db/tables';
import { ref } from '../../openapi/identity';
import { RouteTable } from '../declare';
import { problem } from '../problem';

/**
 * `GET /api/audit` (admins only): the append-only event log, newest first, filtered by
 * `record`, `actor`, `subject`, `action` and a `from`/`to` time range. There is no way to
 * change or delete it: other methods answer 405, and a database trigger refuses UPDATE and
 * DELETE on `events`.
 *
 * @example
 * ```ts
 * app.route('/api/audit', auditRoutes(db));
 * ```
 */
export function auditRoutes(db: Kysely<Database>): RouteTable {
  const t = new RouteTable('/api/audit', ['identity']);
  const text = { type: 'string', minLength: 1, maxLength: 200 };
  const instant = { type: 'string', description: 'ISO 8601 date or date-time' };
  const query = { record: { type: 'string', format: 'uuid' }, actor: text, subject: text, action: text, from: instant, to: instant, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 }, cursor: { type: 'string', pattern: '^[0-9]{1,18}$', description: 'nextCursor of the previous page' } };
  const page = { type: 'object', properties: { items: { type: 'array', items: ref('AuditEvent') }, nextCursor: { type: ['string', 'null'] } } };
  t.on({ method: 'get', path: '/', operationId: 'listAudit', summary: 'The append-only audit log, newest first (admin)', guards: [adminOnly()], query, responses: { 200: { description: 'A page of audit events', schema: page } }, errors: [403, 405] }, async (c) => c.json(await queryAudit(db, parseAuditQuery(new URL(c.req.url).searchParams))));
  t.app.all('*', (c) => c.json(problem(405, 'method-not-allowed', 'The audit log is read-only: only GET /api/audit exists.'), 405, { 'Content-Type': 'application/problem+json', Allow: 'GET' }));
  return t;
}
