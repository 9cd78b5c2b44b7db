import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSecret, sha256 } from '../src/auth/secrets';
import { TOKEN_PREFIX } from '../src/auth/tokens';
import { seedDemo } from '../src/demo/seed';
import { backends, startServer, type ApiFetch, type TestServer } from './harness';

/**
 * The pipeline plugin's forecast routes (ADR 020) on the demo data, over HTTP, on PGlite and
 * PostgreSQL: the backtest's actuals and baselines against an independent reading of the CSV
 * (plain parsing and arithmetic), no look-ahead, the goal on the demo data, row visibility and
 * bad parameters.
 */

const DIR = '/work/shared/datasets/crm-sales-opportunities/';
const csv = (file: string) => {
  const [header, ...lines] = readFileSync(DIR + file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const cols = (header as string).split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i] as string, v])) as Record<string, string>);
};
const prices = new Map(csv('products.csv').map((r) => [r.product as string, Number(r.sales_price)]));
prices.set('GTXPro', prices.get('GTX Pro') as number);
const opportunities = csv('sales_pipeline.csv');
/** Stage probabilities are the process's data. */
const process = JSON.parse(readFileSync(new URL('../../plugins/pipeline/processes/new-business.process.json', import.meta.url), 'utf8')) as { stages: { id: string; probability?: number }[] };
const probability = new Map(process.stages.map((s) => [s.id, s.probability ?? 0]));

const DAY = 86_400_000;
const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
const at9 = (d: string) => Date.parse(`${d}T09:00:00Z`);
/** The demo seed's documented rule: prospecting entered 3 to 21 days (by a hash of the record id) before the engage date; prospecting-only deals 5 to 60 days before the data set's last date. */
const spread = (key: string, min: number, max: number) => min + (createHash('sha1').update(key).digest().readUInt32BE(0) % (max - min + 1));

const ORIGINS = ['2017-04-01', '2017-05-01', '2017-06-01', '2017-07-01', '2017-08-01', '2017-09-01', '2017-10-01'];
const H = 91;

interface Backtest {
  horizonDays: number;
  origins: { origin: string; actual: number; forecast: number; p10: number; p90: number; baselines: { weighted_pipeline: number; run_rate: number } }[];
  mape: { model: number; weighted_pipeline: number; run_rate: number };
  coverage: { inside: number; of: number };
}

const mape = (pairs: [number, number][]) => (100 * pairs.reduce((s, [a, f]) => s + Math.abs(f - a) / a, 0)) / pairs.length;
const cents = (n: number) => Math.round(n * 100) / 100;

