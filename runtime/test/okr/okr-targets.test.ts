import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSecret, sha256 } from '../../src/auth/secrets';
import { TOKEN_PREFIX } from '../../src/auth/tokens';
import { seedDemo } from '../../src/demo/seed';
import { backends, startServer, type ApiFetch, type TestServer } from '../harness';
import { expectJson } from '../process/helpers';

/**
 * Sales targets on the demo data (issue 15): the demo's won-value targets for 2017 Q3/Q4 and
 * their months, their actuals and attainment, the leaderboard order and the bottom-up check,
 * each against the raw CSV (plain splitting and addition, no platform code); the scope tree of
 * the grid; the CSV upload (check, per-row problems naming the column, all-or-nothing import).
 * The harness keeps the data set's own dates (PIPEWRIGHT_DEMO_SHIFT_YEARS=0).
 */
const DATA = '/work/shared/datasets/crm-sales-opportunities';
const rows = (file: string) => {
  const [head, ...lines] = readFileSync(`${DATA}/${file}`, 'utf8').trim().split(/\r?\n/);
  const cols = (head ?? '').split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])) as Record<string, string>);
};
const agents = rows('sales_teams.csv');
const deals = rows('sales_pipeline.csv');
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const DATES: Record<string, [string, string]> = {
  '2017-Q3': ['2017-07-01', '2017-09-30'],
  '2017-Q4': ['2017-10-01', '2017-12-31'],
  '2017-07': ['2017-07-01', '2017-07-31'],
  '2017-08': ['2017-08-01', '2017-08-31'],
  '2017-09': ['2017-09-01', '2017-09-30'],
  '2017-10': ['2017-10-01', '2017-10-31'],
  '2017-11': ['2017-11-01', '2017-11-30'],
  '2017-12': ['2017-12-01', '2017-12-31'],
};
/** Won value in a period of the agents a scope key (`unit:company`, `unit:region-x`, `unit:team-x`, `user:x`) covers, from the CSV. */
function csvWon(scope: string, period: string): number {
  const [from, to] = DATES[period] ?? ['', ''];
  const covered = new Set(
    agents
      .filter((a) => scope === 'unit:company' || scope === `unit:region-${slug(a.regional_office ?? '')}` || scope === `unit:team-${slug(a.manager ?? '')}` || scope === `user:${slug(a.sales_agent ?? '')}`)
      .map((a) => a.sales_agent),
  );
  return deals.filter((d) => d.deal_stage === 'Won' && covered.has(d.sales_agent) && (d.close_date ?? '') >= from && (d.close_date ?? '') <= to).reduce((s, d) => s + Number(d.close_value), 0);
}

interface Target {
  id: string;
  version: number;
  data: { metric: string; period: string; scope_unit?: string; scope_user?: string; value: number; key: string };
  computed?: { actual: number; attainment: number | null; from: string; to: string };
}
const scopeOf = (t: Target) => (t.data.scope_user ? `user:${t.data.scope_user}` : `unit:${t.data.scope_unit}`);

