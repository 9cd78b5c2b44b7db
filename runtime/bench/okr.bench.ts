import { randomBytes } from 'node:crypto';
import { systemPrincipal } from '../src/auth/principal';
import { loadConfig } from '../src/config';
import { dropSchema } from '../src/db/database';
import { seedDemo } from '../src/demo/seed';
import { createPlatform } from '../src/platform';
import { parseListQuery } from '../src/records/query';
import { BENCH_PG_URL } from './bench-database';

/**
 * `npm run bench:okr`: what computed values cost on a page of OKR key results, on the demo data
 * (original dates) on PGlite and PostgreSQL. A 2017 cycle holds one objective per demo rep, each
 * with a metric key result on the rep's won value and a numeric one with a check-in (70 key
 * results). In interleaved rounds it times: the page of 70 as the records API answers it (list,
 * then the plugin's computed values once for the page: one metric query for every rep, one
 * listing of the cycle's check-ins); the same page valued one record at a time (what a per-row
 * implementation costs); and the bare list without computed values (the baseline). Last line:
 * one JSON object with the medians per backend.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'pglite,postgres').split(',');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function run(backend: string) {
  const schema = backend === 'postgres' ? `bench_okr_${randomBytes(4).toString('hex')}` : undefined;
  const config = loadConfig({ PIPEWRIGHT_DATA_DIR: 'memory', PIPEWRIGHT_DEMO: 'false', PIPEWRIGHT_DEMO_SHIFT_YEARS: '0', ...(backend === 'postgres' ? { DATABASE_URL: BENCH_PG_URL } : {}) });
  const platform = await createPlatform(config, { ...(schema ? { schema } : {}), log: () => undefined });
  try {
    await platform.processes.definitions.publish('new_business', systemPrincipal('bench'));
    await seedDemo(platform);
    const sys = systemPrincipal('bench');
    const store = platform.store;
    const cycle = await store.create('okr.cycle', { data: { name: '2017', kind: 'year', start: '2017-01-01', end: '2017-12-31', state: 'active' } }, sys);
    const reps = await platform.database.db.selectFrom('users').select(['id', 'name', 'org_unit_id']).where('roles', '@>', JSON.stringify(['rep']) as never).execute();
    for (const rep of reps) {
      const o = await store.create('okr.objective', { data: { title: `${rep.name}'s year`, level: 'person', cycle_id: cycle.id }, owner: rep.id }, sys);
      await store.create('okr.key_result', { data: { objective_id: o.id, title: `${rep.name} won value`, kind: 'metric', metric: 'pipeline.won_value', scope_user: rep.id, target: 500_000 }, owner: rep.id }, sys);
      const n = await store.create('okr.key_result', { data: { objective_id: o.id, title: `${rep.name} demos`, kind: 'numeric', target: 40 }, owner: rep.id }, sys);
      await store.create('okr.check_in', { data: { key_result_id: n.id, value: 12, confidence: 6, status: 'on_track' }, owner: rep.id }, sys);
    }
    const entity = store.entity('okr.key_result');
    const query = parseListQuery(entity, new URLSearchParams(`filter[cycle_id]=${cycle.id}&limit=1000`));
    const timed = async (fn: () => Promise<unknown>) => {
      const t = performance.now();
      await fn();
      return performance.now() - t;
    };
    const page = async () => store.withComputed('okr.key_result', (await store.list('okr.key_result', query, sys)).items, sys);
    const perRow = async () => {
      const items = (await store.list('okr.key_result', query, sys)).items;
      for (const item of items) await store.withComputed('okr.key_result', [item], sys);
    };
    const bare = async () => store.list('okr.key_result', query, sys);
    const count = (await bare()).items.length;
    const first = await page();
    if (first.some((k) => k.computed === undefined)) throw new Error('a key result came without computed values');
    await perRow();
    const times = { page: [] as number[], perRow: [] as number[], bare: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      times.bare.push(await timed(bare));
      times.page.push(await timed(page));
      times.perRow.push(await timed(perRow));
    }
    const ms = (xs: number[]) => Math.round(median(xs) * 10) / 10;
    return { backend, keyResults: count, rounds: ROUNDS, pageMs: ms(times.page), perRowMs: ms(times.perRow), bareListMs: ms(times.bare), perRowOverPage: Math.round((median(times.perRow) / median(times.page)) * 10) / 10 };
  } finally {
    await platform.close();
    if (schema) await dropSchema(BENCH_PG_URL, schema);
  }
}

const results = [];
for (const backend of BACKENDS) {
  const r = await run(backend);
  console.log(`${r.backend}: ${r.keyResults} key results; page with computed values ${r.pageMs} ms, valued one by one ${r.perRowMs} ms (${r.perRowOverPage}x), bare list ${r.bareListMs} ms (medians of ${r.rounds} rounds)`);
  results.push(r);
}
console.log(JSON.stringify({ bench: 'okr', results }));
