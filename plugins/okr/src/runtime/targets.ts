import type { HookProblem, PluginOrgUnit, PluginRecord, PluginRoute, PluginServices, RecordHooks } from '@pipewright/plugin-sdk';
import { scopeProblems } from './access';
import { DIMENSION_OF_UNIT_KIND, listAll } from './compute';

export const TARGET = 'okr.target';

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const pad = (n: number) => String(n).padStart(2, '0');

/** First and last day of a month (`2017-07`) or quarter (`2017-Q3`); null if malformed. */
export function periodDates(period: string): { from: string; to: string } | null {
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (!q && !m) return null;
  const year = Number((q ?? m)?.[1]);
  const first = q ? (Number(q[2]) - 1) * 3 + 1 : Number(m?.[2]);
  const last = q ? first + 2 : first;
  const end = new Date(Date.UTC(year, last, 0)).getUTCDate();
  return { from: `${year}-${pad(first)}-01`, to: `${year}-${pad(last)}-${pad(end)}` };
}

const scopeOf = (d: Record<string, unknown>) => (str(d.scope_user) ? `user:${String(d.scope_user)}` : str(d.scope_unit) ? `unit:${String(d.scope_unit)}` : 'company');

/** The metric query of a target and the cell of its row (the scope as a groupBy, as for metric key results). */
function binding(t: PluginRecord, units: ReadonlyMap<string, PluginOrgUnit>): { query: { metrics: string[]; from: string; to: string; groupBy?: string[] }; cell: Record<string, string> | null } | null {
  const dates = periodDates(String(t.data.period ?? ''));
  const metric = str(t.data.metric);
  if (!dates || !metric) return null;
  const query = { metrics: [metric], ...dates };
  const user = str(t.data.scope_user);
  if (user) return { query: { ...query, groupBy: ['owner'] }, cell: { owner_id: user } };
  const unit = str(t.data.scope_unit);
  if (!unit) return { query, cell: null };
  const dim = DIMENSION_OF_UNIT_KIND[units.get(unit)?.kind ?? ''];
  if (dim === undefined) return null;
  return dim === null ? { query, cell: null } : { query: { ...query, groupBy: [dim] }, cell: { [`${dim}_id`]: unit } };
}

/** Attainment of a page of targets: one metric query per distinct (metric, period, dimension). */
export async function targetValues(targets: readonly PluginRecord[], s: PluginServices): Promise<Map<string, Record<string, unknown>>> {
  const units = new Map((await s.directory.orgUnits()).map((u) => [u.id, u]));
  const groups = new Map<string, { query: Record<string, unknown>; members: { t: PluginRecord; cell: Record<string, string> | null }[] }>();
  for (const t of targets) {
    const b = binding(t, units);
    if (!b) continue;
    const key = JSON.stringify(b.query);
    const g = groups.get(key) ?? { query: b.query as Record<string, unknown>, members: [] as { t: PluginRecord; cell: Record<string, string> | null }[] };
    g.members.push({ t, cell: b.cell });
    groups.set(key, g);
  }
  const out = new Map<string, Record<string, unknown>>();
  for (const { query, members } of groups.values()) {
    const { rows, asOf } = await s.metrics.query(query);
    const metric = (query.metrics as string[])[0] ?? '';
    for (const { t, cell } of members) {
      const row = cell ? rows.find((r) => Object.entries(cell).every(([k, v]) => r[k] === v)) : rows[0];
      const actual = row ? (num(row[metric]) ?? 0) : 0;
      const value = num(t.data.value) ?? 0;
      out.set(t.id, { actual, attainment: value > 0 ? actual / value : null, from: query.from, to: query.to, asOf });
    }
  }
  return out;
}

/** Targets: one per metric, period and scope (the key); a scope within the writer's reach; a metric of the metric layer. */
export const targetHooks: RecordHooks = {
  beforeChange(change) {
    if (change.operation === 'delete') return;
    return { ...change.data, key: `${String(change.data.metric ?? '')}|${String(change.data.period ?? '')}|${scopeOf(change.data)}` };
  },
  async validate(change, s) {
    if (change.operation === 'delete') return [];
    const problems: HookProblem[] = [];
    const c = s.caller;
    if (c.userId !== null && !c.roles.includes('admin') && !c.roles.includes('manager')) problems.push({ pointer: '', message: 'admins and managers set sales targets', code: 'okr.targets-managers-only' });
    problems.push(...(await scopeProblems(change.data, s)));
    try {
      await s.metrics.query({ metrics: [change.data.metric] });
    } catch {
      problems.push({ pointer: '/data/metric', message: `"${String(change.data.metric)}" is not a metric of the metric layer`, code: 'okr.unknown-metric' });
    }
    return problems;
  },
};

