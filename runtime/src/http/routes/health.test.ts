import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_MIGRATION } from '../../db/migrate';
import { backends, startServer, type TestServer } from '../../../test/harness';
import type { Database } from '../../db/tables';
import { healthRoutes } from './health';

/** Liveness and readiness are separate answers (ADR 008). */
describe.each(backends())('/health and /ready on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
  });
  afterAll(() => server?.close());

  it('a serving process with a migrated database is live (ok) and ready', async () => {
    const health = await server.anonymous('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', storage: { backend: backend.name, reachable: true } });
    const ready = await server.anonymous('/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', storage: { backend: backend.name }, migration: LATEST_MIGRATION });
  });

  it('a draining process is still live but no longer ready', async () => {
    server.platform.lifecycle.draining = true;
    try {
      const ready = await server.anonymous('/ready');
      expect(ready.status).toBe(503);
      expect(ready.headers.get('retry-after')).toBe('1');
      expect(await ready.json()).toMatchObject({ status: 503, code: 'shutting-down' });
      expect((await server.anonymous('/health')).status).toBe(200);
    } finally {
      server.platform.lifecycle.draining = false;
    }
  });

  it('a database without the latest migration is not ready', async () => {
    const db = server.platform.database.db;
    const row = await sql<{ name: string; timestamp: string }>`select name, timestamp from kysely_migration where name = ${LATEST_MIGRATION}`.execute(db);
    await sql`delete from kysely_migration where name = ${LATEST_MIGRATION}`.execute(db);
    try {
      const ready = await server.anonymous('/ready');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ code: 'migrations-pending' });
    } finally {
      const r = row.rows[0] as { name: string; timestamp: string };
      await sql`insert into kysely_migration (name, timestamp) values (${r.name}, ${r.timestamp})`.execute(db);
    }
    expect((await server.anonymous('/ready')).status).toBe(200);
  });
});

describe('/health and /ready when PostgreSQL does not answer', () => {
  // A pool aimed at a loopback port nobody listens on: every query fails to connect.
  const pool = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'nobody', database: 'none', connectionTimeoutMillis: 1000 });
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  afterAll(() => db.destroy());
  const { app } = healthRoutes({ db, backend: 'postgres', migrated: [], close: async () => {} }, { plugins: [], summary: () => [] } as never, { draining: false });

  it('/health says degraded (200: restarting the process would not help), /ready says 503 storage-unavailable', async () => {
    const health = await app.request('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'degraded', storage: { backend: 'postgres', reachable: false } });
    const ready = await app.request('/ready');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ code: 'storage-unavailable' });
  });
});