describe.each(backends())('sales targets on the demo data equal the CSV on $name', (backend) => {
  let server: TestServer;
  let targets: Target[];
  const as = async (userId: string, scopes = ['read', 'write']): Promise<ApiFetch> => {
    const secret = randomSecret(TOKEN_PREFIX);
    await server.platform.database.db.insertInto('api_tokens').values({ id: crypto.randomUUID(), user_id: userId, name: 't', scopes: JSON.stringify(scopes), token_hash: sha256(secret), created_by: 'system:test', created_at: new Date() }).execute();
    server.canaries.push(secret);
    return (path, init = {}) => {
      const { json, ...rest } = init;
      return fetch(server.url + path, { ...rest, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', ...(rest.headers as Record<string, string> | undefined) }, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
    };
  };
  const list = async (api: ApiFetch, periods: string[]) => (await expectJson<{ items: Target[] }>(api(`/api/records/okr.target?filter[metric]=pipeline.won_value&filter[period][in]=${periods.join(',')}&limit=1000`), 200)).items;

  beforeAll(async () => {
    server = await startServer(backend);
    await seedDemo(server.platform);
    targets = await list(server.api, Object.keys(DATES));
  }, 300_000);
  afterAll(() => server?.close());

  it('seeds a won-value target per company, office, team and rep for 2017 Q3, Q4 and their months, and each actual is the CSV won value of its scope and period', () => {
    const scopes = 1 + new Set(agents.map((a) => a.regional_office)).size + new Set(agents.map((a) => a.manager)).size + agents.length;
    expect(targets).toHaveLength(scopes * 8);
    for (const t of targets) {
      // the key the plugin would set (one target per metric, period and scope)
      expect(t.data.key).toBe(`pipeline.won_value|${t.data.period}|${scopeOf(t)}`);
      expect(t.computed?.actual, `${scopeOf(t)} ${t.data.period}`).toBe(csvWon(scopeOf(t), t.data.period));
      expect(t.computed?.attainment).toBeCloseTo(csvWon(scopeOf(t), t.data.period) / t.data.value, 12);
    }
    // not all zero: the quarter has won deals
    expect(targets.find((t) => t.data.scope_unit === 'company' && t.data.period === '2017-Q3')?.computed?.actual).toBeGreaterThan(1_000_000);
  });

  it('a rep reads the same actuals for everyone (targets are published; actuals are computed as the plugin)', async () => {
    const rep = await as(slug(agents[0]?.sales_agent ?? ''));
    const seen = await list(rep, ['2017-Q3']);
    expect(seen).toHaveLength(targets.filter((t) => t.data.period === '2017-Q3').length);
    for (const t of seen) expect(t.computed?.actual).toBe(csvWon(scopeOf(t), '2017-Q3'));
  });

  it("the leaderboard order (people by attainment, then won value, then name) matches the CSV's", () => {
    const names = new Map(agents.map((a) => [`user:${slug(a.sales_agent ?? '')}`, a.sales_agent ?? '']));
    const fromApi = targets.filter((t) => t.data.period === '2017-Q3' && t.data.scope_user).map((t) => ({ scope: scopeOf(t), att: (t.computed?.actual ?? 0) / t.data.value, actual: t.computed?.actual ?? 0 }));
    const fromCsv = targets.filter((t) => t.data.period === '2017-Q3' && t.data.scope_user).map((t) => ({ scope: scopeOf(t), att: csvWon(scopeOf(t), '2017-Q3') / t.data.value, actual: csvWon(scopeOf(t), '2017-Q3') }));
    const order = (r: typeof fromApi) => [...r].sort((a, b) => b.att - a.att || b.actual - a.actual || (names.get(a.scope) ?? '').localeCompare(names.get(b.scope) ?? '')).map((x) => x.scope);
    expect(order(fromApi)).toEqual(order(fromCsv));
    expect(fromApi.length).toBe(agents.length);
  });

  it('the demo targets add up bottom-up (each unit equals the sum under it)', async () => {
    for (const period of ['2017-Q3', '2017-10']) {
      const check = await expectJson<{ rows: { scope: string; value: number; childrenSum: number; children: number; difference: number }[] }>(server.api(`/api/plugins/okr/targets/check?metric=pipeline.won_value&period=${period}`), 200);
      expect(check.rows.length).toBe(1 + new Set(agents.map((a) => a.regional_office)).size + new Set(agents.map((a) => a.manager)).size);
      for (const r of check.rows) expect([r.scope, r.difference]).toEqual([r.scope, 0]);
    }
  });

  it("the grid's scope tree lists the company, its offices, their teams and each team's reps, depth first", async () => {
    const { scopes } = await expectJson<{ scopes: { scope: string; kind: string; name: string; parent: string | null; depth: number }[] }>(server.api('/api/plugins/okr/targets/scopes'), 200);
    expect(scopes[0]).toMatchObject({ scope: 'unit:company', kind: 'company', parent: null, depth: 0 });
    expect(scopes.filter((s) => s.kind === 'office').map((s) => s.name).sort()).toEqual([...new Set(agents.map((a) => a.regional_office ?? ''))].sort());
    expect(scopes.filter((s) => s.kind === 'person').map((s) => s.name).sort()).toEqual(agents.map((a) => a.sales_agent ?? '').sort());
    for (const a of agents) expect(scopes.find((s) => s.scope === `user:${slug(a.sales_agent ?? '')}`)?.parent, a.sales_agent).toBe(`unit:team-${slug(a.manager ?? '')}`);
    // depth first: every scope comes after its parent, directly under its parent's subtree
    for (const [i, s] of scopes.entries()) if (s.parent) expect(scopes.findIndex((p) => p.scope === s.parent)).toBeLessThan(i);
  });

  describe('CSV upload', () => {
    const team = agents.filter((a) => a.manager === 'Dustin Brinkmann').map((a) => slug(a.sales_agent ?? ''));
    it('checks every row and names the column of each problem; nothing is written', async () => {
      const manager = await as('dustin-brinkmann');
      const csv = ['period,scope_user,scope_unit,value', `2017-Q2,${team[0]},,1000`, `2017-13,${team[1]},,5`, `2017-Q2,${team[2]},,lots`, '2017-Q2,nobody,,5', '2017-Q2,,region-west,5', `2017-Q2,${team[0]},,7`, `2017-Q3,${team[1]},,99`].join('\n');
      const res = await expectJson<{ rows: { line: number; value: number | null; existing: number | null; problems: { column: string; code: string }[] }[]; created: number }>(manager('/api/plugins/okr/targets/upload', { method: 'POST', json: { csv, commit: false } }), 200);
      expect(res.rows.map((r) => [r.line, r.problems.map((p) => `${p.column}:${p.code}`)])).toEqual([
        [2, []],
        [3, ['period:bad-period']],
        [4, ['value:bad-value']],
        [5, ['scope_user:unknown-scope']],
        [6, ['scope_unit:out-of-reach']],
        [7, ['scope_user:duplicate']],
        [8, []],
      ]);
      // the Q3 row replaces the demo target of that rep
      expect(res.rows[6]?.existing).toBe(targets.find((t) => t.data.scope_user === team[1] && t.data.period === '2017-Q3')?.data.value);
      expect(res.rows[0]?.existing).toBeNull();
      expect(res.created).toBe(0);
      expect(await list(server.api, ['2017-Q2'])).toHaveLength(0);
      // importing it is refused whole, naming line and column
      const refused = await manager('/api/plugins/okr/targets/upload', { method: 'POST', json: { csv, commit: true } });
      expect(refused.status).toBe(422);
      const problem = (await refused.json()) as { errors: { pointer: string }[] };
      expect(problem.errors.map((e) => e.pointer)).toEqual(['/csv/3/period', '/csv/4/value', '/csv/5/scope_user', '/csv/6/scope_unit', '/csv/7/scope_user']);
      expect(await list(server.api, ['2017-Q2'])).toHaveLength(0);
    });

    it('imports a clean file at once: new targets created, existing ones replaced, each with its actual from the metric layer', async () => {
      const manager = await as('dustin-brinkmann');
      const csv = ['metric,period,scope_user,value', ...team.map((id, i) => `pipeline.won_value,2017-Q2,${id},${(i + 1) * 10_000}`), `pipeline.won_value,2017-Q3,${team[0]},123456`].join('\r\n');
      const res = await expectJson<{ created: number; updated: number }>(manager('/api/plugins/okr/targets/upload', { method: 'POST', json: { csv, commit: true } }), 200);
      expect([res.created, res.updated]).toEqual([team.length, 1]);
      const q2 = await list(server.api, ['2017-Q2']);
      const [from, to] = ['2017-04-01', '2017-06-30'];
      for (const [i, id] of team.entries()) {
        const t = q2.find((x) => x.data.scope_user === id);
        expect(t?.data.value).toBe((i + 1) * 10_000);
        const name = agents.find((a) => slug(a.sales_agent ?? '') === id)?.sales_agent;
        expect(t?.computed?.actual).toBe(deals.filter((d) => d.deal_stage === 'Won' && d.sales_agent === name && (d.close_date ?? '') >= from && (d.close_date ?? '') <= to).reduce((s, d) => s + Number(d.close_value), 0));
      }
      const replaced = (await list(server.api, ['2017-Q3'])).find((t) => t.data.scope_user === team[0]);
      expect(replaced?.data.value).toBe(123456);
      expect(replaced?.version).toBe(2);
    });

    it('refuses a file without the needed columns (422 naming them) and a rep (403)', async () => {
      const res = await server.api('/api/plugins/okr/targets/upload', { method: 'POST', json: { csv: 'when,who,amount\n2017-Q2,x,1', commit: false } });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { errors: { message: string }[] }).errors.map((e) => e.message)).toEqual(['missing column "period"', 'missing column "value"', 'missing column "scope_unit|scope_user"']);
      const rep = await as(team[0] ?? '');
      expect((await rep('/api/plugins/okr/targets/upload', { method: 'POST', json: { csv: 'period,scope_user,value\n2017-Q2,x,1', commit: false } })).status).toBe(403);
      const bad = await server.api('/api/plugins/okr/targets/upload', { method: 'POST', json: { csv: 1, commit: false } });
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toContain("/csv");
    });
  });
});

