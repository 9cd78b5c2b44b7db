import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { parseAuditQuery, queryAudit } from '../../auth/audit';
import { adminOnly } from '../../auth/guards';
import type { Database } from '../../db/tables';
import type { AppEnv } from '../context';
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
export function auditRoutes(db: Kysely<Database>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', adminOnly(), async (c) => c.json(await queryAudit(db, parseAuditQuery(new URL(c.req.url).searchParams))));
  app.all('*', (c) => c.json(problem(405, 'method-not-allowed', 'The audit log is read-only: only GET /api/audit exists.'), 405, { 'Content-Type': 'application/problem+json', Allow: 'GET' }));
  return app;
}