/** The scopes one level under a unit: its child units, or for a team its people. */
async function childScopes(s: PluginServices, unitId: string): Promise<{ scope_unit?: string; scope_user?: string }[]> {
  const units = await s.directory.orgUnits();
  const children = units.filter((u) => u.parentId === unitId && DIMENSION_OF_UNIT_KIND[u.kind] !== undefined);
  if (children.length > 0) return children.map((u) => ({ scope_unit: u.id }));
  return (await s.directory.users({ under: unitId })).filter((u) => u.active && u.orgUnitId === unitId && u.roles.includes('rep')).map((u) => ({ scope_user: u.id }));
}

const targetQuery = { metric: { type: 'string', pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$', required: true }, period: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2]|Q[1-4])$', required: true } } as const;

/** One row of the target grid's scope tree. */
export interface TargetScope {
  scope: string;
  kind: 'company' | 'office' | 'team' | 'person';
  name: string;
  parent: string | null;
  depth: number;
}

/**
 * The scopes targets are set for, depth first (company, offices, teams, each team's reps), as
 * the split and check see them: units of the kinds the metric layer splits by, and under a team
 * its active reps. The org tree and people's names are open to every signed-in user.
 */
export async function targetScopes(s: PluginServices): Promise<TargetScope[]> {
  const units = (await s.directory.orgUnits()).filter((u) => DIMENSION_OF_UNIT_KIND[u.kind] !== undefined);
  const reps = (await s.directory.users({ role: 'rep' })).filter((u) => u.active);
  const KIND: Record<string, TargetScope['kind']> = { company: 'company', region: 'office', team: 'team' };
  const out: TargetScope[] = [];
  const byName = <T extends { name: string; id: string }>(a: T, b: T) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  const walk = (parentId: string | null, parent: string | null, depth: number) => {
    const ids = new Set(units.map((u) => u.id));
    // Roots: units without a parent among the kinds targets are set for.
    for (const u of units.filter((x) => (parentId === null ? x.parentId === null || !ids.has(x.parentId) : x.parentId === parentId)).sort(byName)) {
      out.push({ scope: `unit:${u.id}`, kind: KIND[u.kind] ?? 'team', name: u.name, parent, depth });
      const children = units.filter((x) => x.parentId === u.id);
      if (children.length > 0) walk(u.id, `unit:${u.id}`, depth + 1);
      else for (const r of reps.filter((x) => x.orgUnitId === u.id).sort(byName)) out.push({ scope: `user:${r.id}`, kind: 'person', name: r.name, parent: `unit:${u.id}`, depth: depth + 1 });
    }
  };
  walk(null, null, 0);
  return out;
}

