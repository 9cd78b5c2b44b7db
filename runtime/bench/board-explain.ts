/**
 * `node --import tsx runtime/bench/board-explain.ts [--database postgres://...] [--stage engaging] [--role manager]`
 *
 * Prints `EXPLAIN (ANALYZE, BUFFERS)` of every statement the board issues for one column's first
 * page and total (`sort=-enteredStageAt&limit=50&total=true`), as `npm run bench:metrics` asks
 * it, for the same admin, manager or rep the bench picks (the busiest rep and his team's
 * manager), on the database `npm run gen` filled. The statements are captured from Kysely's log
 * while the column is listed, then explained with their parameters.
 */
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { loadUserPrincipal } from '../src/auth/load-principal';
import { systemPrincipal, type Principal } from '../src/auth/principal';
import type { Database } from '../src/db/tables';
import { parseListQuery } from '../src/records/query';
import { listStageColumn } from '../src/records/stage-column';
import { benchDatabaseUrl, openPlatform } from './gen';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { database: { type: 'string' }, stage: { type: 'string', default: 'engaging' }, role: { type: 'string', default: 'manager' } } });
  const url = await benchDatabaseUrl(values.database);
  const platform = await openPlatform(url);
  const pool = platform.database.pool;
  if (!pool) throw new Error('board-explain needs PostgreSQL');
  const statements: { sql: string; parameters: readonly unknown[] }[] = [];
  const logged = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (e) => void statements.push({ sql: e.query.sql, parameters: e.query.parameters }) });
  try {
    const db = platform.database.db;
    const top = await sql<{ owner_id: string; team: string }>`select owner_id, org_unit_id as team from records where type = 'pipeline.deal' group by 1, 2 order by count(*) desc limit 1`.execute(db);
    const rep = top.rows[0] as { owner_id: string; team: string };
    const managerId = (await db.selectFrom('users').select('id').where('org_unit_id', '=', rep.team).where(sql<boolean>`roles::text like '%manager%'`).executeTakeFirstOrThrow()).id;
    const userId = values.role === 'rep' ? rep.owner_id : managerId;
    const principal = values.role === 'admin' ? systemPrincipal('bench') : ((await loadUserPrincipal(db, userId, { via: 'token', credentialId: 'bench' })) as Principal);
    const entity = platform.registry.entity('pipeline.deal');
    const query = parseListQuery(entity, new URLSearchParams({ 'filter[stage]': values.stage, sort: '-enteredStageAt', limit: '50', total: 'true' }));
    await listStageColumn(logged, platform.store.access, 'pipeline.deal', values.stage, query, principal);
    console.log(`-- ${values.role} (${principal.userId ?? 'system'}, units ${JSON.stringify(principal.visibleUnits)}), column ${values.stage}`);
    for (const s of statements) {
      console.log(`\n${s.sql}\n-- parameters ${JSON.stringify(s.parameters)}`);
      const plan = await pool.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${s.sql}`, s.parameters as unknown[]);
      for (const row of plan.rows) console.log(row['QUERY PLAN']);
    }
  } finally {
    await platform.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
