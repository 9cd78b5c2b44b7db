import { randomBytes, randomUUID } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema } from './database';
import { SearchPathPostgresDialect } from './introspector';
import { LATEST_MIGRATION, migrateToLatest, migrations } from './migrate';
import { hotMoves } from './migrations/005-hot-moves';

/**
 * Migrations with several runtimes on one PostgreSQL (ADR 008): one process migrates while the
 * others wait and find nothing left to do, and large-table index changes never block writes.
 */
const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)('migrations on PostgreSQL with several processes', () => {
  const schemas: string[] = [];
  const pools: pg.Pool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    for (const s of schemas) await dropSchema(url as string, s);
  });

  /** A Kysely on its own pool, in a fresh schema (created here), like one runtime process. */
  async function connect(schema: string): Promise<{ db: Kysely<unknown>; pool: pg.Pool }> {
    const pool = new pg.Pool({ connectionString: url, max: 3, options: `-c search_path=${schema}` });
    pool.on('error', () => {});
    pools.push(pool);
    return { db: new Kysely<unknown>({ dialect: new SearchPathPostgresDialect({ pool }) }), pool };
  }
  const freshSchema = async () => {
    const s = `t_migr_${randomBytes(5).toString('hex')}`;
    schemas.push(s);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${s}`);
    await admin.end();
    return s;
  };

  it('four processes starting together: each migration runs exactly once', async () => {
    const schema = await freshSchema();
    const processes = await Promise.all([1, 2, 3, 4].map(() => connect(schema)));
    const ran = await Promise.all(processes.map(({ db }) => migrateToLatest(db, { schema, concurrent: true })));
    const all = ran.flat().sort();
    expect(all).toEqual(Object.keys(migrations({ concurrent: true })).sort());
    // Whoever took the lock first ran everything; the others found nothing left.
    expect(ran.filter((r) => r.length > 0)).toHaveLength(1);
    const { rows } = await (processes[0] as { pool: pg.Pool }).pool.query<{ name: string }>('select name from kysely_migration order by name');
    expect(rows.map((r) => r.name)).toEqual(Object.keys(migrations({ concurrent: true })));
    expect(rows.at(-1)?.name).toBe(LATEST_MIGRATION);
  });

  it('005 leaves the indexes the first (blocking) version left, all valid', async () => {
    const schema = await freshSchema();
    const { db, pool } = await connect(schema);
    await migrateToLatest(db, { schema, concurrent: true });
    const { rows } = await pool.query<{ indexname: string; indexdef: string }>(`select indexname, indexdef from pg_indexes where schemaname = $1 and tablename in ('records', 'events') order by indexname`, [schema]);
    const defs = Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef.replace(` ${schema}.`, ' ')]));
    expect(defs.records_process).toBe('CREATE INDEX records_process ON records USING btree (process_id, process_version)');
    expect(defs.events_subject).toBe('CREATE INDEX events_subject ON events USING btree (subject, id) WHERE (subject IS NOT NULL)');
    expect(defs.records_type_stage).toBeUndefined();
    expect(Object.keys(defs).filter((n) => n.endsWith('_next'))).toEqual([]);
    const invalid = await pool.query(`select 1 from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and not i.indisvalid`, [schema]);
    expect(invalid.rowCount).toBe(0);
    const options = await pool.query<{ reloptions: string[] }>(`select reloptions from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and relname = 'records'`, [schema]);
    expect(options.rows[0]?.reloptions).toEqual(['fillfactor=85']);
  });

  it('an interrupted online rebuild (an invalid index left behind) is repaired by running it again', async () => {
    const schema = await freshSchema();
    const { db, pool } = await connect(schema);
    await migrateToLatest(db, { schema, concurrent: true });
    await insertRecord(pool);
    await insertRecord(pool);
    // A unique build over duplicates fails half-way and leaves an invalid index, as a killed build does.
    await expect(pool.query('create unique index concurrently records_process_next on records (type)')).rejects.toThrow(/could not create unique index/);
    expect((await pool.query(`select 1 from pg_index where indexrelid = 'records_process_next'::regclass and not indisvalid`)).rowCount).toBe(1);
    await hotMoves({ concurrent: true }).up(db);
    const { rows } = await pool.query<{ indexdef: string }>(`select indexdef from pg_indexes where schemaname = $1 and indexname = 'records_process'`, [schema]);
    expect(rows[0]?.indexdef).toContain('(process_id, process_version)');
    expect((await pool.query(`select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and relname = 'records_process_next'`, [schema])).rowCount).toBe(0);
  });

  it('writes to records go on while 005 rebuilds its index (a blocking build would queue them)', async () => {
    const schema = await freshSchema();
    const { db, pool } = await connect(schema);
    await migrateToLatest(db, { schema, concurrent: true });
    // An open transaction that wrote to records: any index build must wait for it to end.
    const holder = await pool.connect();
    await holder.query('begin');
    await insertRecord(holder);
    let rebuilt = false;
    const rebuild = hotMoves({ concurrent: true }).up(db).then(() => {
      rebuilt = true;
    });
    // Wait (bounded) until the build is waiting for the open transaction.
    for (let i = 0; i < 300; i++) {
      const waiting = await pool.query(`select 1 from pg_stat_activity where query ilike 'create index concurrently%' and wait_event_type = 'Lock'`);
      if (waiting.rowCount) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // A plain CREATE INDEX would now hold a queued SHARE lock, and this insert would wait behind it.
    const other = await pool.connect();
    try {
      await other.query(`set statement_timeout = '60s'`);
      await insertRecord(other);
      expect(rebuilt).toBe(false);
    } finally {
      other.release();
    }
    await holder.query('commit');
    holder.release();
    await rebuild;
    expect(rebuilt).toBe(true);
    expect(Number((await pool.query('select count(*) as n from records')).rows[0].n)).toBe(2);
  });
});

async function insertRecord(c: pg.Pool | pg.PoolClient): Promise<void> {
  await c.query(`insert into records (id, type, version, data, created_by, updated_by, created_at, updated_at) values ($1, 'pipeline.deal', 1, '{}', 'test', 'test', now(), now())`, [randomUUID()]);
}

describe('migrations on PGlite', () => {
  it('the embedded database migrates with plain index builds', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGliteDialect } = await import('kysely-pglite-dialect');
    const pglite = new PGlite();
    const db = new Kysely<unknown>({ dialect: new PGliteDialect(pglite) });
    try {
      expect(await migrateToLatest(db)).toEqual(Object.keys(migrations({ concurrent: false })));
      const { rows } = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'records_process'`.execute(db);
      expect(rows[0]?.indexdef).toContain('(process_id, process_version)');
      expect(await migrateToLatest(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