describe.each(backends())('demo targets with the demo year shift (as on a fresh npm start) on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_DEMO_SHIFT_YEARS: '9' });
    await seedDemo(server.platform);
  }, 300_000);
  afterAll(() => server?.close());

  it("move with the deals: 2026 Q3 and its months, keyed by the shifted period, each with the CSV's 2017 figure", async () => {
    const items = (await expectJson<{ items: Target[] }>(server.api('/api/records/okr.target?filter[period][in]=2017-Q3,2026-Q3,2026-07&limit=1000'), 200)).items;
    expect(items.some((t) => t.data.period === '2017-Q3')).toBe(false);
    const q3 = items.filter((t) => t.data.period === '2026-Q3');
    expect(q3.length).toBe(1 + new Set(agents.map((a) => a.regional_office)).size + new Set(agents.map((a) => a.manager)).size + agents.length);
    for (const t of [...q3, ...items.filter((x) => x.data.period === '2026-07')]) {
      expect(t.data.key).toBe(`pipeline.won_value|${t.data.period}|${scopeOf(t)}`);
      expect(t.computed?.actual, `${scopeOf(t)} ${t.data.period}`).toBe(csvWon(scopeOf(t), t.data.period.replace('2026', '2017')));
      expect(t.computed?.from.slice(0, 4)).toBe('2026');
    }
  });
});
