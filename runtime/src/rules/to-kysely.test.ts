import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRule, createOperatorRegistry, registerBusinessOperators, RuleError, ruleCorpus, toSql, truthy } from '@pipewright/core';
import { ruleToKysely } from './to-kysely';

const { CORPUS_NOW, corpusRules, dealSchema, generateDeals } = ruleCorpus;
const operators = createOperatorRegistry();
registerBusinessOperators(operators);
const context = { now: () => CORPUS_NOW };

/** Edge rules of the translatable subset: null handling, coercions, division by zero, text order. */
const edgeRules: Array<{ id: string; rule: unknown }> = [
  { id: 'null-lt', rule: { '<': [{ var: 'nps' }, 7] } },
  { id: 'null-eq', rule: { '==': [{ var: 'nps' }, null] } },
  { id: 'null-neq', rule: { '!=': [{ var: 'region' }, 'EMEA'] } },
  { id: 'strict-eq', rule: { '===': [{ var: 'score' }, 50] } },
  { id: 'numeric-string', rule: { '>': [{ var: 'amount' }, '100000'] } },
  { id: 'text-order', rule: { '>=': [{ var: 'region' }, 'LATAM'] } },
  { id: 'date-text-order', rule: { '<=': [{ var: 'created_on' }, '2025-01-15'] } },
  { id: 'between-chain', rule: { '<': [10, { var: 'score' }, 90] } },
  { id: 'division', rule: { '>': [{ '/': [{ var: 'won_amount' }, { var: 'quota' }] }, 1] } },
  { id: 'division-neg', rule: { '<': [{ '/': [{ '-': [{ var: 'discount_pct' }, 15] }, { var: 'payment_delays' }] }, 0] } },
  { id: 'plus-nan', rule: { '!': { '>': [{ '+': [{ var: 'score' }, { var: 'nps' }] }, 50] } } },
  { id: 'minus-null', rule: { '<=': [{ '-': [{ var: 'activities_30d' }, { var: 'meetings_30d' }] }, 10] } },
  { id: 'max', rule: { '>=': [{ max: [{ var: 'score' }, { var: 'nps' }, 3] }, 60] } },
  { id: 'in-with-null', rule: { in: [{ var: 'industry' }, ['retail', null]] } },
  { id: 'in-text-const', rule: { in: [{ var: 'region' }, 'EMEA-NA'] } },
  { id: 'truthy-number', rule: { or: [{ var: 'payment_delays' }, { var: 'budget_confirmed' }] } },
  { id: 'truthy-text', rule: { '!': { var: 'source' } } },
  { id: 'if-value', rule: { '>': [{ if: [{ var: 'is_strategic' }, { var: 'amount' }, { var: 'won_amount' }] }, 100000] } },
  { id: 'var-default', rule: { '>=': [{ var: ['renewal_on', '2026-01-01'] }, '2025-09-01'] } },
  { id: 'missing-some', rule: { missing_some: [2, ['contact.email', 'contact.phone', 'renewal_on']] } },
  { id: 'missing-empty-string', rule: { missing: ['contact.email'] } },
  { id: 'days-between-datetime', rule: { '>': [{ days_between: [{ var: 'updated_at' }, '2025-06-30'] }, 30] } },
  { id: 'not-in-range', rule: { '!': { in_range: [{ var: 'probability' }, 0.2, 0.8] } } },
];

const translatable = [...corpusRules.filter((c) => c.sql), ...edgeRules];
const records = generateDeals(400, 99);

interface Backend {
  name: string;
  db: Kysely<{ records: { id: string; type: string; data: unknown } }>;
  close(): Promise<void>;
}

async function createTable(db: Backend['db']): Promise<void> {
  await sql`CREATE TABLE records (id uuid PRIMARY KEY, type text NOT NULL, owner_id text, org_unit_id text, stage text,
    version int NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz, data jsonb NOT NULL)`.execute(db);
  for (const record of records) {
    await sql`INSERT INTO records (id, type, stage, data) VALUES (${randomUUID()}, 'deal', ${record.stage}, ${JSON.stringify(record)}::jsonb)`.execute(db);
  }
}

async function pglite(): Promise<Backend> {
  const client = new PGlite();
  const db = new Kysely<Backend['db'] extends Kysely<infer D> ? D : never>({ dialect: new PGliteDialect(client) });
  await createTable(db);
  return { name: 'pglite', db, close: () => db.destroy() };
}

async function postgres(url: string): Promise<Backend> {
  const schema = `rules_test_${randomUUID().replace(/-/g, '')}`;
  const pool = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema}` });
  const db = new Kysely<Backend['db'] extends Kysely<infer D> ? D : never>({ dialect: new PostgresDialect({ pool }) });
  await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db);
  await createTable(db);
  return { name: 'postgres', db, close: async () => { await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(db); await db.destroy(); } };
}

const backends: Array<[string, () => Promise<Backend>]> = [['pglite', pglite]];
const url = process.env.TEST_DATABASE_URL;
if (url) backends.push(['postgres', () => postgres(url)]);

describe.each(backends)('toSql agrees with in-memory evaluation on %s', (_name, open) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await open();
  });
  afterAll(async () => {
    await backend?.close();
  });

  it.each(translatable.map((t) => [t.id, t.rule] as const))('%s', async (_id, rule) => {
    const compiled = compileRule(rule, { operators, schema: dealSchema, context });
    const expected = records.map((r) => truthy(compiled(r))).map((v, i) => (v ? `${records[i]?.name}` : '')).filter(Boolean).sort();
    const where = ruleToKysely(rule, { operators, schema: dealSchema, now: CORPUS_NOW });
    const rows = await backend.db.selectFrom('records').select(sql<string>`data->>'name'`.as('name')).where(where).execute();
    expect(rows.map((r) => r.name).sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
    if (records.some((r) => typeof compiled(r) === 'boolean')) expect(expected.length).toBeLessThan(records.length);
  });
});

describe('toSql refuses what it cannot translate faithfully', () => {
  it.each([
    ['scoped operators', { some: [{ var: 'products' }, { '>=': [{ var: 'qty' }, 20] }] }],
    ['reduce', { reduce: [{ var: 'products' }, { '+': [{ var: 'accumulator' }, 1] }, 0] }],
    ['cat', { '==': [{ cat: [{ var: 'region' }, '-x'] }, 'EMEA-x'] }],
    ['modulo', { '==': [{ '%': [{ var: 'score' }, 2] }, 0] }],
    ['text field ordered against a text field', { '<': [{ var: 'region' }, { var: 'industry' }] }],
    ['merge', { in: ['vip', { merge: [{ var: 'tags' }, ['x']] }] }],
    ['list field compared to a field', { in: [{ var: 'region' }, { var: 'tags' }] }],
    ['computed var path', { '==': [{ var: { cat: ['reg', 'ion'] } }, 'EMEA'] }],
  ])('%s', (_name, rule) => {
    expect(() => toSql(rule, { operators, schema: dealSchema })).toThrow(RuleError);
    try {
      toSql(rule, { operators, schema: dealSchema });
    } catch (err) {
      expect((err as RuleError).code).toBe('rule.sql-unsupported');
      expect(typeof (err as RuleError).pointer).toBe('string');
    }
  });
});
