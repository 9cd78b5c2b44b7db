/**
 * `npm run bench:metrics [-- --database postgres://... --rounds 7]`
 *
 * Times the home dashboards' metric queries (through MetricService, as the API runs them)
 * against a bare scan of the same deals in the same run, on the database `npm run gen` filled
 * (default pw_metrics_bench on the local PostgreSQL). Rounds interleave the bare scan and every
 * query so the machine's drift lands on both; each figure is the median of its rounds. Also
 * times the board's first column page and count for each stage (p95 over the rounds). The last
 * line is the JSON summary: the slowest dashboard query, the bare scan and the worst ratio.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadUserPrincipal } from '../src/auth/load-principal';
import { systemPrincipal, type Principal } from '../src/auth/principal';
import type { MetricQuery } from '../src/metrics/request';
import { parseListQuery } from '../src/records/query';
import { benchDatabaseUrl, openPlatform } from './gen';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)] ?? NaN;
const ms = (n: number) => Math.round(n * 10) / 10;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { database: { type: 'string' }, rounds: { type: 'string', default: '7' } } });
  const rounds = Number(values.rounds);
  const url = await benchDatabaseUrl(values.database);
  const platform = await openPlatform(url);
  try {
    const db = platform.database.db;
    const deals = (await db.selectFrom('records').select(sql<number>`count(*)::int`.as('n')).where('type', '=', 'pipeline.deal').executeTakeFirstOrThrow()).n;
    if (deals === 0) throw new Error(`${url} holds no deals; run npm run gen -- --deals 1000000 first`);
    const top = await sql<{ owner_id: string; team: string }>`select owner_id, org_unit_id as team from records where type = 'pipeline.deal' group by 1, 2 order by count(*) desc limit 1`.execute(db);
    const rep = top.rows[0] as { owner_id: string; team: string };
    const managerId = (await db.selectFrom('users').select('id').where('org_unit_id', '=', rep.team).where(sql<boolean>`roles::text like '%manager%'`).executeTakeFirstOrThrow()).id;
    const as = async (id: string): Promise<Principal> => (await loadUserPrincipal(db, id, { via: 'token', credentialId: 'bench' })) as Principal;
    const admin = systemPrincipal('bench');
    const repP = await as(rep.owner_id);
    const managerP = await as(managerId);
    const queries: [string, Principal, MetricQuery][] = [
      ['company won value by quarter', admin, { metrics: ['pipeline.won_value'], grain: 'quarter' }],
      ['won value by office', admin, { metrics: ['pipeline.won_value'], groupBy: ['office'] }],
      ['win rate by office', admin, { metrics: ['pipeline.win_rate'], groupBy: ['office'] }],
      ['open and weighted pipeline by stage', admin, { metrics: ['pipeline.open_pipeline_value', 'pipeline.weighted_pipeline_value'], groupBy: ['stage'] }],
      ["a rep's won value, win rate and open pipeline", repP, { metrics: ['pipeline.won_value', 'pipeline.win_rate', 'pipeline.open_pipeline_value'] }],
      ["a manager's team by rep", managerP, { metrics: ['pipeline.won_value', 'pipeline.win_rate', 'pipeline.open_pipeline_value'], groupBy: ['owner'] }],
    ];
    const bare = () => sql`select stage, count(*), sum((data->'amount'->>'amount')::numeric) from records where type = 'pipeline.deal' group by stage`.execute(db);
    const stages = (await sql<{ stage: string }>`select distinct stage from records where type = 'pipeline.deal'`.execute(db)).rows.map((r) => r.stage);
    const dealEntity = platform.registry.entity('pipeline.deal');
    // The board's first page of a column and its total, as the studio asks (and, once, as it asked before: newest change first).
    const boardPage = (stage: string, p: Principal, sort = '-enteredStageAt') => platform.store.list('pipeline.deal', parseListQuery(dealEntity, new URLSearchParams({ 'filter[stage]': stage, sort, limit: '50', total: 'true' })), p);
    const boardViews: [string, Principal][] = [['admin', admin], ['manager', managerP], ['rep', repP]];

    console.log(`bench:metrics on ${new URL(url).pathname.slice(1)}: ${deals} deals; rep ${rep.owner_id}, manager ${managerId}; ${rounds} rounds after a warm-up`);
    const times = { bare: [] as number[], queries: queries.map(() => [] as number[]), board: stages.map(() => [] as number[]), boardByView: stages.map(() => boardViews.map(() => [] as number[])), boardBefore: stages.map(() => [] as number[]) };
    for (let round = -1; round < rounds; round++) {
      const b = await timed(bare);
      const q: number[] = [];
      for (const [, p, body] of queries) q.push(await timed(() => platform.metrics.query(p, body)));
      const bd: number[][] = stages.map(() => []);
      for (const [i, s] of stages.entries()) for (const [, p] of boardViews) bd[i]?.push(await timed(() => boardPage(s, p)));
      const before: number[] = [];
      if (round < 2) for (const s of stages) before.push(await timed(() => boardPage(s, admin, '-updatedAt')));
      if (round < 0) continue;
      times.bare.push(b);
      q.forEach((t, i) => times.queries[i]?.push(t));
      bd.forEach((t, i) => times.board[i]?.push(...t));
      bd.forEach((t, i) => t.forEach((x, v) => times.boardByView[i]?.[v]?.push(x)));
      before.forEach((t, i) => times.boardBefore[i]?.push(t));
    }
    const bareMs = median(times.bare);
    console.log(`bare scan (stage, count, sum of amount): median ${ms(bareMs)} ms`);
    const results = queries.map(([name], i) => ({ name, ms: median(times.queries[i] ?? []), ratio: median(times.queries[i] ?? []) / bareMs }));
    for (const r of results) console.log(`${r.name.padEnd(48)} median ${String(ms(r.ms)).padStart(8)} ms   ratio ${r.ratio.toFixed(2)}`);
    stages.forEach((s, i) => {
      const byView = boardViews.map(([name], v) => `${name} ${ms(p95(times.boardByView[i]?.[v] ?? []))}`).join(', ');
      console.log(`board column ${s.padEnd(12)} first page + count (admin, manager, rep): p95 ${ms(p95(times.board[i] ?? []))} ms (${byView}), median ${ms(median(times.board[i] ?? []))} ms; newest change first (admin, before): median ${ms(median(times.boardBefore[i] ?? []))} ms`);
    });
    const worst = results.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    const boardP95 = Math.max(...times.board.map((t) => p95(t)));
    console.log(JSON.stringify({ bench: 'metrics', deals, query_ms: ms(worst.ms), bare_scan_ms: ms(bareMs), ratio: Math.round(worst.ratio * 100) / 100, worst: worst.name, board_p95_ms: ms(boardP95) }));
  } finally {
    await platform.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
