import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../runtime/src/demo/seed';
import { backends, startServer, type TestServer } from '../../../runtime/test/harness';
import { expectJson, type Problem } from '../../../runtime/test/process/helpers';
import { checkChurnRules } from '../src/runtime/churn';
import { accountNames, count, day, drop, fieldAccounts, losses, rules, signalsFromCsv, touches, won } from './churn-csv';

interface AtRisk {
  asOf: string;
  total: number;
  accounts: { id: string; name: string; risk: string; signals: { id: string; values: Record<string, number> }[] }[];
  rules: { signals: { id: string; label: { en: string; 'zh-CN': string } }[] };
  backtest: { cut: string; end: string; accounts: number; withoutHistory: number; flagged: number; bySignal: Record<string, number>; outcomes: { id: string; positives: number; truePositives: number; precision: number | null; baseRate: number; lift: number | null; recall: number | null }[] };
}

/**
 * Issue 18, churn / at-risk warning: rules as data (churn.json) over each account's own history,
 * the flagged accounts with their reasons, and the backtest (signals at the start of the last
 * full quarter, outcomes in it) with precision, base rate, lift and recall — every number
 * checked against plain arithmetic over the raw CSV and the demo activities.
 */
describe.each(backends())('at-risk accounts and the churn backtest on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
    await seedDemo(server.platform);
  }, 600_000);
  afterAll(() => server?.close());

  it('backtests the rules at the start of the last full quarter, as the raw data says', async () => {
    const r = await expectJson<AtRisk>(server.api('/api/plugins/crm/at-risk?asOf=2017-12-15'), 200);
    if (process.env.CHURN_PRINT) console.log(JSON.stringify(r.backtest));
    // The data set's latest close is 2017-12-31: the last full quarter is Q4 2017.
    const cut = day('2017-10-01');
    const end = day('2018-01-01');
    // The population: accounts with a touch before the cut (all 85 of the data set; the demo's field accounts have no history).
    const population = accountNames.filter((a) => touches(a).some((t) => t < cut));
    expect([r.backtest.cut, r.backtest.end, r.backtest.accounts, r.backtest.withoutHistory]).toEqual(['2017-10-01', '2017-12-31', population.length, 85 + fieldAccounts.length - population.length]);
    expect(population).toHaveLength(85);
    const flagged = population.filter((a) => signalsFromCsv(a, cut).length > 0);
    expect(r.backtest.flagged).toBe(flagged.length);
    expect(flagged.length).toBeGreaterThan(0);
    for (const s of rules.signals as { id: string }[]) expect(r.backtest.bySignal[s.id], s.id).toBe(population.filter((a) => signalsFromCsv(a, cut).includes(s.id)).length);
    const score = (positive: (a: string) => boolean) => {
      const pos = population.filter(positive);
      const tp = pos.filter((a) => flagged.includes(a)).length;
      const precision = tp / flagged.length;
      const baseRate = pos.length / population.length;
      return { positives: pos.length, truePositives: tp, precision, baseRate, lift: baseRate > 0 ? precision / baseRate : null, recall: pos.length > 0 ? tp / pos.length : null };
    };
    const horizon = end - cut;
    const expected = {
      no_won_deal: score((a) => count(a, 'Won', cut, end) === 0),
      won_value_drop: score((a) => {
        const base = won(a, cut - drop.previousWindows * horizon, cut) / drop.previousWindows;
        return base > 0 && won(a, cut, end) < (1 - drop.drop) * base;
      }),
    };
    for (const o of r.backtest.outcomes) {
      const e = expected[o.id as keyof typeof expected];
      expect([o.positives, o.truePositives, o.lift === null ? null : +o.lift.toFixed(9)], o.id).toEqual([e.positives, e.truePositives, e.lift === null ? null : +e.lift.toFixed(9)]);
      expect(o.precision, o.id).toBeCloseTo(e.precision, 12);
      expect(o.baseRate, o.id).toBeCloseTo(e.baseRate, 12);
      expect(o.recall === null ? null : +o.recall.toFixed(12), o.id).toBe(e.recall === null ? null : +e.recall.toFixed(12));
    }
    // Every demo account wins something every quarter: the outcome the issue names has no case.
    expect(expected.no_won_deal.positives).toBe(0);
    expect(expected.won_value_drop.positives).toBeGreaterThan(0);
  });

  it('lists the accounts flagged at a date with their reasons, as the raw data says', async () => {
    for (const asOf of ['2017-10-01', '2017-12-15']) {
      const r = await expectJson<AtRisk>(server.api(`/api/plugins/crm/at-risk?asOf=${asOf}`), 200);
      expect(r.asOf).toBe(asOf);
      expect(r.total).toBe(85 + fieldAccounts.length);
      const got = Object.fromEntries(r.accounts.map((a) => [a.name, a.signals.map((s) => s.id)]));
      const want = Object.fromEntries(accountNames.map((a) => [a, signalsFromCsv(a, day(asOf))]).filter(([, s]) => (s as string[]).length > 0));
      expect(got, asOf).toEqual(want);
      for (const a of r.accounts) expect(a.risk).toBe(a.signals.length >= 2 ? 'high' : 'medium');
    }
    const r = await expectJson<AtRisk>(server.api('/api/plugins/crm/at-risk?asOf=2017-12-15'), 200);
    const one = r.accounts.find((a) => a.signals.some((s) => s.id === 'recent_losses'));
    if (one) {
      const s = one.signals.find((x) => x.id === 'recent_losses') as { values: Record<string, number> };
      expect(s.values.lost).toBe(count(one.name, 'Lost', day('2017-12-15') - losses.windowDays, day('2017-12-15')));
    }
    expect(r.rules.signals.map((s) => s.id)).toEqual(['silent', 'falling_value', 'recent_losses']);
    expect(r.rules.signals.every((s) => s.label.en.length > 0 && s.label['zh-CN'].length > 0)).toBe(true);
  });

  it('refuses a bad date with a problem naming asOf, and anonymous callers', async () => {
    const p = await expectJson<Problem>(server.api('/api/plugins/crm/at-risk?asOf=yesterday'), 400);
    expect(JSON.stringify(p)).toContain('asOf');
    expect((await server.anonymous('/api/plugins/crm/at-risk')).status).toBe(401);
  });

  it('leaves accounts without history before the cut out of the backtest', async () => {
    const before = await expectJson<AtRisk>(server.api('/api/plugins/crm/at-risk?asOf=2017-12-15'), 200);
    await expectJson(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Brand New Prospect Ltd', status: 'prospect' } } }), 201);
    const after = await expectJson<AtRisk>(server.api('/api/plugins/crm/at-risk?asOf=2017-12-15'), 200);
    expect([after.total, after.backtest.accounts, after.backtest.withoutHistory, after.backtest.flagged]).toEqual([before.total + 1, before.backtest.accounts, before.backtest.withoutHistory + 1, before.backtest.flagged]);
    expect(after.backtest.outcomes).toEqual(before.backtest.outcomes);
    expect(after.accounts.some((a) => a.name === 'Brand New Prospect Ltd')).toBe(false);
  });

  it('shows a rep only the accounts the rep may see', async () => {
    await server.seedOrg();
    const admin = await expectJson<AtRisk>(server.api('/api/plugins/crm/at-risk?asOf=2017-12-15'), 200);
    const rep = await expectJson<AtRisk>(server.as('other-rep').api('/api/plugins/crm/at-risk?asOf=2017-12-15'), 200);
    const visible = await expectJson<{ total: number }>(server.as('other-rep').api('/api/records/crm.account?total=true&limit=1'), 200);
    expect(rep.total).toBe(visible.total);
    expect(rep.total).toBeLessThanOrEqual(admin.total);
  });
});

describe('churn.json checks', () => {
  it('accepts the shipped rules and names the pointer of a bad one', () => {
    expect(checkChurnRules(structuredClone(rules)).signals).toHaveLength(3);
    const bad = structuredClone(rules);
    bad.signals[1].drop = 2;
    expect(() => checkChurnRules(bad)).toThrow(/\/signals\/1\/drop/);
    const kind = structuredClone(rules);
    kind.signals[0].kind = 'vibes';
    expect(() => checkChurnRules(kind)).toThrow(/\/signals\/0\/kind/);
    const label = structuredClone(rules);
    delete label.signals[2].label['zh-CN'];
    expect(() => checkChurnRules(label)).toThrow(/\/signals\/2\/label/);
  });
});