describe.each(backends())('the forecast and its backtest on the demo data on $name', (backend) => {
  let server: TestServer;
  let recordId: Map<string, string>;
  let ownerOf: Map<string, string>;
  let bt: Backtest;

  const get = async <T>(path: string, api?: ApiFetch): Promise<T> => {
    const res = await (api ?? server.api)(path);
    const body = (await res.json()) as T;
    expect(res.status, JSON.stringify(body).slice(0, 500)).toBe(200);
    return body;
  };
  /** A client acting as a demo user (bearer token written straight into the database). */
  const asDemoUser = async (userId: string): Promise<ApiFetch> => {
    const secret = randomSecret(TOKEN_PREFIX);
    await server.platform.database.db.insertInto('api_tokens').values({ id: crypto.randomUUID(), user_id: userId, name: 't', scopes: JSON.stringify(['read']), token_hash: sha256(secret), created_by: 'system:test', created_at: new Date() }).execute();
    server.canaries.push(secret);
    return (path, init = {}) => fetch(server.url + path, { ...init, headers: { authorization: `Bearer ${secret}` } });
  };

  beforeAll(async () => {
    server = await startServer(backend);
    await seedDemo(server.platform);
    const rows = await server.platform.database.db.selectFrom('records').select(['id', 'owner_id', (eb) => eb.ref('data', '->>').key('external_id' as never).as('external_id')]).where('type', '=', 'pipeline.deal').execute();
    recordId = new Map(rows.map((r) => [String(r.external_id), r.id]));
    ownerOf = new Map(rows.map((r) => [String(r.external_id), String(r.owner_id)]));
    bt = await get<Backtest>(`/api/plugins/pipeline/forecast/backtest?horizonDays=${H}&origins=monthly&from=2017-04-01&to=2017-10-01`);
  }, 600_000);
  afterAll(() => server?.close());

  /** The CSV's figures at an origin, for the opportunities `keep` selects. */
  const oracle = (origin: string, keep: (o: Record<string, string>) => boolean = () => true) => {
    const o = day(origin);
    let actual = 0;
    let runRate = 0;
    let weighted = 0;
    for (const r of opportunities) {
      if (!keep(r)) continue;
      const close = r.close_date ? at9(r.close_date) : null;
      if (r.deal_stage === 'Won' && close !== null) {
        if (close > o && close <= o + H * DAY) actual += Number(r.close_value);
        if (close > o - H * DAY && close <= o) runRate += Number(r.close_value);
      }
      const id = recordId.get(r.opportunity_id as string) as string;
      const created = r.engage_date ? at9(r.engage_date) - spread(id, 3, 21) * DAY : at9('2017-12-31') - spread(id, 5, 60) * DAY;
      if (created >= o || (close !== null && close < o)) continue;
      const stage = r.engage_date && at9(r.engage_date) < o ? 'engaging' : 'prospecting';
      weighted += (prices.get(r.product as string) as number) * (probability.get(stage) as number);
    }
    return { actual: cents(actual), runRate: cents(runRate), weighted: cents(weighted) };
  };

  it('answers seven origins whose actual, run rate and weighted pipeline are those of the CSV, and their MAPEs', () => {
    expect(bt.origins.map((o) => o.origin.slice(0, 10))).toEqual(ORIGINS);
    const expected = ORIGINS.map((o) => oracle(o));
    for (const [i, o] of bt.origins.entries()) {
      const e = expected[i] as ReturnType<typeof oracle>;
      expect(o.actual, o.origin).toBeCloseTo(e.actual, 2);
      expect(o.baselines.run_rate, o.origin).toBeCloseTo(e.runRate, 2);
      expect(o.baselines.weighted_pipeline, o.origin).toBeCloseTo(e.weighted, 2);
      expect(o.p10).toBeLessThanOrEqual(o.forecast * 1.0000001 + 1);
      expect(o.p90).toBeGreaterThanOrEqual(o.p10);
    }
    expect(bt.mape.run_rate).toBeCloseTo(mape(expected.map((e) => [e.actual, e.runRate])), 1);
    expect(bt.mape.weighted_pipeline).toBeCloseTo(mape(expected.map((e) => [e.actual, e.weighted])), 1);
    expect(bt.mape.model).toBeCloseTo(mape(bt.origins.map((o) => [o.actual, o.forecast])), 1);
    expect(bt.coverage).toEqual({ inside: bt.origins.filter((o) => o.actual >= o.p10 && o.actual <= o.p90).length, of: 7 });
  });

  it('beats both baselines on the demo data (the model MAPE is below the weighted pipeline and the run rate)', () => {
    expect(bt.mape.model).toBeLessThan(bt.mape.run_rate);
    expect(bt.mape.model).toBeLessThan(bt.mape.weighted_pipeline);
  });

  // The goal on the demo data (ADR 020 addendum): the platform's model MAPE at most 5%
  // and below both baselines, whose MAPEs are recomputed here from the CSV; its P10-P90 range
  // holding the CSV's actual at 5 or more of the 7 origins.
  it('meets the goal: model MAPE <= 5%, below both baselines computed from the CSV, and the range holds the actual at >= 5 of 7 origins', () => {
    const expected = ORIGINS.map((o) => oracle(o));
    const model = mape(expected.map((e, i) => [e.actual, (bt.origins[i] as Backtest['origins'][0]).forecast]));
    expect(model).toBeLessThanOrEqual(5);
    expect(model).toBeLessThan(mape(expected.map((e) => [e.actual, e.runRate])));
    expect(model).toBeLessThan(mape(expected.map((e) => [e.actual, e.weighted])));
    expect(expected.filter((e, i) => e.actual >= (bt.origins[i] as Backtest['origins'][0]).p10 && e.actual <= (bt.origins[i] as Backtest['origins'][0]).p90).length).toBeGreaterThanOrEqual(5);
  });

  it("shows a rep only his own deals' figures", async () => {
    const external = opportunities.find((r) => r.deal_stage === 'Won' && (r.close_date ?? '') >= '2017-07-01')?.opportunity_id as string;
    const owner = ownerOf.get(external) as string;
    const rep = await asDemoUser(owner);
    const mine = await get<Backtest>(`/api/plugins/pipeline/forecast/backtest?from=2017-07-01&to=2017-08-01`, rep);
    const own = new Set([...ownerOf].filter(([, o]) => o === owner).map(([e]) => e));
    for (const o of mine.origins) {
      const e = oracle(o.origin.slice(0, 10), (r) => own.has(r.opportunity_id as string));
      expect(o.actual).toBeCloseTo(e.actual, 2);
      expect(o.baselines.run_rate).toBeCloseTo(e.runRate, 2);
      expect(o.baselines.weighted_pipeline).toBeCloseTo(e.weighted, 2);
      expect(o.actual).toBeLessThan((bt.origins.find((x) => x.origin === o.origin)?.actual ?? 0) / 10);
    }
  });

  it('refuses bad parameters with a problem naming the parameter', async () => {
    const cases: [string, number, string][] = [
      ['horizonDays=0&from=2017-04-01&to=2017-10-01', 400, 'horizonDays'],
      ['horizonDays=abc&from=2017-04-01&to=2017-10-01', 400, 'horizonDays'],
      ['origins=daily&from=2017-04-01&to=2017-10-01', 400, 'origins'],
      ['to=2017-10-01', 400, 'from'],
      ['from=2017-02-30&to=2017-10-01', 400, 'from'],
      ['from=2017-10-01&to=2017-04-01', 422, 'to'],
      ['from=2000-01-01&to=2017-10-01', 422, 'to'],
      ['from=2017-04-01&to=2017-10-01&bogus=1', 400, 'bogus'],
    ];
    for (const [q, status, parameter] of cases) {
      const res = await server.api(`/api/plugins/pipeline/forecast/backtest?${q}`);
      const body = (await res.json()) as { errors?: { parameter?: string }[] };
      expect(res.status, q).toBe(status);
      expect(res.headers.get('content-type'), q).toContain('application/problem+json');
      expect(body.errors?.map((d) => d.parameter), q).toContain(parameter);
    }
    const res = await server.api('/api/plugins/pipeline/forecast?period=week');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { parameter: string }[] }).errors[0]?.parameter).toBe('period');
    const future = await server.api('/api/plugins/pipeline/forecast?date=2999-01-01');
    expect(future.status).toBe(422);
    expect(((await future.json()) as { errors: { parameter: string }[] }).errors[0]?.parameter).toBe('date');
  });

  it('answers the current forecast of a quarter as the CSV counts it: won by region, open deals by category and weight', async () => {
    interface F { closed: number; open: number; weighted_pipeline: number; categories: Record<string, number>; rollup: Record<string, number>; model: { forecast: number } }
    const teams = new Map(csv('sales_teams.csv').map((r) => [r.sales_agent as string, r.regional_office as string]));
    // a past quarter: its won value, per region; open deals belong to the current period only
    const q4 = await get<{ period: { start: string; end: string }; total: F; rows: { name: string; figures: F }[] }>('/api/plugins/pipeline/forecast?period=quarter&date=2017-12-15');
    expect(q4.period).toEqual({ grain: 'quarter', start: '2017-10-01', end: '2017-12-31' });
    const wonQ4 = opportunities.filter((r) => r.deal_stage === 'Won' && (r.close_date ?? '') >= '2017-10-01' && (r.close_date ?? '') <= '2017-12-31');
    expect(q4.total.closed).toBeCloseTo(wonQ4.reduce((n, r) => n + Number(r.close_value), 0), 2);
    expect(q4.total.model.forecast).toBe(q4.total.closed);
    expect(q4.total.open).toBe(0);
    const regions = [...new Set(teams.values())].sort();
    expect(q4.rows.map((r) => r.name)).toEqual(regions);
    for (const r of q4.rows) expect(r.figures.closed, r.name).toBeCloseTo(wonQ4.filter((o) => teams.get(o.sales_agent as string) === r.name).reduce((n, o) => n + Number(o.close_value), 0), 2);
    // the current quarter (the clock's): every open deal (none has an expected close date), by its stage now
    const now = await get<{ total: F }>('/api/plugins/pipeline/forecast?period=quarter');
    const open = opportunities.filter((r) => r.deal_stage === 'Prospecting' || r.deal_stage === 'Engaging');
    const price = (r: Record<string, string>) => prices.get(r.product as string) as number;
    const openValue = open.reduce((n, r) => n + price(r), 0);
    expect(now.total.open).toBeCloseTo(openValue, 2);
    expect(now.total.weighted_pipeline).toBeCloseTo(open.reduce((n, r) => n + price(r) * (probability.get(r.deal_stage === 'Engaging' ? 'engaging' : 'prospecting') as number), 0), 2);
    // unset categories follow the stage probability: prospecting and engaging (10%, 30%) are pipeline
    expect(now.total.categories).toEqual({ pipeline: cents(openValue), best_case: 0, commit: 0, omitted: 0 });
    expect(now.total.rollup).toEqual({ commit: now.total.closed, best_case: now.total.closed, pipeline: cents(now.total.closed + openValue) });
  });

  it('has no look-ahead: deleting deals created after an origin and changing later closes and moves leaves its forecast unchanged', async () => {
    const path = `/api/plugins/pipeline/forecast/backtest?from=2017-07-01&to=2017-07-01`;
    const before = await get<Backtest>(path);
    const o = day('2017-07-01');
    const db = server.platform.database.db;
    const stays = await db.selectFrom('stage_history').select(['record_id', 'entered_at']).where('record_type', '=', 'pipeline.deal').execute();
    const firstEntry = new Map<string, number>();
    for (const s of stays) {
      const t = new Date(s.entered_at as unknown as string).getTime();
      if (!firstEntry.has(s.record_id) || t < (firstEntry.get(s.record_id) as number)) firstEntry.set(s.record_id, t);
    }
    const createdAfter = [...firstEntry].filter(([, t]) => t >= o).map(([id]) => id);
    expect(createdAfter.length).toBeGreaterThan(1000);
    // deals created after the origin disappear
    await db.deleteFrom('stage_history').where('record_id', 'in', createdAfter).execute();
    await db.deleteFrom('records').where('id', 'in', createdAfter).execute();
    // deals open at the origin and won after it: worth another value, and lost instead of won
    const wonLater = (await db.selectFrom('stage_history').select('record_id').where('stage', '=', 'won').where('entered_at', '>=', new Date(o)).execute()).map((r) => r.record_id);
    expect(wonLater.length).toBeGreaterThan(500);
    const half = wonLater.slice(0, Math.floor(wonLater.length / 2));
    await db.updateTable('stage_history').set({ stage: 'lost' }).where('record_id', 'in', half).where('stage', '=', 'won').execute();
    for (const id of wonLater.slice(Math.floor(wonLater.length / 2))) {
      const r = await db.selectFrom('records').select('data').where('id', '=', id).executeTakeFirstOrThrow();
      const data = (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, unknown>;
      await db.updateTable('records').set({ data: JSON.stringify({ ...data, close_value: { amount: 1, currency: 'USD' } }) as never }).where('id', '=', id).execute();
    }
    const after = await get<Backtest>(path);
    const [b, a] = [before.origins[0], after.origins[0]] as [Backtest['origins'][0], Backtest['origins'][0]];
    expect({ forecast: a.forecast, p10: a.p10, p90: a.p90, baselines: a.baselines }).toEqual({ forecast: b.forecast, p10: b.p10, p90: b.p90, baselines: b.baselines });
    expect(a.actual).toBeLessThan(b.actual / 2);
  });
});
