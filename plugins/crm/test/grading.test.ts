import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { seedDemo } from '../../../runtime/src/demo/seed';
import { backends, startServer, type TestServer } from '../../../runtime/test/harness';
import { expectJson, type View } from '../../../runtime/test/process/helpers';
import { sql } from 'kysely';
import { compileRule } from '@pipewright/plugin-sdk';
import { plugin } from '../src/runtime/index';
import { GRADING_LOGIC, gradeAllInSql, gradeOf } from '../src/runtime/grading';

const DATA = new URL('../../../../shared/datasets/crm-sales-opportunities/', import.meta.url);
const csvLines = (file: string) => readFileSync(new URL(file, DATA), 'utf8').trim().split(/\r?\n/).slice(1);

/** Won value per account from the raw deals (close_value of Won rows). */
function wonFromCsv(): Map<string, number> {
  const won = new Map<string, number>();
  for (const line of csvLines('sales_pipeline.csv')) {
    const [, , , account, stage, , , value] = line.split(',');
    if (stage === 'Won' && account) won.set(account, (won.get(account) ?? 0) + Number(value));
  }
  return won;
}

/** The rule's grades computed from the raw CSV by plain arithmetic (revenue is in millions of USD; won value from the deals). */
function gradesFromCsv(): Map<string, string> {
  const won = wonFromCsv();
  const out = new Map<string, string>();
  for (const line of csvLines('accounts.csv')) {
    const [name, , , revenue, employees] = line.split(',');
    const usd = Number(revenue) * 1_000_000;
    const staff = Number(employees);
    out.set(String(name), usd >= 2_500_000_000 && staff >= 4000 ? 'A' : usd >= 1_000_000_000 || staff >= 1500 || (won.get(String(name)) ?? 0) >= 150_000 ? 'B' : 'C');
  }
  return out;
}

/** The CSV's accounts and the crm plugin's demo field accounts (demo/field-accounts.demo.json: no size given, so C). */
function demoGrades(): Map<string, string> {
  const out = gradesFromCsv();
  const field = JSON.parse(readFileSync(new URL('../demo/field-accounts.demo.json', import.meta.url), 'utf8')) as { rows: { name: string; employees?: number }[] };
  for (const r of field.rows) out.set(r.name, r.employees === undefined ? 'C' : 'unexpected');
  return out;
}
const countsOf = (grades: Map<string, string>) => {
  const counts = { A: 0, B: 0, C: 0 } as Record<string, number>;
  for (const g of grades.values()) counts[g] = (counts[g] ?? 0) + 1;
  return counts;
};

interface Page {
  items: View[];
  nextCursor: string | null;
}

/**
 * Issue 18, grading that runs: the customer grading rule grades every account write (hooks),
 * the nightly job grades what imports wrote without hooks (all 85 demo accounts), grade changes
 * are kept as crm.grade_change records, grade is a filter and a metric dimension.
 */