/** Routes of sales targets: the scope tree, the bottom-up check and the top-down split. */
export function targetRoutes(): PluginRoute[] {
  return [
    {
      method: 'get',
      path: '/targets/scopes',
      summary: 'The scopes sales targets are set for, depth first: the company, its offices, their teams and each team\'s reps, with names',
      response: { type: 'object', required: ['scopes'], properties: { scopes: { type: 'array', items: { type: 'object', required: ['scope', 'kind', 'name', 'parent', 'depth'], properties: { scope: { type: 'string' }, kind: { type: 'string', enum: ['company', 'office', 'team', 'person'] }, name: { type: 'string' }, parent: { type: ['string', 'null'] }, depth: { type: 'integer' } } } } } },
      handler: async (ctx) => ({ scopes: await targetScopes(ctx) }),
    },
    {
      method: 'get',
      path: '/targets/check',
      summary: "Bottom-up check of a metric's targets in a period: each unit's target beside the sum of the targets one level under it",
      query: targetQuery,
      response: { type: 'object', required: ['rows'], properties: { rows: { type: 'array', items: { type: 'object', required: ['scope', 'value', 'childrenSum', 'children', 'difference'], properties: { scope: { type: 'string' }, value: { type: 'number' }, childrenSum: { type: 'number' }, children: { type: 'integer' }, difference: { type: 'number' } } } } } },
      async handler(ctx) {
        const targets = await listAll(ctx, TARGET, { metric: ctx.query.metric ?? '', period: ctx.query.period ?? '' });
        const byScope = new Map(targets.map((t) => [scopeOf(t.data), num(t.data.value) ?? 0]));
        const rows = [];
        for (const t of targets) {
          const unit = str(t.data.scope_unit);
          if (!unit) continue;
          const children = (await childScopes(ctx, unit)).map((c) => (c.scope_user ? `user:${c.scope_user}` : `unit:${String(c.scope_unit)}`)).filter((k) => byScope.has(k));
          const childrenSum = children.reduce((sum, k) => sum + (byScope.get(k) ?? 0), 0);
          const value = num(t.data.value) ?? 0;
          rows.push({ scope: `unit:${unit}`, value, childrenSum, children: children.length, difference: value - childrenSum });
        }
        return { rows };
      },
    },
    {
      method: 'post',
      path: '/targets/split',
      summary: "Top-down split: divides a unit's target among the scopes one level under it (child units, or a team's reps), equally or by weights, creating or replacing their targets",
      body: {
        type: 'object',
        required: ['metric', 'period', 'scope_unit'],
        additionalProperties: false,
        properties: {
          metric: { type: 'string', pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$' },
          period: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2]|Q[1-4])$' },
          scope_unit: { type: 'string', minLength: 1, maxLength: 100 },
          weights: { type: 'object', additionalProperties: { type: 'number', minimum: 0 }, description: 'Weight per child scope id (unit or user id); default equal.' },
        },
      },
      response: { type: 'object', required: ['targets'], properties: { targets: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, scope: { type: 'string' }, value: { type: 'number' } } } } } },
      async handler(ctx) {
        const { metric, period, scope_unit: unit } = ctx.body as { metric: string; period: string; scope_unit: string };
        const weights = (ctx.body.weights ?? {}) as Record<string, number>;
        const parent = (await listAll(ctx, TARGET, { key: `${metric}|${period}|unit:${unit}` }))[0];
        if (!parent) throw Object.assign(new Error(`No ${metric} target for ${unit} in ${period} to split.`), { code: 'okr.no-target', kind: 'user', status: 404, details: [{ pointer: '/scope_unit', message: 'has no target for this metric and period' }], extensions: {} });
        const children = await childScopes(ctx, unit);
        const w = children.map((c) => weights[c.scope_user ?? c.scope_unit ?? ''] ?? (Object.keys(weights).length ? 0 : 1));
        const total = w.reduce((a, b) => a + b, 0);
        if (children.length === 0 || total === 0) throw Object.assign(new Error('Nothing to split into.'), { code: 'okr.nothing-to-split', kind: 'user', status: 422, details: [{ pointer: Object.keys(weights).length ? '/weights' : '/scope_unit', message: 'no scope under this unit gets a share' }], extensions: {} });
        const value = num(parent.data.value) ?? 0;
        // Cents-exact: the shares are rounded to 2 decimals and the remainder goes to the last.
        const shares = w.map((x) => Math.round((value * x * 100) / total) / 100);
        shares[shares.length - 1] = Math.round((value - shares.slice(0, -1).reduce((a, b) => a + b, 0)) * 100) / 100;
        const out = [];
        for (const [i, c] of children.entries()) {
          const data = { metric, period, ...c, value: shares[i] ?? 0 };
          const existing = (await listAll(ctx, TARGET, { key: `${metric}|${period}|${c.scope_user ? `user:${c.scope_user}` : `unit:${String(c.scope_unit)}`}` }))[0];
          const rec = existing ? await ctx.records.update(TARGET, existing.id, { data: { value: data.value } }, { expectedVersion: existing.version }) : await ctx.records.create(TARGET, { data });
          out.push({ id: rec.id, scope: scopeOf(rec.data), value: Number(rec.data.value) });
        }
        return { targets: out };
      },
    },
  ];
}
