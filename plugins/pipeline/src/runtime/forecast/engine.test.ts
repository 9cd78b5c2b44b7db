import { describe, expect, it } from 'vitest';
import { backtest, mape } from './backtest';
import { asOf, DAY, weightedPipelineAt, wonValueBetween, type DealInput } from './engine';
import { lookBackDays, modelForecast, observedRunRate, snapshotForecast } from './stacked';
import { originsBetween, periodOf } from './routes';

const t = (d: string) => Date.parse(`${d}T09:00:00Z`);

/** A deal created at `created`, engaged at `engaged`, closed (won/lost) at `closed`. */
function deal(id: string, created: string, engaged: string | null, closed: { at: string; won: boolean; value: number } | null, amount = 1000): DealInput {
  const stays: DealInput['stays'] = [{ stage: 'prospecting', kind: 'open', probability: 0.1, enteredAt: t(created), exitedAt: engaged ? t(engaged) : null }];
  if (engaged) stays.push({ stage: 'engaging', kind: 'open', probability: 0.3, enteredAt: t(engaged), exitedAt: closed ? t(closed.at) : null });
  if (engaged && closed) stays.push({ stage: closed.won ? 'won' : 'lost', kind: closed.won ? 'won' : 'lost', probability: closed.won ? 1 : 0, enteredAt: t(closed.at), exitedAt: null });
  return { id, owner: id.startsWith('a') ? 'ann' : 'bob', orgUnit: null, amount, closeValue: closed?.won ? closed.value : 0, createdAt: t(created), stays };
}

/** A steady synthetic history: 3 deals a day, each engaged 10 days later, two in three won 40 days after creation, one lost. */
function steady(days: number): DealInput[] {
  const out: DealInput[] = [];
  const start = t('2020-01-01');
  for (let i = 0; i < days; i++) {
    for (let k = 0; k < 3; k++) {
      const c = new Date(start + i * DAY).toISOString().slice(0, 10);
      const e = new Date(start + (i + 10) * DAY).toISOString().slice(0, 10);
      const x = new Date(start + (i + 40) * DAY).toISOString().slice(0, 10);
      out.push(deal(`${k === 0 ? 'a' : 'b'}${i}-${k}`, c, e, { at: x, won: k < 2, value: 900 }));
    }
  }
  return out;
}

