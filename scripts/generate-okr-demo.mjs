// Writes the okr plugin's demo sales targets (plugins/okr/demo/targets.demo.json): won-value
// targets for 2017 Q3 and Q4 and their months, per rep, team, office and the company. A rep's
// quarter target is his won value of the quarter before plus 10 %, rounded up to 5,000 (at least
// 20,000); a team's is the sum of its reps', an office's the sum of its teams', the company's the
// sum of its offices', so the bottom-up check holds; a quarter's months take 30 %, 33 % and the
// rest. Deterministic: run it again and the file does not change. See plugins/okr/demo/README.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

const DATA = new URL('../runtime/demo/crm-sales-opportunities/', import.meta.url);
const OUT = new URL('../plugins/okr/demo/targets.demo.json', import.meta.url);
const read = (f) => parse(readFileSync(new URL(f, DATA), 'utf8'), { columns: true, bom: true, skip_empty_lines: true });
const slug = (s) => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

const teams = read('sales_teams.csv');
const deals = read('sales_pipeline.csv');
const QUARTERS = [
  { period: '2017-Q3', before: ['2017-04-01', '2017-06-30'], months: ['2017-07', '2017-08', '2017-09'] },
  { period: '2017-Q4', before: ['2017-07-01', '2017-09-30'], months: ['2017-10', '2017-11', '2017-12'] },
];
const cents = (v) => Math.round(v * 100) / 100;
const rows = [];
// The importer does not run plugin hooks, so the key the plugin would set (metric|period|scope,
// unique) is built by the mapping's template from the (shifted) period and a scope column; each
// target sits in its scope's unit (a rep's: his team), so the managers above it may edit it.
const add = (period, scope, value) => rows.push({ metric: 'pipeline.won_value', period, scope_unit: scope.unit ?? null, scope_user: scope.user ?? null, value, scope: scope.user ? `user:${scope.user}` : `unit:${scope.unit}`, org_unit: scope.unit ?? scope.team });

for (const q of QUARTERS) {
  const won = new Map();
  for (const d of deals) if (d.deal_stage === 'Won' && d.close_date >= q.before[0] && d.close_date <= q.before[1]) won.set(d.sales_agent, (won.get(d.sales_agent) ?? 0) + Number(d.close_value));
  const rep = new Map(teams.map((t) => [t.sales_agent, Math.max(20_000, Math.ceil(((won.get(t.sales_agent) ?? 0) * 1.1) / 5_000) * 5_000)]));
  const sum = (keep) => teams.filter(keep).reduce((s, t) => s + (rep.get(t.sales_agent) ?? 0), 0);
  const scopes = [{ scope: { unit: 'company' }, value: sum(() => true) }];
  for (const office of [...new Set(teams.map((t) => t.regional_office))]) scopes.push({ scope: { unit: `region-${slug(office)}` }, value: sum((t) => t.regional_office === office) });
  for (const manager of [...new Set(teams.map((t) => t.manager))]) scopes.push({ scope: { unit: `team-${slug(manager)}` }, value: sum((t) => t.manager === manager) });
  for (const t of teams) scopes.push({ scope: { user: slug(t.sales_agent), team: `team-${slug(t.manager)}` }, value: rep.get(t.sales_agent) });
  for (const { scope, value } of scopes) {
    add(q.period, scope, value);
    const m1 = cents(value * 0.3);
    const m2 = cents(value * 0.33);
    add(q.months[0], scope, m1);
    add(q.months[1], scope, m2);
    add(q.months[2], scope, cents(value - m1 - m2));
  }
}

const doc = {
  mapping: { entity: 'okr.target', fields: { metric: 'metric', period: 'period', scope_unit: 'scope_unit', scope_user: 'scope_user', value: { column: 'value', type: 'number' }, key: { template: '{metric}|{period}|{scope}' }, $orgUnit: 'org_unit' } },
  dateColumns: ['period'],
  rows,
};
writeFileSync(OUT, `{"mapping":${JSON.stringify(doc.mapping)},"dateColumns":["period"],"rows":[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`);
console.log(`${rows.length} targets written to ${OUT.pathname}`);
