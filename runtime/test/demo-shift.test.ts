import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, type SeedReport } from '../src/demo/seed';
import { backends, startServer, type TestServer } from './harness';
import { median, opportunities, quarterOf, sumBy } from './metrics/csv-oracle';

type Row = Record<string, string | number | null>;

/** Today, as the platform's clock says in this test. */
const TODAY = '2026-12-05';
/** The data set ends in 2017, so the demo moves its dates 2026 - 2017 = 9 years (no 29 February in the data). */
const YEARS = 9;
const later = (date: string) => (date ? `${Number(date.slice(0, 4)) + YEARS}${date.slice(4)}` : '');
const dayDiff = (a: string, b: string) => (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;

describe.each(backends())('the demo moves the data set to the current year on $name', (backend) => {
  let server: TestServer;
  let report: SeedReport;
  const lines: string[] = [];
  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_DEMO_SHIFT_YEARS: 'auto' }, { now: () => new Date(`${TODAY}T12:00:00Z`) });
    report = await seedDemo(server.platform, (l) => lines.push(l));
  }, 300_000);
  afterAll(() => server?.close());

  const query = async (body: unknown): Promise<Row[]> => {
    const res = await server.api('/api/metrics/query', { method: 'POST', json: body });
    const json = (await res.json()) as { rows: Row[] };
    expect(res.status, JSON.stringify(json)).toBe(200);
    return json.rows;
  };

  it('says by how much, and the latest date falls in the current year', () => {
    expect(report.shiftedYears).toBe(YEARS);
    expect(lines.some((l) => l.includes('deal dates moved 9 years forward (latest 2017-12-31 -> 2026-12-31)'))).toBe(true);
  });

  it('won value per quarter equals the CSV with each close date moved by the same whole years (quarters stay quarters)', async () => {
    const won = opportunities.filter((o) => o.stage === 'Won');
    const rows = await query({ metrics: ['pipeline.won_value'], grain: 'quarter' });
    const expected = sumBy(won, (o) => quarterOf(later(o.close)), (o) => o.value);
    expect(new Map(rows.map((r) => [String(r.quarter), Number(r['pipeline.won_value'])]))).toEqual(expected);
    expect([...expected.keys()].every((q) => q.startsWith('2025-') || q.startsWith('2026-'))).toBe(true);
    const thisQuarter = await query({ metrics: ['pipeline.won_value'], from: '2026-10-01', to: '2026-12-31' });
    expect(thisQuarter[0]?.['pipeline.won_value']).toBe(won.filter((o) => o.close >= '2017-10-01').reduce((s, o) => s + o.value, 0));
  });

  it('keeps the sales cycle: the median days from engage to close are those of the CSV', async () => {
    const closed = opportunities.filter((o) => (o.stage === 'Won' || o.stage === 'Lost') && o.engage && o.close);
    const [all] = await query({ metrics: ['pipeline.sales_cycle_days'] });
    expect(all?.['pipeline.sales_cycle_days']).toBe(median(closed.map((o) => dayDiff(later(o.engage), later(o.close)))));
  });

  it('stores the moved dates on the deals and starts open stays no later than today', async () => {
    const db = server.platform.database.db;
    const dates = await db.selectFrom('records').select((eb) => [eb.fn.min(eb.ref('data', '->>').key('engage_date' as never)).as('first'), eb.fn.max(eb.ref('data', '->>').key('close_date' as never)).as('last')]).where('type', '=', 'pipeline.deal').executeTakeFirstOrThrow();
    const csvDates = opportunities.flatMap((o) => [o.engage, o.close]).filter(Boolean).sort();
    expect(dates).toEqual({ first: later(csvDates[0] as string), last: later(csvDates[csvDates.length - 1] as string) });
    const prospecting = await db.selectFrom('stage_history').select((eb) => eb.fn.max('entered_at').as('latest')).where('stage', '=', 'prospecting').where('exited_at', 'is', null).executeTakeFirstOrThrow();
    expect(new Date(prospecting.latest as unknown as string).toISOString().slice(0, 10) <= TODAY).toBe(true);
    const prospects = opportunities.filter((o) => o.stage === 'Prospecting').length;
    const openProspecting = await db.selectFrom('stage_history').select((eb) => eb.fn.countAll<string>().as('n')).where('stage', '=', 'prospecting').where('exited_at', 'is', null).executeTakeFirstOrThrow();
    expect(Number(openProspecting.n)).toBe(prospects);
  });
});
