import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSecret, sha256 } from '../../src/auth/secrets';
import { TOKEN_PREFIX } from '../../src/auth/tokens';
import { seedDemo } from '../../src/demo/seed';
import { backends, startServer, type ApiFetch, type TestServer } from '../harness';
import { daysBetween, median, opportunities, quarterOf, sumBy } from './csv-oracle';

type Row = Record<string, string | number | null>;

const won = opportunities.filter((o) => o.stage === 'Won');
const closed = opportunities.filter((o) => o.stage === 'Won' || o.stage === 'Lost');
const cents = (n: number) => Math.round(n * 100) / 100;

/** Figures of rows keyed by one column. */
const byKey = (rows: Row[], key: string, metric: string) => new Map(rows.map((r) => [String(r[key]), Number(r[metric])]));

describe.each(backends())('metrics on the demo data equal the CSV on $name', (backend) => {
  let server: TestServer;
  const query = async (body: unknown, api?: ApiFetch) => {
    const res = await (api ?? server.api)('/api/metrics/query', { method: 'POST', json: body });
    const json = (await res.json()) as { rows: Row[]; asOf: string };
    expect(res.status, JSON.stringify(json)).toBe(200);
    return json.rows;
  };
  /** A client acting as a demo user (bearer token written straight into the database). */
  const asDemoUser = async (userId: string): Promise<ApiFetch> => {
    const secret = randomSecret(TOKEN_PREFIX);
    await server.platform.database.db.insertInto('api_tokens').values({ id: crypto.randomUUID(), user_id: userId, name: 't', scopes: JSON.stringify(['read']), token_hash: sha256(secret), created_by: 'system:test', created_at: new Date() }).execute();
    server.canaries.push(secret);
    return (path, init = {}) => {
      const { json, ...rest } = init;
      return fetch(server.url + path, { ...rest, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
    };
  };

  beforeAll(async () => {
    server = await startServer(backend);
    await seedDemo(server.platform);
  }, 300_000);
  afterAll(() => server?.close());

  it('won value by office', async () => {
    const rows = await query({ metrics: ['pipeline.won_value'], groupBy: ['office'] });
    const expected = sumBy(won, (o) => o.office, (o) => o.value);
    expect(rows).toHaveLength(3);
    expect(byKey(rows, 'office', 'pipeline.won_value')).toEqual(expected);
    expect(rows.every((r) => typeof r.office_id === 'string' && String(r.office_id).startsWith('region-'))).toBe(true);
  });

  it("won value by manager's team", async () => {
    const rows = await query({ metrics: ['pipeline.won_value', 'pipeline.won_count'], groupBy: ['office', 'team'] });
    const expected = sumBy(won, (o) => `${o.office}|${o.manager}'s team`, (o) => o.value);
    const counts = sumBy(won, (o) => `${o.office}|${o.manager}'s team`, () => 1);
    expect(new Map(rows.map((r) => [`${r.office}|${r.team}`, r['pipeline.won_value']]))).toEqual(expected);
    expect(new Map(rows.map((r) => [`${r.office}|${r.team}`, r['pipeline.won_count']]))).toEqual(counts);
  });

  it('won value by quarter, and within a period', async () => {
    const rows = await query({ metrics: ['pipeline.won_value'], grain: 'quarter' });
    expect(byKey(rows, 'quarter', 'pipeline.won_value')).toEqual(sumBy(won, (o) => quarterOf(o.close), (o) => o.value));
    const h2 = await query({ metrics: ['pipeline.won_value'], groupBy: ['office'], grain: 'quarter', from: '2017-07-01', to: '2017-12-31' });
    const inH2 = won.filter((o) => o.close >= '2017-07-01' && o.close <= '2017-12-31');
    expect(new Map(h2.map((r) => [`${r.office}|${r.quarter}`, r['pipeline.won_value']]))).toEqual(sumBy(inH2, (o) => `${o.office}|${quarterOf(o.close)}`, (o) => o.value));
  });

  it('win rate, overall and by office', async () => {
    const [all] = await query({ metrics: ['pipeline.win_rate', 'pipeline.won_count', 'pipeline.lost_count'] });
    expect(all?.['pipeline.won_count']).toBe(won.length);
    expect(all?.['pipeline.lost_count']).toBe(closed.length - won.length);
    expect(all?.['pipeline.win_rate']).toBeCloseTo(won.length / closed.length, 12);
    const rows = await query({ metrics: ['pipeline.win_rate'], groupBy: ['office'] });
    const w = sumBy(won, (o) => o.office, () => 1);
    const c = sumBy(closed, (o) => o.office, () => 1);
    for (const r of rows) expect(r['pipeline.win_rate']).toBeCloseTo((w.get(String(r.office)) ?? 0) / (c.get(String(r.office)) ?? 1), 12);
  });

  it('median sales cycle (engage -> close of closed deals) and average deal size', async () => {
    const [all] = await query({ metrics: ['pipeline.sales_cycle_days', 'pipeline.avg_deal_size'] });
    expect(all?.['pipeline.sales_cycle_days']).toBe(median(closed.filter((o) => o.engage && o.close).map((o) => daysBetween(o.engage, o.close))));
    expect(all?.['pipeline.avg_deal_size']).toBeCloseTo(won.reduce((s, o) => s + o.value, 0) / won.length, 6);
    const rows = await query({ metrics: ['pipeline.sales_cycle_days'], groupBy: ['office'] });
    for (const r of rows) expect(r['pipeline.sales_cycle_days']).toBe(median(closed.filter((o) => o.office === r.office).map((o) => daysBetween(o.engage, o.close))));
  });

  it('open and weighted pipeline by stage (amount = list price; prospecting 0.1, engaging 0.3)', async () => {
    const rows = await query({ metrics: ['pipeline.open_count', 'pipeline.open_pipeline_value', 'pipeline.weighted_pipeline_value'], groupBy: ['stage'] });
    const open = opportunities.filter((o) => o.stage === 'Prospecting' || o.stage === 'Engaging');
    const value = sumBy(open, (o) => o.stage.toLowerCase(), (o) => o.listPrice);
    const probability: Record<string, number> = { prospecting: 0.1, engaging: 0.3 };
    expect(rows.map((r) => r.stage).sort()).toEqual(['engaging', 'prospecting']);
    for (const r of rows) {
      const stage = String(r.stage);
      expect(r['pipeline.open_count']).toBe(open.filter((o) => o.stage.toLowerCase() === stage).length);
      expect(r['pipeline.open_pipeline_value']).toBe(value.get(stage));
      expect(cents(Number(r['pipeline.weighted_pipeline_value']))).toBe(cents((value.get(stage) ?? 0) * (probability[stage] ?? 0)));
    }
  });

  it('a where-rule narrows every metric (product by reference dimension, valued by its name)', async () => {
    const rows = await query({ metrics: ['pipeline.won_value'], groupBy: ['product'] });
    expect(new Map(rows.map((r) => [r.product, r['pipeline.won_value']]))).toEqual(sumBy(won, (o) => o.product, (o) => o.value));
    const big = await query({ metrics: ['pipeline.won_count'], where: { '>=': [{ var: 'close_value.amount' }, 5000] } });
    expect(big[0]?.['pipeline.won_count']).toBe(won.filter((o) => o.value >= 5000).length);
  });

  it("a rep's query counts his deals, a manager's his team's", async () => {
    const rep = await asDemoUser('darcel-schlecht');
    const [mine] = await query({ metrics: ['pipeline.won_value', 'pipeline.win_rate'] }, rep);
    const his = won.filter((o) => o.agent === 'Darcel Schlecht');
    expect(mine?.['pipeline.won_value']).toBe(his.reduce((s, o) => s + o.value, 0));
    expect(mine?.['pipeline.win_rate']).toBeCloseTo(his.length / closed.filter((o) => o.agent === 'Darcel Schlecht').length, 12);
    const manager = await asDemoUser('dustin-brinkmann');
    const team = await query({ metrics: ['pipeline.won_value'], groupBy: ['owner'] }, manager);
    expect(new Map(team.map((r) => [r.owner, r['pipeline.won_value']]))).toEqual(sumBy(won.filter((o) => o.manager === 'Dustin Brinkmann'), (o) => o.agent, (o) => o.value));
  });

  it('funnel: entered, won and lost per stage, won/entered and won/closed, by office', async () => {
    const res = await server.api('/api/metrics/funnel', { method: 'POST', json: { process: 'new_business', groupBy: ['office'] } });
    const body = (await res.json()) as { stages: { id: string }[]; rows: Row[] };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.stages.map((s) => s.id)).toContain('prospecting');
    const reached = (o: (typeof opportunities)[number], stage: string) => stage === 'prospecting' || (stage === 'engaging' && o.stage !== 'Prospecting') || o.stage.toLowerCase() === stage;
    for (const r of body.rows) {
      const mine = opportunities.filter((o) => o.office === r.office && reached(o, String(r.stage)));
      const w = mine.filter((o) => o.stage === 'Won').length;
      const l = mine.filter((o) => o.stage === 'Lost').length;
      expect([r.entered, r.won, r.lost]).toEqual([mine.length, w, l]);
      expect(r.won_per_entered).toBeCloseTo(w / mine.length, 12);
      expect(r.won_per_closed).toBeCloseTo(w / (w + l), 12);
    }
    expect(body.rows).toHaveLength(3 * 4);
  });

  it('funnel by a reference dimension: the product by its name, with product_id beside it', async () => {
    const res = await server.api('/api/metrics/funnel', { method: 'POST', json: { process: 'new_business', groupBy: ['product'] } });
    const body = (await res.json()) as { rows: Row[] };
    expect(res.status, JSON.stringify(body)).toBe(200);
    const reached = (o: (typeof opportunities)[number], stage: string) => stage === 'prospecting' || (stage === 'engaging' && o.stage !== 'Prospecting') || o.stage.toLowerCase() === stage;
    expect(new Set(body.rows.map((r) => r.product))).toEqual(new Set(opportunities.map((o) => o.product)));
    for (const r of body.rows) {
      const mine = opportunities.filter((o) => o.product === r.product && reached(o, String(r.stage)));
      expect([r.entered, r.won, r.lost], `${r.product} ${r.stage}`).toEqual([mine.length, mine.filter((o) => o.stage === 'Won').length, mine.filter((o) => o.stage === 'Lost').length]);
    }
    // The ids beside the names are the ones a metric query gives for the same names.
    const ids = new Map((await query({ metrics: ['pipeline.deal_count'], groupBy: ['product'] })).map((r) => [r.product, r.product_id]));
    expect(ids.size).toBe(new Set(opportunities.map((o) => o.product)).size);
    for (const r of body.rows) expect(r.product_id, String(r.product)).toBe(ids.get(r.product));
  });

  it('drills down to the records behind a figure, paged, with the same rule', async () => {
    const [cell] = await query({ metrics: ['pipeline.won_value'], groupBy: ['office'], grain: 'quarter', where: { '>=': [{ var: 'close_value.amount' }, 1000] }, from: '2017-07-01', to: '2017-09-30' });
    expect(cell).toBeDefined();
    const ids = new Set<string>();
    let total = 0;
    let cursor: string | null = null;
    do {
      const res = await server.api('/api/metrics/records', { method: 'POST', json: { metric: 'pipeline.won_value', where: { '>=': [{ var: 'close_value.amount' }, 1000] }, from: '2017-07-01', to: '2017-09-30', cell: { office_id: cell?.office_id, quarter: cell?.quarter }, limit: 100, ...(cursor ? { cursor } : {}) } });
      const page = (await res.json()) as { items: { id: string; stage: string; data: { close_value: { amount: number } } }[]; nextCursor: string | null };
      expect(res.status).toBe(200);
      for (const r of page.items) {
        ids.add(r.id);
        total += r.data.close_value.amount;
        expect(r.stage).toBe('won');
      }
      cursor = page.nextCursor;
    } while (cursor);
    const expected = won.filter((o) => o.office === cell?.office && quarterOf(o.close) === cell?.quarter && o.value >= 1000);
    expect(ids.size).toBe(expected.length);
    expect(total).toBe(cell?.['pipeline.won_value']);
    expect(total).toBe(expected.reduce((s, o) => s + o.value, 0));
  });
});