describe('forecast engine', () => {
  it('sees a deal as it stood before a time', () => {
    const d = deal('a1', '2020-01-01', '2020-01-10', { at: '2020-02-01', won: true, value: 5 });
    expect(asOf(d, t('2020-01-01'))).toBeNull();
    expect(asOf(d, t('2020-01-05'))?.stay?.stage).toBe('prospecting');
    expect(asOf(d, t('2020-01-20'))?.stay?.stage).toBe('engaging');
    expect(asOf(d, t('2020-03-01'))).toMatchObject({ state: 'won', closedAt: t('2020-02-01') });
  });

  it('sums won value in (from, to] and the weighted pipeline at a time', () => {
    const deals = [deal('a1', '2020-01-01', '2020-01-10', { at: '2020-02-01', won: true, value: 5 }), deal('a2', '2020-01-01', null, null, 200), deal('a3', '2020-01-01', '2020-01-03', null, 100)];
    expect(wonValueBetween(deals, t('2020-01-31'), t('2020-02-01'))).toBe(5);
    expect(wonValueBetween(deals, t('2020-02-01'), t('2020-03-01'))).toBe(0);
    expect(weightedPipelineAt(deals, t('2020-01-20'))).toBeCloseTo(1000 * 0.3 + 200 * 0.1 + 100 * 0.3);
  });

  it('forecasts a steady history close to what happens, from both components, with a range around it', () => {
    const deals = steady(400);
    const origin = Date.UTC(2020, 9, 1);
    const actual = wonValueBetween(deals, origin, origin + 91 * DAY);
    const s = snapshotForecast(deals, origin, 91);
    // open deals are 0-40 days old; two in three of them win (value 900 for an amount of 1000);
    // the oldest age bin, with no older one to borrow from, is shrunk toward 0
    const open = deals.filter((d) => asOf(d, origin)?.state === 'open').length;
    expect(s.fromOpen).toBeLessThan(open * 1000 * ((2 / 3) * 0.9));
    expect(s.fromOpen).toBeGreaterThan(0.85 * open * 1000 * ((2 / 3) * 0.9));
    expect(s.fromNew).toBeGreaterThan(0);
    expect(Math.abs(s.fromOpen + s.fromNew - actual) / actual).toBeLessThan(0.06);
    const f = modelForecast(deals, origin, 91);
    expect(f.points).toBe(13);
    expect(f.weights.snapshot + f.weights.run_rate).toBeCloseTo(1);
    expect(Math.abs(f.forecast - actual) / actual).toBeLessThan(0.03);
    expect(f.p10).toBeLessThanOrEqual(f.forecast);
    expect(f.p90).toBeGreaterThanOrEqual(f.forecast);
    expect(modelForecast(deals, origin, 91)).toEqual(f);
  });

  it('counts the run rate over the days since the first close only, and weighs equally without a past to learn from', () => {
    const deals = steady(80);
    // first close 2020-02-10 (day 40); 30 days later two deals a day have been won for 30 days
    const origin = Date.UTC(2020, 2, 11);
    const won = wonValueBetween(deals, origin - 31 * DAY, origin - 1);
    expect(observedRunRate(deals, origin, 91)).toBeCloseTo((won * 91) / 30, 0);
    expect(observedRunRate(deals, Date.UTC(2020, 1, 1), 91)).toBe(0);
    const f = modelForecast(deals, origin, 91);
    expect(f.points).toBe(0);
    expect(f.weights).toEqual({ snapshot: 0.5, run_rate: 0.5 });
    expect(f.p10).toBe(Math.min(f.components.snapshot, f.components.run_rate));
    expect(f.p90).toBe(Math.max(f.components.snapshot, f.components.run_rate));
  });

  it('weighs the component that erred less at the earlier pseudo-origins more', () => {
    // creations stop after day 300: the open pipeline empties, while the run rate still sees the
    // wins of the full pipeline a horizon before
    const deals = steady(300);
    const origin = Date.UTC(2020, 11, 15);
    const f = modelForecast(deals, origin, 91);
    expect(f.points).toBeGreaterThan(0);
    expect(f.weights.snapshot).not.toBeCloseTo(0.5, 2);
    const actual = wonValueBetween(deals, origin, origin + 91 * DAY);
    expect(Math.abs(f.forecast - actual)).toBeLessThanOrEqual(Math.max(Math.abs(f.components.snapshot - actual), Math.abs(f.components.run_rate - actual)));
  });

  it('looks back whole quarters, so a short horizon sees the same phase of the quarter, once a close has been seen there', () => {
    const o = Date.UTC(2021, 0, 1);
    expect(lookBackDays(30, o, o - 400 * DAY)).toBe(91);
    expect(lookBackDays(91, o, o - 400 * DAY)).toBe(91);
    expect(lookBackDays(120, o, o - 400 * DAY)).toBe(182);
    expect(lookBackDays(30, o, o - 40 * DAY)).toBe(30);
    expect(lookBackDays(30, o, null)).toBe(30);
    // won value depends on the month of the quarter the deal closes in: 300 in the first, 1500 after
    const deals = steady(700).map((d) => {
      const won = d.stays.find((s) => s.kind === 'won');
      return won ? { ...d, closeValue: new Date(won.enteredAt).getUTCMonth() % 3 === 0 ? 300 : 1500 } : d;
    });
    const origin = Date.UTC(2021, 3, 1);
    const actual = wonValueBetween(deals, origin, origin + 30 * DAY);
    const sameMonthLastQuarter = wonValueBetween(deals, origin - 91 * DAY, origin - 61 * DAY - 1);
    expect(observedRunRate(deals, origin, 30)).toBeCloseTo(sameMonthLastQuarter, 0);
    const f = modelForecast(deals, origin, 30);
    const lastMonth = wonValueBetween(deals, origin - 30 * DAY, origin - 1);
    // 91 days back from 1 April is 31 December: one day of the previous phase leaks in
    expect(Math.abs(f.forecast - actual)).toBeLessThan(0.2 * actual);
    expect(Math.abs(lastMonth - actual)).toBeGreaterThan(2 * actual);
  });

  it('has no look-ahead: deals created after the origin and later closes do not change the forecast', () => {
    const deals = steady(400);
    const origin = Date.UTC(2020, 7, 1);
    const before = backtest(deals, [origin], 91).origins[0];
    const altered = deals
      .filter((d) => d.createdAt < origin)
      .map((d) => {
        const won = d.stays.find((s) => s.kind === 'won');
        if (!won || won.enteredAt < origin) return d;
        return { ...d, closeValue: 1, stays: d.stays.map((s) => (s.kind === 'won' ? { ...s, stage: 'lost', kind: 'lost', probability: 0 } : s)) };
      });
    const after = backtest(altered, [origin], 91).origins[0];
    expect({ ...after, actual: 0 }).toEqual({ ...before, actual: 0 });
    expect(after?.actual).toBe(0);
  });

  it("scopes a forecast to part of the deals: its own open deals, new deals and run rate (ann wins all her deals, bob half)", () => {
    const deals = steady(400);
    const origin = Date.UTC(2020, 9, 1);
    const all = modelForecast(deals, origin, 91);
    const ann = modelForecast(deals, origin, 91, (d) => d.owner === 'ann');
    // a third of the open deals, but half of the won value
    expect(ann.forecast / all.forecast).toBeGreaterThan(0.45);
    expect(ann.forecast / all.forecast).toBeLessThan(0.55);
  });

  it('computes MAPE in percent, leaving out zero actuals', () => {
    expect(mape([{ actual: 100, forecast: 90 }, { actual: 200, forecast: 220 }, { actual: 0, forecast: 5 }])).toBeCloseTo(10);
    expect(mape([])).toBeNull();
  });

  it('steps origins by month or quarter and cuts periods', () => {
    expect(originsBetween(Date.UTC(2017, 3, 1), Date.UTC(2017, 9, 1), 'monthly').map((x) => new Date(x).toISOString().slice(0, 10))).toEqual(['2017-04-01', '2017-05-01', '2017-06-01', '2017-07-01', '2017-08-01', '2017-09-01', '2017-10-01']);
    expect(originsBetween(Date.UTC(2017, 0, 1), Date.UTC(2017, 11, 31), 'quarterly')).toHaveLength(4);
    const q = periodOf(Date.UTC(2017, 4, 17), 'quarter');
    expect([q.start, q.end]).toEqual([Date.UTC(2017, 3, 1), Date.UTC(2017, 6, 1)]);
    const m = periodOf(Date.UTC(2017, 11, 17), 'month');
    expect([m.start, m.end]).toEqual([Date.UTC(2017, 11, 1), Date.UTC(2018, 0, 1)]);
  });
});