describe.each(backends())('customer grading on $name', (backend) => {
  let server: TestServer;
  let seedLog: string[] = [];
  const job = () => (plugin.jobs?.maintain_accounts as (d: Record<string, unknown>, s: unknown) => Promise<void>)({}, server.platform.plugins.services('crm', systemPrincipal('plugin:crm')));
  const all = async (path: string): Promise<View[]> => {
    const items: View[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await expectJson<Page>(server.api(`${path}${path.includes('?') ? '&' : '?'}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), 200);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  };

  beforeAll(async () => {
    server = await startServer(backend);
    const lines: string[] = [];
    await seedDemo(server.platform, (l) => lines.push(l));
    seedLog = lines;
  }, 600_000);
  afterAll(() => server?.close());

  it('declares a nightly schedule for the job, also run after the demo seed', () => {
    expect(plugin.schedules?.maintain_accounts).toEqual({ cron: '30 2 * * *', tz: 'UTC', afterDemoSeed: true });
  });

  it('shows all demo accounts graded on a freshly seeded demo (no job called), the counts as the raw CSV says', async () => {
    const expected = demoGrades();
    const accounts = await all('/api/records/crm.account');
    expect(accounts).toHaveLength(expected.size);
    // The data set's 85 accounts among them, graded 22 A, 37 B, 26 C.
    expect(countsOf(new Map(accounts.filter((a) => gradesFromCsv().has(String(a.data.name))).map((a) => [a.id, String(a.data.grade)])))).toEqual({ A: 22, B: 37, C: 26 });
    expect(accounts.map((a) => [a.data.name, a.data.grade, a.data.grade_source])).toEqual(accounts.map((a) => [a.data.name, expected.get(String(a.data.name)), 'rule']));
    const counts: Record<string, number> = {};
    for (const a of accounts) counts[String(a.data.grade)] = (counts[String(a.data.grade)] ?? 0) + 1;
    const fromCsv: Record<string, number> = {};
    for (const g of expected.values()) fromCsv[g] = (fromCsv[g] ?? 0) + 1;
    expect(counts).toEqual(fromCsv);
    // The deal summaries the grade reads, as the CSV's deals say.
    const won = wonFromCsv();
    for (const a of accounts) expect([a.data.name, a.data.won_value]).toEqual([a.data.name, won.get(String(a.data.name)) ?? 0]);
    // The summaries ran before the grading (other plugins' after-seed jobs may follow).
    const ran = seedLog.find((l) => l.startsWith('Seeding demo: ran ')) ?? '';
    const jobs = ran.replace('Seeding demo: ran ', '').split(', ');
    expect(jobs).toEqual(expect.arrayContaining(['pipeline.summarise_accounts', 'crm.maintain_accounts']));
    expect(jobs.indexOf('pipeline.summarise_accounts')).toBeLessThan(jobs.indexOf('crm.maintain_accounts'));
  });

  it('has graded all 85 demo accounts after the job, as the raw CSV says, with one grade change each', async () => {
    await job();
    const expected = demoGrades();
    const accounts = await all('/api/records/crm.account');
    expect(accounts).toHaveLength(expected.size);
    expect(accounts.filter((a) => typeof a.data.grade === 'string')).toHaveLength(expected.size);
    for (const a of accounts) expect([a.data.name, a.data.grade, a.data.grade_source]).toEqual([a.data.name, expected.get(String(a.data.name)), 'rule']);
    expect(countsOf(gradesFromCsv())).toEqual({ A: 22, B: 37, C: 26 });
    // Every imported account got its name key too, and a grade change record.
    expect(accounts.every((a) => typeof a.data.name_key === 'string' && a.data.name_key !== '')).toBe(true);
    const changes = await all('/api/records/crm.grade_change');
    expect(changes).toHaveLength(expected.size);
    // Run again: nothing is stale, nothing is written.
    await job();
    expect(await all('/api/records/crm.grade_change')).toHaveLength(expected.size);
  });

  it('grade is a filter and a metric dimension, agreeing with the CSV', async () => {
    const expected = demoGrades();
    for (const g of ['A', 'B', 'C']) {
      const list = await all(`/api/records/crm.account?filter[grade]=${g}`);
      expect(list.length, g).toBe([...expected.values()].filter((x) => x === g).length);
    }
    const q = await expectJson<{ rows: Record<string, string | number>[] }>(server.api('/api/metrics/query', { method: 'POST', json: { metrics: ['crm.accounts'], groupBy: ['grade'] } }), 200);
    const byGrade = Object.fromEntries(q.rows.map((r) => [r.grade, r['crm.accounts']]));
    expect(byGrade).toEqual(countsOf(expected));
  });

  it('regrades an account when its size changes, keeps the change, and leaves a hand grade alone', async () => {
    const acme = (await all('/api/records/crm.account?filter[name]=Acme%20Corporation'))[0] as View;
    expect(acme.data.grade).toBe('B');
    const grown = await expectJson<View>(server.api(`/api/records/crm.account/${acme.id}`, { method: 'PATCH', headers: { 'if-match': `"${acme.version}"` }, json: { data: { employees: 5000, annual_revenue: { amount: 3_000_000_000, currency: 'USD' } } } }), 200);
    expect(grown.data.grade).toBe('A');
    const history = await all(`/api/records/crm.grade_change?filter[account_id]=${acme.id}&sort=changed_at`);
    expect(history.map((h) => [h.data.from_grade ?? null, h.data.to_grade, h.data.source])).toEqual([
      [null, 'B', 'rule'],
      ['B', 'A', 'rule'],
    ]);
    const hand = await expectJson<View>(server.api(`/api/records/crm.account/${acme.id}`, { method: 'PATCH', headers: { 'if-match': `"${grown.version}"` }, json: { data: { grade: 'D' } } }), 200);
    expect([hand.data.grade, hand.data.grade_source]).toEqual(['D', 'hand']);
    await job();
    const after = await expectJson<View>(server.api(`/api/records/crm.account/${acme.id}`), 200);
    expect([after.data.grade, after.data.grade_source, after.version]).toEqual(['D', 'hand', hand.version]);
    const back = await expectJson<View>(server.api(`/api/records/crm.account/${acme.id}`, { method: 'PATCH', headers: { 'if-match': `"${hand.version}"` }, json: { data: { grade_source: 'rule' } } }), 200);
    expect([back.data.grade, back.data.grade_source]).toEqual(['A', 'rule']);
  });

  // Runs after the tests above (Acme has grown to A by then): the nightly grading in SQL.
  const crm = () => server.platform.plugins.services('crm', systemPrincipal('plugin:crm'));
  // Acme's size was changed by the test above (when it ran): its grade is then the rule's for its new size.
  const expectedNow = async () => {
    const acme = (await direct('crm.account', { name: 'Acme Corporation' }))[0] as { data: Record<string, unknown> };
    return new Map([...demoGrades().entries()].map(([name, g]) => [name, name === 'Acme Corporation' && acme.data.employees === 5000 ? 'A' : g]));
  };
  const ungrade = () => server.platform.database.db.updateTable('records').set({ data: sql`data - 'grade' - 'grade_source'` }).where('type', '=', 'crm.account').execute();
  // Read through the records service, not HTTP: a long PGlite run can outlive the server's keep-alive and reset the test client's socket.
  const direct = async (type: string, filter: Record<string, string> = {}) => {
    const out: { id: string; version: number; data: Record<string, unknown> }[] = [];
    let cursor: string | undefined;
    do {
      const page = await crm().records.list(type, { filter, limit: 200, ...(cursor ? { cursor } : {}) });
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  };
  const versions = async () => new Map((await direct('crm.account')).map((a) => [a.id, a.version]));

  it('computes in SQL, through toSql, exactly the grade the rule gives in JavaScript for every account, and the CSV\'s', async () => {
    const accounts = await direct('crm.account');
    const values = new Map<string, unknown>();
    let after: string | undefined;
    do {
      const page = await crm().records.ruleValues('crm.account', GRADING_LOGIC, { limit: 40, ...(after ? { after } : {}) });
      expect(page.unsupported).toEqual([]);
      for (const r of page.items) {
        expect(r.decided).toBe(true);
        values.set(r.id, r.value);
      }
      after = page.next ?? undefined;
    } while (after);
    expect(values.size).toBe(accounts.length);
    expect(accounts.filter((a) => gradesFromCsv().has(String(a.data.name)))).toHaveLength(85);
    const expected = await expectedNow();
    for (const a of accounts) expect([a.data.name, values.get(a.id)]).toEqual([a.data.name, gradeOf(a.data)]);
    for (const a of accounts) expect([a.data.name, values.get(a.id)]).toEqual([a.data.name, expected.get(String(a.data.name))]);
  });

  it('grades every account in SQL from scratch with one history row each, writes nothing on a second run, and only what changed after', async () => {
    const expected = await expectedNow();
    await ungrade();
    const before = (await direct('crm.grade_change')).length;
    const first = await gradeAllInSql(crm());
    expect(first).toEqual({ written: expected.size, inJs: 0, unsupported: [] });
    const accounts = await direct('crm.account');
    for (const a of accounts) expect([a.data.name, a.data.grade, a.data.grade_source]).toEqual([a.data.name, expected.get(String(a.data.name)), 'rule']);
    expect((await direct('crm.grade_change')).length).toBe(before + expected.size);
    // Idempotent: nothing differs, nothing is written (versions unchanged), no history row.
    const v1 = await versions();
    expect(await gradeAllInSql(crm())).toEqual({ written: 0, inJs: 0, unsupported: [] });
    await job();
    expect(await versions()).toEqual(v1);
    expect((await direct('crm.grade_change')).length).toBe(before + expected.size);
    // One C account grows behind the hooks' back (as a bulk load would): the nightly run writes it alone.
    const small = accounts.find((a) => a.data.grade === 'C') as { id: string };
    await server.platform.database.db.updateTable('records').set({ data: sql`jsonb_set(data, '{employees}', '2000')` }).where('id', '=', small.id).execute();
    expect(await gradeAllInSql(crm())).toEqual({ written: 1, inJs: 0, unsupported: [] });
    expect((await crm().records.get('crm.account', small.id))?.data.grade).toBe('B');
    const history = (await direct('crm.grade_change', { account_id: small.id })).sort((a, b) => String(a.data.changed_at).localeCompare(String(b.data.changed_at)));
    expect(history.map((h) => [h.data.from_grade ?? null, h.data.to_grade]).at(-1)).toEqual(['C', 'B']);
    expect((await direct('crm.grade_change')).length).toBe(before + expected.size + 1);
  });

  it('falls back to JavaScript for the accounts that reach a part of the rule SQL cannot express, and for those only', async () => {
    // The shipped rule with its B condition made untranslatable ('%' has no SQL), same meaning.
    const variant = structuredClone(GRADING_LOGIC) as { if: unknown[] };
    variant.if[2] = { and: [{ '>=': [{ '+': [{ var: 'employees' }, { '%': [0, 7] }] }, -1] }, variant.if[2]] };
    const evaluate = (data: Record<string, unknown>) => {
      const g = compileRule(variant)(data);
      return typeof g === 'string' ? g : null;
    };
    await ungrade();
    const expected = new Map((await direct('crm.account')).map((a) => [a.id, gradeOf(a.data)]));
    const nonA = [...expected.values()].filter((g) => g !== 'A').length;
    const run = await gradeAllInSql(crm(), { logic: variant, evaluate });
    expect(run.unsupported.map((u) => u.pointer)).toEqual(['/if/2/and/0/>=/0/+/1']);
    // A accounts are decided in SQL; every other account reaches the B condition and is graded in JS.
    expect(run).toMatchObject({ written: expected.size, inJs: nonA });
    for (const a of await direct('crm.account')) expect([a.data.name, a.data.grade]).toEqual([a.data.name, expected.get(a.id)]);
    // Again: the undecided accounts are evaluated in JS, but none is written.
    const v1 = await versions();
    expect(await gradeAllInSql(crm(), { logic: variant, evaluate })).toMatchObject({ written: 0, inJs: nonA });
    expect(await versions()).toEqual(v1);
  });
});
