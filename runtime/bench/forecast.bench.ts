/**
 * `npm run bench:forecast`: the pipeline plugin's forecast backtest (ADR 020) on the demo data.
 * Starts a platform (in-memory PGlite, or PostgreSQL when BENCH_DATABASE_URL or
 * TEST_DATABASE_URL is set) with the data set's own dates (no year shift), seeds the demo, asks
 * GET /api/plugins/pipeline/forecast/backtest for the seven monthly origins from 1 April to
 * 1 October 2017 with a 91-day horizon, prints each origin against the weighted-pipeline and
 * run-rate baselines measured in the same run, and a JSON summary as the last line.
 *
 * Options: --from, --to (origins, default 2017-04-01..2017-10-01), --horizon (days, default 91).
 */
import { parseArgs } from 'node:util';
import { seedDemo } from '../src/demo/seed';
import { startServer } from '../test/harness';

const { values } = parseArgs({ options: { from: { type: 'string', default: '2017-04-01' }, to: { type: 'string', default: '2017-10-01' }, horizon: { type: 'string', default: '91' } } });
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const backend = url ? { name: 'postgres' as const, url } : { name: 'pglite' as const };

interface Backtest {
  origins: { origin: string; actual: number; forecast: number; p10: number; p90: number; baselines: { weighted_pipeline: number; run_rate: number } }[];
  mape: { model: number; weighted_pipeline: number; run_rate: number };
  coverage: { inside: number; of: number };
}

const started = Date.now();
const server = await startServer(backend);
try {
  await seedDemo(server.platform, (line) => console.log(line));
  console.log(`[forecast] ${backend.name}: demo seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const t0 = Date.now();
  const res = await server.api(`/api/plugins/pipeline/forecast/backtest?horizonDays=${values.horizon}&origins=monthly&from=${values.from}&to=${values.to}`);
  const bt = (await res.json()) as Backtest;
  if (res.status !== 200) throw new Error(`backtest answered ${res.status}: ${JSON.stringify(bt)}`);
  const ms = Date.now() - t0;
  const k = (n: number) => (n / 1000).toFixed(0).padStart(6);
  const pct = (f: number, a: number) => `${((100 * (f - a)) / a).toFixed(1).padStart(6)}%`;
  console.log('origin       actual  model(   p10 ..   p90) err     weighted err     run-rate err      (thousands)');
  for (const o of bt.origins) {
    const inside = o.actual >= o.p10 && o.actual <= o.p90 ? 'in ' : 'out';
    console.log(`${o.origin.slice(0, 10)} ${k(o.actual)} ${k(o.forecast)}(${k(o.p10)} ..${k(o.p90)}) ${inside} ${pct(o.forecast, o.actual)} ${k(o.baselines.weighted_pipeline)} ${pct(o.baselines.weighted_pipeline, o.actual)} ${k(o.baselines.run_rate)} ${pct(o.baselines.run_rate, o.actual)}`);
  }
  console.log(`[forecast] MAPE model ${bt.mape.model}%, weighted pipeline ${bt.mape.weighted_pipeline}%, run rate ${bt.mape.run_rate}%; P10-P90 held the actual at ${bt.coverage.inside} of ${bt.coverage.of} origins; backtest answered in ${ms} ms`);
  console.log(JSON.stringify({ bench: 'forecast', backend: backend.name, mape_model: bt.mape.model, mape_weighted: bt.mape.weighted_pipeline, mape_run_rate: bt.mape.run_rate, coverage: bt.coverage.inside, of: bt.coverage.of, ms }));
} finally {
  await server.close();
}
