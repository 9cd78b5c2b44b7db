import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ajvDetails, createAjv } from '@pipewright/core';
import pg from 'pg';

/**
 * The baseline of `npm run bench:api`: the least a server can do to create a record (a CRM account,
 * or the entity `BENCH_ENTITY` names) as the platform does, with none of the platform. Plain `node:http`, the same ajv setup (core's
 * `createAjv`, so the same formats and `$ref`s) on the account's own schema, and one `pg`
 * transaction inserting the record row and its event row into the same `records` and `events`
 * tables, with their indexes. No sign-in, hooks, duplicate check, idempotency or problem
 * documents: the gap between this and the platform is what those cost.
 *
 * `BENCH_BASELINE_HOOK` names a module (path from the repository root) whose default export is a
 * {@link BaselineHook}: it reshapes the body and runs its own statements in the transaction before
 * the inserts, or refuses the write. `plugins/crm/bench/baseline-dedupe.ts` does crm's duplicate
 * check by hand that way (the like-for-like baseline of hooked account creates, ADR 007 addendum 5).
 *
 * Run by the benchmark in its own process: `DATABASE_URL=... node --import tsx runtime/bench/baseline-server.ts`.
 * Prints `running at http://127.0.0.1:<port>/` once listening.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The entity created (`BENCH_ENTITY`, default `crm.account`): its schema is `plugins/<plugin>/schemas/<name>.schema.json`. */
const TYPE = process.env.BENCH_ENTITY ?? 'crm.account';
const [PLUGIN, NAME] = TYPE.split('.') as [string, string];
const entity = JSON.parse(readFileSync(`${ROOT}/plugins/${PLUGIN}/schemas/${NAME.replace(/_/g, '-')}.schema.json`, 'utf8')) as { schema: unknown };

/** The entity's JSON Schema without its annotations (`x-...`), which the platform's registry also removes before compiling. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('x-')).map(([k, v]) => [k, plain(v)]));
}

const validate = createAjv().compile(plain(entity.schema) as object);

/** What `BENCH_BASELINE_HOOK`'s module exports (as default). */
export interface BaselineHook {
  /** Inside the transaction, before the inserts: the body to store, or a refusal (status and problem body). */
  before(client: pg.PoolClient, type: string, data: Record<string, unknown>): Promise<{ data: Record<string, unknown> } | { status: number; problem: unknown }>;
}
const hook: Promise<BaselineHook | null> = process.env.BENCH_BASELINE_HOOK ? import(`${ROOT}/${process.env.BENCH_BASELINE_HOOK}`).then((m: { default: BaselineHook }) => m.default) : Promise.resolve(null);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.PIPEWRIGHT_DB_POOL ?? 10) });
pool.on('error', () => {});

const send = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== `/api/records/${TYPE}`) return send(res, 404, { title: 'not found' });
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      let body: { data?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: unknown };
      } catch {
        return send(res, 400, { title: 'malformed JSON' });
      }
      if (!validate(body.data)) return send(res, 422, { title: 'invalid', errors: ajvDetails(validate.errors, '/data') });
      const id = randomUUID();
      const now = new Date();
      const before = await hook;
      let data = body.data as Record<string, unknown>;
      const client = await pool.connect();
      try {
        await client.query('begin');
        if (before) {
          const out = await before.before(client, TYPE, data);
          if ('status' in out) {
            await client.query('rollback');
            return send(res, out.status, out.problem);
          }
          data = out.data;
        }
        const row = await client.query(
          `insert into records (id, type, owner_id, org_unit_id, stage, version, data, created_by, updated_by, created_at, updated_at)
           values ($1, $4, 'admin', null, null, 1, $2, 'user:admin', 'user:admin', $3, $3) returning id, version, data, created_at, updated_at`,
          [id, JSON.stringify(data), now, TYPE],
        );
        await client.query(`insert into events (record_id, record_type, action, actor, at, before, after) values ($1, $4, 'create', 'user:admin', $2, null, $3)`, [id, now, JSON.stringify(data), TYPE]);
        await client.query('commit');
        const r = row.rows[0] as { id: string; version: number; data: unknown; created_at: Date; updated_at: Date };
        send(res, 201, { id: r.id, type: TYPE, version: r.version, owner: 'admin', data: r.data, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() });
      } catch (err) {
        await client.query('rollback').catch(() => {});
        send(res, 500, { title: String(err) });
      } finally {
        client.release();
      }
    })();
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`baseline running at http://127.0.0.1:${address.port}/ `);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
