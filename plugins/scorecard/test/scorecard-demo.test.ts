import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSecret, sha256 } from '../../../runtime/src/auth/secrets';
import { TOKEN_PREFIX } from '../../../runtime/src/auth/tokens';
import { seedDemo } from '../../../runtime/src/demo/seed';
import { backends, startServer, type ApiFetch, type TestServer } from '../../../runtime/test/harness';

/**
 * The scorecard plugin on the real demo data (dates unshifted: the harness starts with
 * PIPEWRIGHT_DEMO_SHIFT_YEARS=0): definitions and their 422s, computed evaluations against an
 * independent computation from the CSV, exact decompositions, noise flags, the review process,
 * reasons, calibration and who sees what.
 */

// ---- Independent reading of the CSV: plain parsing and arithmetic, no platform or plugin code.
const DIR = '/work/shared/datasets/crm-sales-opportunities/';
const csv = (file: string) => {
  const [header, ...lines] = readFileSync(DIR + file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const cols = header!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
};
const deals = csv('sales_pipeline.csv');
const agents = csv('sales_teams.csv');
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
/** Won count, won value and closed count of one agent with close dates in [from, to]. */
function csvFigures(agent: string, from: string, to: string) {
  const closed = deals.filter((d) => d.sales_agent === agent && d.close_date! >= from && d.close_date! <= to && (d.deal_stage === 'Won' || d.deal_stage === 'Lost'));
  const won = closed.filter((d) => d.deal_stage === 'Won');
  return { won: won.length, value: won.reduce((s, d) => s + Number(d.close_value), 0), closed: closed.length };
}
/** Spearman's rho with average ranks, written out again here (Pearson of ranks). */
function rho(a: number[], b: number[]): number {
  const rank = (v: number[]) => {
    const sorted = [...v].sort((x, y) => x - y);
    return v.map((x) => {
      const first = sorted.indexOf(x);
      const last = sorted.lastIndexOf(x);
      return (first + last) / 2 + 1;
    });
  };
  const [ra, rb] = [rank(a), rank(b)];
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(ra), mean(rb)];
  let c = 0;
  let va = 0;
  let vb = 0;
  ra.forEach((x, i) => {
    c += (x - ma) * (rb[i]! - mb);
    va += (x - ma) ** 2;
    vb += (rb[i]! - mb) ** 2;
  });
  return c / Math.sqrt(va * vb);
}
/** Stability across people between two periods, over the agents with a closed deal in both. */
function csvStability(metric: 'won' | 'value' | 'rate', [a1, a2]: [string, string], [b1, b2]: [string, string]): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const { sales_agent } of agents) {
    const x = csvFigures(sales_agent!, a1, a2);
    const y = csvFigures(sales_agent!, b1, b2);
    if (x.closed === 0 || y.closed === 0) continue;
    const f = (z: typeof x) => (metric === 'won' ? z.won : metric === 'value' ? z.value : z.won / z.closed);
    xs.push(f(x));
    ys.push(f(y));
  }
  return rho(xs, ys);
}

interface View {
  id: string;
  version: number;
  stage: string | null;
  data: Record<string, any>;
}
interface Problem {
  status: number;
  code: string;
  errors?: { pointer: string; message: string; code?: string }[];
}
async function expectJson<T>(res: Response | Promise<Response>, status: number): Promise<T> {
  const r = await res;
  const text = await r.text();
  expect(r.status, text.slice(0, 2000)).toBe(status);
  return JSON.parse(text) as T;
}

const RESULTS = {
  id: 'results',
  label: 'Results',
  weight: 50,
  indicators: [
    { id: 'won_deals', label: 'Won deals', kind: 'metric', metric: 'pipeline.won_count', weight: 40, normalise: { method: 'percentile' } },
    { id: 'won_value', label: 'Won value', kind: 'metric', metric: 'pipeline.won_value', weight: 40, normalise: { method: 'min_max' } },
    { id: 'win_rate', label: 'Win rate', kind: 'metric', metric: 'pipeline.win_rate', weight: 20, normalise: { method: 'percent_of_target', target: 0.7 } },
  ],
};
const ACTIVITY = {
  id: 'process',
  label: 'Process',
  weight: 30,
  indicators: [
    {
      id: 'tiered',
      label: 'Deals won, tiered',
      kind: 'rule',
      weight: 100,
      inputs: ['pipeline.won_count'],
      rule: { if: [{ '>=': [{ var: 'pipeline.won_count' }, 80] }, 100, { '>=': [{ var: 'pipeline.won_count' }, 50] }, 70, 40] },
    },
  ],
};
const CAPABILITY = { id: 'capability', label: 'Capability', weight: 20, indicators: [{ id: 'coaching', label: 'Coaching', kind: 'rating', rater: 'manager', weight: 100, rubric: ['1', '2', '3', '4', '5'] }] };
const CARD = { name: 'Field sales Q4', period: '2017-Q4', dimensions: [RESULTS, ACTIVITY, CAPABILITY], forced_distribution: { top: 20, middle: 70, bottom: 10 } };

describe.each(backends())('scorecards on the demo data on $name', (backend) => {
  let server: TestServer;
  const demoUser = async (userId: string, scopes = ['read', 'write']): Promise<ApiFetch> => {
    const secret = randomSecret(TOKEN_PREFIX);
    await server.platform.database.db.insertInto('api_tokens').values({ id: crypto.randomUUID(), user_id: userId, name: 't', scopes: JSON.stringify(scopes), token_hash: sha256(secret), created_by: 'system:test', created_at: new Date() }).execute();
    server.canaries.push(secret);
    return (path, init = {}) => {
      const { json, ...rest } = init;
      return fetch(server.url + path, { ...rest, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', ...(rest.headers as Record<string, string>) }, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
    };
  };
  const createCard = (api: ApiFetch, data: Record<string, unknown>) => api('/api/records/scorecard.scorecard', { method: 'POST', json: { data, owner: null } });
  const evaluationOf = async (api: ApiFetch, card: string, rep: string, period: string) => {
    const list = await expectJson<{ items: View[] }>(api(`/api/records/scorecard.evaluation?filter[scorecard_id]=${card}&filter[rep_id]=${rep}&filter[period]=${period}`), 200);
    return list.items[0];
  };
  let card: View;
  let computed: { evaluations: { id: string; rep_id: string; total: number; outcome: string }[]; noise: Record<string, any>; warnings: { code: string }[] };

  beforeAll(async () => {
    server = await startServer(backend);
    await seedDemo(server.platform);
    await server.platform.processes.startWorkers(1);
    // the demo publishes the review process (an entity without a published process gets its first one)
    expect((await expectJson<{ latestVersion: number | null }>(server.api('/api/processes/scorecard_review'), 200)).latestVersion).toBe(1);
    card = await expectJson<View>(createCard(server.api, CARD), 201);
    computed = await expectJson(server.api(`/api/plugins/scorecard/scorecards/${card.id}/compute`, { method: 'POST', json: {} }), 200);
  }, 600_000);
  afterAll(() => server?.close());

  it('refuses weights that do not sum to 100, naming the field by JSON pointer', async () => {
    const bad = { ...CARD, dimensions: [{ ...RESULTS, weight: 60 }, ACTIVITY, CAPABILITY] };
    const p = await expectJson<Problem>(createCard(server.api, bad), 422);
    expect(p.errors).toEqual([expect.objectContaining({ pointer: '/data/dimensions', code: 'weights-sum' })]);
    expect(p.errors?.[0]?.message).toContain('110');
    const inner = { ...CARD, dimensions: [{ ...RESULTS, indicators: RESULTS.indicators.map((x, i) => (i === 2 ? { ...x, weight: 25 } : x)) }, ACTIVITY, CAPABILITY] };
    const q = await expectJson<Problem>(createCard(server.api, inner), 422);
    expect(q.errors?.map((e) => e.pointer)).toEqual(['/data/dimensions/0/indicators']);
  });

  it('refuses a metric the catalogue does not know and a rule the engine refuses, naming each', async () => {
    const bad = {
      ...CARD,
      dimensions: [{ ...RESULTS, indicators: RESULTS.indicators.map((x, i) => (i === 1 ? { ...x, metric: 'pipeline.won_valu' } : x)) }, { ...ACTIVITY, indicators: [{ ...ACTIVITY.indicators[0], inputs: ['pipeline.nope'], rule: { frobnicate: [1] } }] }, CAPABILITY],
    };
    const p = await expectJson<Problem>(createCard(server.api, bad), 422);
    const pointers = p.errors?.map((e) => e.pointer) ?? [];
    expect(pointers).toContain('/data/dimensions/0/indicators/1/metric');
    expect(pointers).toContain('/data/dimensions/1/indicators/0/inputs/0');
    expect(pointers.some((x) => x.startsWith('/data/dimensions/1/indicators/0/rule'))).toBe(true);
    expect(p.errors?.find((e) => e.pointer === '/data/dimensions/0/indicators/1/metric')?.message).toContain('pipeline.won_valu');
    // The preview says the same under /definition.
    const q = await expectJson<Problem>(server.api('/api/plugins/scorecard/preview', { method: 'POST', json: { definition: bad, period: '2017-Q4' } }), 422);
    expect(q.errors?.map((e) => e.pointer)).toContain('/definition/dimensions/0/indicators/1/metric');
  });

  it("Darcel Schlecht's Q4 2017 results equal the CSV: won deals, won value, win rate (won / closed by close date)", async () => {
    const ev = (await evaluationOf(server.api, card.id, 'darcel-schlecht', '2017-Q4'))!;
    expect(ev.stage).toBe('self_review');
    const csvQ4 = csvFigures('Darcel Schlecht', '2017-10-01', '2017-12-31');
    expect(csvQ4.won).toBeGreaterThan(0);
    const results = ev.data.dimensions.find((d: any) => d.id === 'results');
    const raw = (id: string) => results.indicators.find((x: any) => x.id === id).raw;
    expect(raw('won_deals')).toBe(csvQ4.won);
    expect(raw('won_value')).toBe(csvQ4.value);
    expect(raw('win_rate')).toBeCloseTo(csvQ4.won / csvQ4.closed, 12);
    // Normalisation: win rate as percent of a 0.7 target, capped at 100.
    expect(results.indicators.find((x: any) => x.id === 'win_rate').score).toBeCloseTo(Math.min(100, ((csvQ4.won / csvQ4.closed) / 0.7) * 100), 3);
    // The tiered rule: explained step by step, and its points.
    const tiered = ev.data.dimensions.find((d: any) => d.id === 'process').indicators[0];
    expect(tiered.raw).toBe(csvQ4.won >= 80 ? 100 : csvQ4.won >= 50 ? 70 : 40);
    expect(tiered.explanation.inputs).toEqual({ 'pipeline.won_count': csvQ4.won });
    expect(tiered.explanation.steps.length).toBeGreaterThan(1);
    // Metric indicators name the query that produced them.
    expect(results.indicators[0].explanation.query).toEqual({ metrics: ['pipeline.won_count'], groupBy: ['owner'], from: '2017-10-01', to: '2017-12-31' });
    // Won deals as a percentile in the cohort: mid-rank, computed here from the CSV.
    const cohort = agents.map((a) => csvFigures(a.sales_agent!, '2017-10-01', '2017-12-31')).filter((f) => f.closed > 0).map((f) => f.won);
    const below = cohort.filter((w) => w < csvQ4.won).length;
    const ties = cohort.filter((w) => w === csvQ4.won).length - 1;
    expect(results.indicators[0].score).toBeCloseTo(((below + ties / 2) / (cohort.length - 1)) * 100, 3);
  });

  it('computes everyone in scope, and every total decomposes exactly into its parts (within 0.01)', async () => {
    const reps = agents.map((a) => slug(a.sales_agent!));
    expect(computed.evaluations.map((e) => e.rep_id).sort()).toEqual([...reps].sort());
    expect(computed.warnings).toEqual([]); // 35 people: enough for a forced distribution
    let checked = 0;
    for (const e of computed.evaluations) {
      const ev = await expectJson<View>(server.api(`/api/records/scorecard.evaluation/${e.id}`), 200);
      let total = 0;
      for (const d of ev.data.dimensions) {
        const parts = d.indicators.reduce((s: number, x: any) => s + x.part, 0);
        expect(Math.abs(parts - d.part)).toBeLessThan(0.01);
        for (const x of d.indicators) expect(Math.abs(x.part - (x.score * x.weight * d.weight) / 10_000)).toBeLessThan(0.01);
        expect(Math.abs(d.score - d.indicators.reduce((s: number, x: any) => s + (x.score * x.weight) / 100, 0))).toBeLessThan(0.01);
        total += d.part;
      }
      expect(Math.abs(total - ev.data.total)).toBeLessThan(0.01);
      expect(ev.data.total).toBe(ev.data.computed_total);
      expect(ev.data.as_of).toEqual(expect.any(String));
      checked++;
    }
    expect(checked).toBe(35);
  });

  it('flags noisy indicators: Spearman across people between the halves of 2017 equals the CSV', async () => {
    const year = await expectJson<View>(createCard(server.api, { ...CARD, name: 'Field sales 2017', period: '2017' }), 201);
    const res = await expectJson<{ noise: Record<string, { rho: number; mostly_noise: boolean; people: number; periods: string[] }> }>(server.api(`/api/plugins/scorecard/scorecards/${year.id}/compute`, { method: 'POST', json: {} }), 200);
    const h1: [string, string] = ['2017-01-01', '2017-06-30'];
    const h2: [string, string] = ['2017-07-01', '2017-12-31'];
    const won = csvStability('won', h1, h2);
    const value = csvStability('value', h1, h2);
    const rate = csvStability('rate', h1, h2);
    expect(res.noise['results.won_deals']!.rho).toBeCloseTo(won, 3);
    expect(res.noise['results.won_value']!.rho).toBeCloseTo(value, 3);
    expect(res.noise['results.win_rate']!.rho).toBeCloseTo(rate, 3);
    expect(res.noise['results.won_deals']!.periods).toEqual(['2017-H1', '2017-H2']);
    expect([won, rate].map((x) => Math.round(x * 100) / 100)).toEqual([0.93, 0.3]);
    expect(res.noise['results.won_deals']!.mostly_noise).toBe(false);
    expect(res.noise['results.win_rate']!.mostly_noise).toBe(true);
    // Q4 2017 by its halves (Oct 1 - Nov 15, Nov 16 - Dec 31).
    const q4 = computed.noise;
    expect(q4['results.won_deals'].rho).toBeCloseTo(csvStability('won', ['2017-10-01', '2017-11-15'], ['2017-11-16', '2017-12-31']), 3);
    expect(q4['results.win_rate'].rho).toBeCloseTo(csvStability('rate', ['2017-10-01', '2017-11-15'], ['2017-11-16', '2017-12-31']), 3);
    // The flag reaches the stored results too.
    const ev = (await evaluationOf(server.api, year.id, 'darcel-schlecht', '2017'))!;
    expect(ev.data.dimensions[0].indicators.find((x: any) => x.id === 'win_rate').noise.mostly_noise).toBe(true);
  });

  it('noise against the previous period: Q3 vs Q4 2017 equals the CSV', async () => {
    const card2 = await expectJson<View>(createCard(server.api, { ...CARD, name: 'Q4 vs Q3', noise: { method: 'previous' } }), 201);
    const p = await expectJson<{ noise: Record<string, { rho: number; periods: string[] }> }>(server.api('/api/plugins/scorecard/preview', { method: 'POST', json: { definition: card2.data, period: '2017-Q4', limit: 1 } }), 200);
    const q3: [string, string] = ['2017-07-01', '2017-09-30'];
    const q4: [string, string] = ['2017-10-01', '2017-12-31'];
    expect(p.noise['results.won_deals']!.periods).toEqual(['2017-Q3', '2017-Q4']);
    expect(p.noise['results.won_deals']!.rho).toBeCloseTo(csvStability('won', q3, q4), 3);
    expect(p.noise['results.win_rate']!.rho).toBeCloseTo(csvStability('rate', q3, q4), 3);
  });

  it('percent of target reads the OKR sales targets (person, period, metric); without one, the indicator\'s own target applies, and the answer says so', async () => {
    // Independently: the targets as the OKR plugin's demo file states them, the actuals from the CSV.
    const file = JSON.parse(readFileSync(new URL('../../okr/demo/targets.demo.json', import.meta.url), 'utf8')) as { rows: { metric: string; period: string; scope_user: string | null; value: number }[] };
    const targetOf = (rep: string, period: string) => file.rows.find((r) => r.metric === 'pipeline.won_value' && r.period === period && r.scope_user === rep)?.value;
    const def = { name: 'Won value against target', period: '2017-Q4', dimensions: [{ id: 'results', label: 'Results', weight: 100, indicators: [{ id: 'won_value', label: 'Won value', kind: 'metric', metric: 'pipeline.won_value', weight: 100, normalise: { method: 'percent_of_target', target: 300000 } }] }] };
    const check = async (period: string, quarters: string[], from: string, to: string) => {
      const c = await expectJson<View>(createCard(server.api, { ...def, name: `${def.name} ${period}`, period }), 201);
      const res = await expectJson<{ evaluations: { rep_id: string; total: number }[]; targets: Record<string, any>; warnings: { code: string; indicator?: string; message: string }[] }>(server.api(`/api/plugins/scorecard/scorecards/${c.id}/compute`, { method: 'POST', json: {} }), 200);
      let withTarget = 0;
      for (const a of agents) {
        const rep = slug(a.sales_agent!);
        const parts = quarters.map((q) => targetOf(rep, q));
        const target = parts.every((x) => x !== undefined) ? parts.reduce((s: number, x) => s + x!, 0) : undefined;
        if (target !== undefined) withTarget++;
        const actual = csvFigures(a.sales_agent!, from, to).value;
        const expected = Math.min(100, (actual / (target ?? 300000)) * 100);
        expect(Math.abs(res.evaluations.find((e) => e.rep_id === rep)!.total - expected), `${rep} ${period}`).toBeLessThanOrEqual(0.005 + 1e-9);
      }
      expect(res.targets['results.won_value']).toMatchObject({ metric: 'pipeline.won_value', okr: true, people_with_target: withTarget, people_without_target: 35 - withTarget, fallback: 300000 });
      return { card: c, res, withTarget };
    };
    const q4 = await check('2017-Q4', ['2017-Q4'], '2017-10-01', '2017-12-31');
    expect(q4.withTarget).toBeGreaterThan(20);
    // Darcel's explanation names the OKR target record and its value.
    const ev = (await evaluationOf(server.api, q4.card.id, 'darcel-schlecht', '2017-Q4'))!;
    const x = ev.data.dimensions[0].indicators[0];
    expect(x.normalisation.detail).toMatchObject({ target: targetOf('darcel-schlecht', '2017-Q4'), target_source: 'okr', target_periods: '2017-Q4' });
    expect(x.raw).toBe(csvFigures('Darcel Schlecht', '2017-10-01', '2017-12-31').value);
    // A half-year sums its quarters' targets.
    await check('2017-H2', ['2017-Q3', '2017-Q4'], '2017-07-01', '2017-12-31');
    // No OKR targets for 2017-Q2: everyone falls back to the indicator's 300,000, and the answer says so.
    const q2 = await check('2017-Q2', ['2017-Q2'], '2017-04-01', '2017-06-30');
    expect(q2.withTarget).toBe(0);
    expect(q2.res.warnings).toEqual([]);
    // Without a target of its own, nobody has one: they score 0, and the warning says it.
    const bare = await expectJson<View>(createCard(server.api, { ...def, name: 'No target', period: '2017-Q2', dimensions: [{ ...def.dimensions[0]!, indicators: [{ ...def.dimensions[0]!.indicators[0]!, normalise: { method: 'percent_of_target' } }] }] }), 201);
    const none = await expectJson<{ evaluations: { total: number }[]; warnings: { code: string; message: string }[] }>(server.api(`/api/plugins/scorecard/scorecards/${bare.id}/compute`, { method: 'POST', json: {} }), 200);
    expect(none.evaluations.every((e) => e.total === 0)).toBe(true);
    expect(none.warnings).toEqual([expect.objectContaining({ code: 'okr-targets-missing', message: expect.stringContaining('score 0') })]);
    // Some with an OKR target and some without: a warning naming the fallback.
    if (q4.withTarget < 35) expect(q4.res.warnings).toEqual([expect.objectContaining({ code: 'okr-targets-missing', indicator: 'results.won_value', message: expect.stringContaining('300000') })]);
    else expect(q4.res.warnings).toEqual([]);
    const fallback = (await evaluationOf(server.api, q2.card.id, 'darcel-schlecht', '2017-Q2'))!;
    expect(fallback.data.dimensions[0].indicators[0].normalisation.detail).toMatchObject({ target: 300000, target_source: 'definition' });
  });

  it('an indicator may name a saved rule of the rule library ({"rule": id}): it scores as the rule written inline; an unknown one is refused, naming it', async () => {
    const inline = ACTIVITY.indicators[0]!;
    await expectJson(server.api('/api/rules', { method: 'POST', json: { id: 'tiered-wins', name: { en: 'Deals won, tiered', 'zh-CN': '赢单分档' }, logic: inline.rule } }), 201);
    const named = { ...CARD, dimensions: [RESULTS, { ...ACTIVITY, indicators: [{ ...inline, rule: { rule: 'tiered-wins' } }] }, CAPABILITY] };
    const preview = (definition: unknown) => expectJson<{ people: { rep_id: string; total: number }[] }>(server.api('/api/plugins/scorecard/preview', { method: 'POST', json: { definition, period: '2017-Q4', limit: 40 } }), 200);
    const [a, b] = [await preview(CARD), await preview(named)];
    expect(b.people.length).toBeGreaterThan(10);
    expect(b.people).toEqual(a.people);
    // the tiers matter: a rule that gives everyone 0 moves the totals
    await expectJson(server.api('/api/rules/tiered-wins', { method: 'PUT', json: { version: 1, logic: 0 } }), 200);
    expect((await preview(named)).people).not.toEqual(a.people);
    const ghost = { ...CARD, dimensions: [RESULTS, { ...ACTIVITY, indicators: [{ ...inline, rule: { if: [{ rule: 'no-such-rule' }, 100, 0] } }] }, CAPABILITY] };
    const p = await expectJson<Problem>(createCard(server.api, ghost), 422);
    expect(p.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/data/dimensions/1/indicators/0/rule/if/0', code: 'invalid-rule' })]));
    expect(p.errors?.find((e) => e.pointer === '/data/dimensions/1/indicators/0/rule/if/0')?.message).toContain('no-such-rule');
  });

  it('a saved scorecard pins the versions of the saved rules it names: compute uses them until it is saved again, and "used by" lists it with its pin', async () => {
    const inline = ACTIVITY.indicators[0]!;
    await expectJson(server.api('/api/rules', { method: 'POST', json: { id: 'tiered-pinned', name: { en: 'Deals won, tiered (pinned)', 'zh-CN': '赢单分档（锁定）' }, logic: inline.rule } }), 201);
    const plain = await expectJson<View>(createCard(server.api, { ...CARD, name: 'Inline rule' }), 201);
    const named = await expectJson<View>(createCard(server.api, { ...CARD, name: 'Saved rule', dimensions: [RESULTS, { ...ACTIVITY, indicators: [{ ...inline, rule: { rule: 'tiered-pinned' } }] }, CAPABILITY] }), 201);
    expect(plain.data.rule_versions).toBeUndefined();
    expect(named.data.rule_versions).toEqual({ 'tiered-pinned': 1 });
    const totals = async (id: string) => new Map((await expectJson<{ evaluations: { rep_id: string; total: number }[] }>(server.api(`/api/plugins/scorecard/scorecards/${id}/compute`, { method: 'POST', json: {} }), 200)).evaluations.map((e) => [e.rep_id, e.total]));
    const expected = await totals(plain.id);
    expect(expected.size).toBeGreaterThan(10);
    expect(await totals(named.id)).toEqual(expected);
    // A new version of the rule (everyone 0 points) does not change the saved scorecard's scores...
    await expectJson(server.api('/api/rules/tiered-pinned', { method: 'PUT', json: { version: 1, logic: 0 } }), 200);
    expect(await totals(named.id)).toEqual(expected);
    const uses = await expectJson<{ items: { kind: string; type?: string; record?: string; pinned?: number; pointer: string }[] }>(server.api('/api/rules/tiered-pinned/used-by'), 200);
    expect(uses.items).toEqual([{ kind: 'record', type: 'scorecard.scorecard', record: named.id, pinned: 1, pointer: '/data/dimensions/1/indicators/0/rule' }]);
    // ...until the scorecard is saved again: it pins version 2, and each person loses the tier's
    // points (40, 70 or 100) times the process dimension's weight (30%).
    const saved = await expectJson<View>(server.api(`/api/records/scorecard.scorecard/${named.id}`, { method: 'PATCH', headers: { 'if-match': `"${named.version}"` }, json: { data: {} } }), 200);
    expect(saved.data.rule_versions).toEqual({ 'tiered-pinned': 2 });
    const after = await totals(named.id);
    expect([...after.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [rep, total] of after) expect([12, 21, 30].map((d) => Math.abs(expected.get(rep)! - d - total)).some((e) => e < 0.011), `${rep}: ${expected.get(rep)} -> ${total}`).toBe(true);
    expect((await expectJson<{ items: { pinned?: number }[] }>(server.api('/api/rules/tiered-pinned/used-by'), 200)).items.map((u) => u.pinned)).toEqual([2]);
  });

  it('the preview computes without storing', async () => {
    const before = await expectJson<{ total: number }>(server.api('/api/records/scorecard.evaluation?total=true&limit=1'), 200);
    const p = await expectJson<{ people: { rep_id: string; total: number }[]; count: number }>(server.api('/api/plugins/scorecard/preview', { method: 'POST', json: { definition: CARD, period: '2017-Q4', limit: 5 } }), 200);
    expect(p.count).toBe(35);
    expect(p.people).toHaveLength(5);
    const after = await expectJson<{ total: number }>(server.api('/api/records/scorecard.evaluation?total=true&limit=1'), 200);
    expect(after.total).toBe(before.total);
  });

  it('review: ratings count, reasons are required after computation, calibration is audited and locks the computed part, the rep sees his only when published', async () => {
    const darcel = await demoUser('darcel-schlecht');
    const manager = await demoUser('melvin-marxen'); // Darcel's manager (Central)
    const otherManager = await demoUser('dustin-brinkmann');
    const peer = await demoUser('moses-frase');
    let ev = (await evaluationOf(server.api, card.id, 'darcel-schlecht', '2017-Q4'))!;
    // Before publication: the manager sees it, Darcel and another team's manager do not.
    expect((await manager(`/api/records/scorecard.evaluation/${ev.id}`)).status).toBe(200);
    expect((await darcel(`/api/records/scorecard.evaluation/${ev.id}`)).status).toBe(404);
    expect((await otherManager(`/api/records/scorecard.evaluation/${ev.id}`)).status).toBe(404);
    // Ratings: Darcel rates himself; a peer rates him and sees only his own rating; the manager rates.
    const scores = (n: number) => [{ dimension_id: 'capability', indicator_id: 'coaching', score: n }];
    await expectJson(darcel('/api/records/scorecard.rating', { method: 'POST', json: { data: { scorecard_id: card.id, rep_id: 'darcel-schlecht', period: '2017-Q4', relation: 'self', scores: scores(5) } } }), 201);
    const notSelf = await expectJson<Problem>(darcel('/api/records/scorecard.rating', { method: 'POST', json: { data: { scorecard_id: card.id, rep_id: 'moses-frase', period: '2017-Q4', relation: 'self', scores: scores(5) } } }), 422);
    expect(notSelf.errors?.[0]?.pointer).toBe('/data/rep_id');
    // Peers rate only once a manager assigned them (403 before), and Darcel is not his own peer.
    const unassigned = await peer('/api/records/scorecard.rating', { method: 'POST', json: { data: { scorecard_id: card.id, rep_id: 'darcel-schlecht', period: '2017-Q4', relation: 'peer', scores: scores(3) } } });
    expect(unassigned.status).toBe(403);
    expect(unassigned.headers.get('content-type')).toContain('application/problem+json');
    expect(((await unassigned.json()) as Problem & { code: string }).code).toBe('scorecard.not-assigned-peer');
    const selfPeer = await expectJson<Problem>(manager(`/api/plugins/scorecard/evaluations/${ev.id}/peers`, { method: 'POST', json: { peers: ['moses-frase', 'darcel-schlecht'] } }), 422);
    expect(selfPeer.errors?.map((e) => e.pointer)).toEqual(['/peers/1']);
    expect((await otherManager(`/api/plugins/scorecard/evaluations/${ev.id}/peers`, { method: 'POST', json: { peers: ['moses-frase'] } })).status).toBe(404);
    expect(await expectJson(manager(`/api/plugins/scorecard/evaluations/${ev.id}/peers`, { method: 'POST', json: { peers: ['moses-frase'] } }), 200)).toMatchObject({ peers: ['moses-frase'] });
    const assignments = await expectJson<{ items: Record<string, unknown>[] }>(peer('/api/plugins/scorecard/peer-reviews?period=2017-Q4'), 200);
    expect(assignments.items).toEqual([expect.objectContaining({ evaluation_id: ev.id, rep_id: 'darcel-schlecht', rep_name: 'Darcel Schlecht', scorecard: 'Field sales Q4', open: true })]);
    expect(JSON.stringify(assignments)).not.toContain('total');
    const peerRating = await expectJson<View>(peer('/api/records/scorecard.rating', { method: 'POST', json: { data: { scorecard_id: card.id, rep_id: 'darcel-schlecht', period: '2017-Q4', relation: 'peer', scores: scores(3) } } }), 201);
    expect(peerRating.data.rater_id).toBe('moses-frase');
    const peerSees = await expectJson<{ items: View[] }>(peer(`/api/records/scorecard.rating?filter[rep_id]=darcel-schlecht`), 200);
    expect(peerSees.items.map((r) => r.id)).toEqual([peerRating.id]);
    expect((await peer(`/api/records/scorecard.evaluation/${ev.id}`)).status).toBe(404);
    const peerAsManager = await expectJson<Problem>(peer('/api/records/scorecard.rating', { method: 'POST', json: { data: { scorecard_id: card.id, rep_id: 'darcel-schlecht', period: '2017-Q4', relation: 'manager', scores: scores(5) } } }), 422);
    expect(peerAsManager.errors?.[0]?.pointer).toBe('/data/relation');
    await expectJson(manager('/api/records/scorecard.rating', { method: 'POST', json: { data: { scorecard_id: card.id, rep_id: 'darcel-schlecht', period: '2017-Q4', relation: 'manager', scores: scores(4) } } }), 201);
    // Recompute (the manager, for his team): the manager's rating 4 is 75 points.
    const recomputed = await expectJson<typeof computed>(manager(`/api/plugins/scorecard/scorecards/${card.id}/compute`, { method: 'POST', json: {} }), 200);
    expect(recomputed.evaluations.every((e) => e.outcome === 'updated')).toBe(true);
    expect(recomputed.evaluations.length).toBeLessThan(35);
    expect(recomputed.warnings.map((w) => w.code)).toEqual(['forced-distribution-small']);
    ev = (await evaluationOf(server.api, card.id, 'darcel-schlecht', '2017-Q4'))!;
    const coaching = ev.data.dimensions.find((d: any) => d.id === 'capability').indicators[0];
    expect(coaching.raw).toBe(4);
    expect(coaching.score).toBe(75);
    expect(coaching.explanation.ratings).toEqual([{ rater_id: 'melvin-marxen', score: 4 }]);
    expect(ev.data.reasons.at(-1).reason).toContain('Recomputed');
    // A change after computation needs a reason.
    const noReason = await expectJson<Problem>(manager(`/api/records/scorecard.evaluation/${ev.id}`, { method: 'PATCH', headers: { 'if-match': `"${ev.version}"` }, json: { data: { comment: 'Strong quarter' } } }), 422);
    expect(noReason.errors?.map((e) => e.pointer)).toEqual(['/data/change_reason']);
    ev = await expectJson<View>(manager(`/api/records/scorecard.evaluation/${ev.id}`, { method: 'PATCH', headers: { 'if-match': `"${ev.version}"` }, json: { data: { comment: 'Strong quarter', change_reason: 'Manager comment after the 1:1' } } }), 200);
    expect(ev.data.reasons.at(-1)).toMatchObject({ reason: 'Manager comment after the 1:1', fields: ['comment'], by: 'user:melvin-marxen' });
    // Nobody but the process publishes.
    const selfPublish = await expectJson<Problem>(manager(`/api/records/scorecard.evaluation/${ev.id}`, { method: 'PATCH', headers: { 'if-match': `"${ev.version}"` }, json: { data: { published: true, change_reason: 'shortcut' } } }), 422);
    expect(selfPublish.errors?.map((e) => e.pointer)).toContain('/data/published');
    // The review, as the process runtime runs it.
    const move = async (to: string, data?: Record<string, unknown>) => {
      ev = await expectJson<View>(manager(`/api/records/scorecard.evaluation/${ev.id}/transitions`, { method: 'POST', headers: { 'if-match': `"${ev.version}"` }, json: { to, ...(data ? { data } : {}) } }), 200).then((r: any) => r.record ?? r);
      ev = await expectJson<View>(manager(`/api/records/scorecard.evaluation/${ev.id}`), 200);
    };
    const repMove = await darcel(`/api/records/scorecard.evaluation/${ev.id}/transitions`, { method: 'POST', headers: { 'if-match': `"${ev.version}"` }, json: { to: 'peer_review' } });
    expect(repMove.status).toBe(404);
    await move('peer_review');
    await move('manager_review');
    await move('calibration');
    expect(ev.stage).toBe('calibration');
    // Calibration: a move with a reason, audited; the computed part stays.
    const computedTotal = ev.data.computed_total as number;
    const noWhy = await expectJson<Problem>(manager(`/api/plugins/scorecard/evaluations/${ev.id}/calibrate`, { method: 'POST', json: { total: 90 } }), 422);
    expect(noWhy.errors?.map((e) => e.pointer)).toContain('/reason');
    const cal = await expectJson<{ total: number; adjustment: number; computed_total: number }>(manager(`/api/plugins/scorecard/evaluations/${ev.id}/calibrate`, { method: 'POST', json: { total: 90, reason: 'Carried the Central office in December' } }), 200);
    expect(cal).toMatchObject({ total: 90, computed_total: computedTotal });
    expect(cal.adjustment).toBeCloseTo(90 - computedTotal, 2);
    const events = await expectJson<{ items: { actor: string; after: { data: Record<string, any> } | null }[] }>(server.api(`/api/records/scorecard.evaluation/${ev.id}/events`), 200);
    const last = events.items.find((e) => e.after?.data.total === 90);
    expect(last?.actor).toMatch(/^token:/); // the platform's audit names the manager's API token
    expect(last?.after?.data.calibration.at(-1)).toMatchObject({ from: computedTotal, to: 90, reason: 'Carried the Central office in December', by: 'user:melvin-marxen' });
    // Locked: a recompute keeps it.
    const again = await expectJson<typeof computed>(server.api(`/api/plugins/scorecard/scorecards/${card.id}/compute`, { method: 'POST', json: {} }), 200);
    expect(again.evaluations.find((e) => e.rep_id === 'darcel-schlecht')).toMatchObject({ outcome: 'locked', total: 90 });
    // A content change riding on a move needs a reason too.
    expect((await darcel(`/api/records/scorecard.evaluation/${ev.id}`)).status).toBe(404);
    ev = await expectJson<View>(manager(`/api/records/scorecard.evaluation/${ev.id}`), 200);
    const sneaky = await expectJson<Problem>(manager(`/api/records/scorecard.evaluation/${ev.id}/transitions`, { method: 'POST', headers: { 'if-match': `"${ev.version}"` }, json: { to: 'published', data: { total: 99 } } }), 422);
    expect(sneaky.errors?.map((e) => e.pointer)).toContain('/data/change_reason');
    // The publish move marks it published (the plugin's hook on the transition); then Darcel sees his, with the breakdown.
    await move('published');
    expect(ev.stage).toBe('published');
    expect(ev.data.published).toBe(true);
    expect(ev.data.published_at).toEqual(expect.any(String));
    const mine = await expectJson<View>(darcel(`/api/records/scorecard.evaluation/${ev.id}`), 200);
    expect(mine.data.total).toBe(90);
    expect(mine.data.dimensions.map((d: any) => d.id)).toEqual(['results', 'process', 'capability']);
    const myList = await expectJson<{ items: View[] }>(darcel('/api/records/scorecard.evaluation'), 200);
    expect(myList.items.map((i) => i.data.rep_id)).toEqual(['darcel-schlecht']);
    // The publish move's action tells him (after commit, on the job queue), in his language.
    let notes: { kind: string; title: string; record: { id: string } | null }[] = [];
    for (let i = 0; i < 300 && !notes.some((n) => n.kind === 'scorecard.published'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      notes = (await expectJson<{ items: typeof notes }>(darcel('/api/notifications'), 200)).items;
    }
    expect(notes.find((n) => n.kind === 'scorecard.published')).toMatchObject({ title: 'Your evaluation for 2017-Q4 is published', record: { id: ev.id } });
    expect((notes.find((n) => n.kind === 'scorecard.published') as unknown as { data: { i18n: { title: Record<string, string> } } }).data.i18n.title['zh-CN']).toBe('您 2017-Q4 的评估已发布');
    expect(await expectJson<{ items: unknown[] }>(server.api('/api/incidents'), 200)).toMatchObject({ items: [] });
    // Read-only for him.
    expect((await darcel(`/api/records/scorecard.evaluation/${ev.id}`, { method: 'PATCH', headers: { 'if-match': `"${mine.version}"` }, json: { data: { total: 100, change_reason: 'I think so' } } })).status).toBe(403);
  });

  it('the review assigns peers to an evaluation whose manager assigned none: the next two of his team by name (from the CSV)', async () => {
    const manager = await demoUser('melvin-marxen');
    const team = agents.filter((a) => a.manager === 'Melvin Marxen').map((a) => a.sales_agent!).sort((a, b) => a.localeCompare(b));
    const at = team.indexOf('Gladys Colclough');
    const expected = [...team.slice(at + 1), ...team.slice(0, at)].slice(0, 2).map(slug);
    let ev = (await evaluationOf(server.api, card.id, 'gladys-colclough', '2017-Q4'))!;
    expect(ev.data.peers).toBeUndefined();
    await expectJson(manager(`/api/records/scorecard.evaluation/${ev.id}/transitions`, { method: 'POST', headers: { 'if-match': `"${ev.version}"` }, json: { to: 'peer_review' } }), 200);
    for (let i = 0; i < 300 && !ev.data.peers; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ev = (await evaluationOf(server.api, card.id, 'gladys-colclough', '2017-Q4'))!;
    }
    expect(ev.data.peers).toEqual(expected);
    expect(ev.data.reasons.at(-1).reason).toContain('Peers assigned by the review');
    // The first of them now has her to rate.
    const first = await demoUser(expected[0]!);
    const list = await expectJson<{ items: { rep_id: string }[] }>(first('/api/plugins/scorecard/peer-reviews?period=2017-Q4'), 200);
    expect(list.items.map((x) => x.rep_id)).toContain('gladys-colclough');
  });
});
