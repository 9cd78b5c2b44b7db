import { fileURLToPath } from 'node:url';
import type { RuleCheckView as Checked, RuleExplainView as Explained, RuleOperatorInfo as Operator } from '@pipewright/core/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type Client, type TestServer } from './harness';
import { expectJson } from './process/helpers';

const ACME = fileURLToPath(new URL('./fixtures/acme-plugins', import.meta.url));

interface Problem {
  status: number;
  code: string;
  errors?: { pointer: string; code?: string; message: string }[];
}

// The rules API reads and writes no data, so one backend is enough.
const [pglite] = backends();

describe('/api/rules over HTTP, with a company plugin that adds an operator', () => {
  let server: TestServer;
  let rep: Client;
  let admin: Client;
  beforeAll(async () => {
    server = await startServer(pglite!, { PIPEWRIGHT_PLUGINS: ACME });
    rep = server.as('rep');
    admin = server.as('admin');
  });
  afterAll(() => server?.close());

  const check = (body: unknown) => rep.api('/api/rules/check', { method: 'POST', json: body });
  // Explaining runs plugin code on the caller's record: rule authors (admins) only.
  const explain = (body: unknown) => admin.api('/api/rules/explain', { method: 'POST', json: body });

  it('lists every operator with its owner and typed signature, company operators included', async () => {
    const { items } = await expectJson<{ items: Operator[] }>(rep.api('/api/rules/operators'), 200);
    const names = items.map((o) => o.name);
    expect(names).toEqual([...names].sort());
    expect(items.find((o) => o.name === '==')).toMatchObject({ owner: 'jsonlogic', builtin: true });
    expect(items.find((o) => o.name === 'days_since')).toMatchObject({ owner: 'business', builtin: false, signature: { params: ['date'], returns: 'number' } });
    expect(items.find((o) => o.name === 'days_since')?.description).toMatch(/calendar days/);
    expect(items.find((o) => o.name === 'fx_to_eur')).toEqual({
      name: 'fx_to_eur', owner: 'acme_territory', builtin: false, title: 'Amount in EUR',
      description: "Converts an amount in the given currency to EUR at ACME's fixed planning rates.",
      signature: { params: ['number', 'string'], returns: 'number' },
    });
    expect((await fetch(`${server.url}/api/rules/operators`)).status).toBe(401);
  });

  it('checks a valid rule against an entity: fields read and SQL support', async () => {
    const rule = { and: [{ '>=': [{ var: 'amount.amount' }, 10000] }, { '!': { missing: ['close_date'] } }] };
    expect(await expectJson<Checked>(check({ rule, entity: 'pipeline.deal' }), 200)).toEqual({ valid: true, problems: [], fieldsRead: ['amount.amount', 'close_date'], sql: { supported: true } });
    // Without an entity there is nothing to type-check against, and no SQL verdict.
    expect(await expectJson<Checked>(check({ rule: { var: 'anything' } }), 200)).toEqual({ valid: true, problems: [], fieldsRead: ['anything'] });
  });

  it('knows a company operator: checked by its signature, refused by SQL with the reason', async () => {
    const rule = { '>': [{ fx_to_eur: [{ var: 'amount.amount' }, { var: 'amount.currency' }] }, 5000] };
    const ok = await expectJson<Checked>(check({ rule, entity: 'pipeline.deal' }), 200);
    expect(ok).toMatchObject({ valid: true, problems: [], fieldsRead: ['amount.amount', 'amount.currency'], sql: { supported: false, pointer: '/>/0' } });
    expect(ok.sql?.reason).toMatch(/fx_to_eur/);
    const wrong = await expectJson<Checked>(check({ rule: { fx_to_eur: [{ var: 'name' }, 'USD'] }, entity: 'pipeline.deal' }), 200);
    expect(wrong.valid).toBe(false);
    expect(wrong.problems).toEqual([expect.objectContaining({ pointer: '/fx_to_eur/0', code: 'type-mismatch' })]);
  });

  it('reports what is wrong with a rule, with pointers into it', async () => {
    const unknown = await expectJson<Checked>(check({ rule: { and: [true, { eval: ['1+1'] }] } }), 200);
    expect(unknown).toMatchObject({ valid: false, fieldsRead: [], problems: [{ pointer: '/and/1', code: 'unknown-operator' }] });
    const proto = await expectJson<Checked>(check({ rule: { var: '__proto__.polluted' } }), 200);
    expect(proto.problems).toEqual([expect.objectContaining({ pointer: '/var', code: 'forbidden-path' })]);
    const typed = await expectJson<Checked>(check({ rule: { and: [{ '>': [{ var: 'close_date' }, 5] }, { var: 'no_such_field' }] }, entity: 'pipeline.deal' }), 200);
    expect(typed.valid).toBe(false);
    expect(typed.problems.map((p) => `${p.pointer} ${p.code}`).sort()).toEqual(['/and/0 type-mismatch', '/and/1 unknown-field']);
    expect(typed.sql).toBeUndefined();
    // Fields of the platform's shared types (money, date...) are checked too.
    const money = await expectJson<Checked>(check({ rule: { and: [{ '>': [{ var: 'amount' }, 5] }, { '==': [{ var: 'amount.curency' }, 'EUR'] }] }, entity: 'pipeline.deal' }), 200);
    expect(money.problems.map((p) => `${p.pointer} ${p.code}`).sort()).toEqual(['/and/0 type-mismatch', '/and/1/==/0 unknown-field']);
    // deeper than the rule checker's cap (64), within what the HTTP layer parses (200)
    const deep = await expectJson<Checked>(check({ rule: JSON.parse(`${'{"!":'.repeat(100)}true${'}'.repeat(100)}`) as unknown }), 200);
    expect(deep.problems[0]?.code).toBe('too-deep');
  });

  it('refuses bad request bodies with problem+json naming the member', async () => {
    const missing = await expectJson<Problem>(check({ entity: 'pipeline.deal' }), 422);
    expect(missing.errors?.[0]?.pointer).toBe('/rule');
    const entity = await expectJson<Problem>(check({ rule: true, entity: 'no.such' }), 422);
    expect(entity.errors?.[0]).toMatchObject({ pointer: '/entity', code: 'unknown-entity' });
    const extra = await expectJson<Problem>(check({ rule: true, schema: {} }), 422);
    expect(extra.errors?.[0]?.pointer).toBe('/schema');
    const notObject = await rep.api('/api/rules/check', { method: 'POST', json: [1, 2] });
    expect([notObject.status, notObject.headers.get('content-type')]).toEqual([422, 'application/problem+json']);
    const notJson = await rep.api('/api/rules/check', { method: 'POST', body: '{"rule":', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('content-type')).toBe('application/problem+json');
    expect((await expectJson<Problem>(check({ rule: true, entity: 42 }), 422)).errors?.[0]?.pointer).toBe('/entity');
    expect((await expectJson<Problem>(explain({ data: {} }), 422)).errors?.[0]?.pointer).toBe('/rule');
    expect((await expectJson<Problem>(explain({ rule: true, data: {}, extra: 1 }), 422)).errors?.[0]?.pointer).toBe('/extra');
    for (const now of ['yesterday', '2025-02-30', '2025-03-11T08:00', '2025-03-11T08:00:00', 7]) {
      expect((await expectJson<Problem>(explain({ rule: true, now }), 422)).errors?.[0]?.pointer, String(now)).toBe('/now');
    }
  });

  it('lets only rule authors (admins) evaluate rules on the server', async () => {
    const res = await rep.api('/api/rules/explain', { method: 'POST', json: { rule: { fx_to_eur: [1, 'EUR'] }, data: {} } });
    expect([res.status, res.headers.get('content-type')]).toEqual([403, 'application/problem+json']);
    expect((await expectJson<Explained>(explain({ rule: { fx_to_eur: [1, 'EUR'] } }), 200)).value).toBe(1);
  });

  it('stops a rule that does too much work on the record, at the sub-rule that did', async () => {
    // A rule that doubles a list at every step is refused before it runs (28 elements of input
    // would need gigabytes); one that grows a list linearly runs until the budget stops it.
    const doubling = { reduce: [{ var: 'a' }, { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] }, [1]] };
    const refused = await expectJson<Problem>(explain({ rule: doubling, data: { a: new Array(28).fill(0) } }), 422);
    expect([refused.code, refused.errors?.[0]?.pointer]).toEqual(['rule.unbounded-growth', '/rule/reduce/1']);
    const growing = { reduce: [{ var: 'a' }, { merge: [{ var: 'accumulator' }, [{ var: 'current' }, { var: 'current' }]] }, []] };
    // Copying the accumulator is work: about 1,000 elements (1,000,000 elements copied in
    // all) reach the budget, long before the list would reach the 100,000-element limit.
    const res = await expectJson<Problem>(explain({ rule: growing, data: { a: new Array(3_000).fill(0) } }), 422);
    expect(res.code).toBe('rule.budget-exceeded');
    expect(res.errors?.[0]?.pointer).toBe('/rule/reduce/1');
    expect(res.errors?.[0]?.message).toMatch(/more than 1000000 steps/);
    // 100 elements x a 1,000-element list in the rule x 15 sub-rules each: past the budget of
    // 1,000,000 evaluation steps, from a record of 100 numbers.
    const small = { '<': [{ '+': [{ var: '' }, 1, 2, 3] }, 10] };
    const busy = { all: [{ var: 'a' }, { all: [Array.from({ length: 1000 }, () => 0), { and: [small, small] }] }] };
    const steps = await expectJson<Problem>(explain({ rule: busy, data: { a: new Array(100).fill(0) } }), 422);
    expect(steps.code).toBe('rule.budget-exceeded');
    expect(steps.errors?.[0]?.message).toMatch(/more than 1000000 steps/);
    expect((await expectJson<Explained>(explain({ rule: busy, data: { a: new Array(10).fill(0) } }), 200)).value).toBe(true);
    // Within the budget the same rules answer normally.
    expect((await expectJson<Explained>(explain({ rule: growing, data: { a: [7, 8] } }), 200)).value).toEqual([7, 7, 8, 8]);
  });

  it('explains a rule on a sample record: every sub-rule with its value and a sentence', async () => {
    const rule = { and: [{ '>=': [{ var: 'amount.amount' }, 10000] }, { '==': [{ var: 'source' }, 'referral'] }] };
    const res = await expectJson<Explained>(explain({ rule, entity: 'pipeline.deal', data: { amount: { amount: 5000, currency: 'EUR' }, source: 'referral' } }), 200);
    expect([res.value, res.passed]).toEqual([false, false]);
    const amount = res.explanation.children[0]!;
    expect(amount).toMatchObject({ pointer: '/and/0', op: '>=', value: false, passed: false });
    expect(amount.sentence).toMatch(/5000/);
    expect(amount.children.map((c) => c.value)).toEqual([5000, 10000]);
  });

  it('runs company and date operators on the server, with the clock given', async () => {
    const fx = await expectJson<Explained>(explain({ rule: { fx_to_eur: [{ var: 'amount' }, 'GBP'] }, data: { amount: 100 } }), 200);
    expect(fx.value).toBe(120);
    const since = { days_since: [{ var: 'last_contact_on' }] };
    const dated = await expectJson<Explained>(explain({ rule: since, data: { last_contact_on: '2025-01-01' }, now: '2025-03-01' }), 200);
    expect(dated.value).toBe(59);
    const later = await expectJson<Explained>(explain({ rule: since, data: { last_contact_on: '2025-01-01' }, now: '2025-03-11T08:00:00Z' }), 200);
    expect(later.value).toBe(69);
  });

  it('answers an invalid rule, a bad clock or a throwing operator with 422, never 500', async () => {
    const bad = await expectJson<Problem>(explain({ rule: { and: [{ '>': [{ var: 'close_date' }, 5] }] }, entity: 'pipeline.deal', data: {} }), 422);
    expect(bad.code).toBe('rule.type-mismatch');
    expect(bad.errors?.[0]?.pointer).toBe('/rule/and/0');
    const clock = await expectJson<Problem>(explain({ rule: true, now: 'yesterday' }), 422);
    expect(clock.errors?.[0]?.pointer).toBe('/now');
    const throwing = await expectJson<Problem>(explain({ rule: { fx_to_eur: [{ var: 'amount' }, 'XXX'] }, data: { amount: 1 } }), 422);
    expect(throwing.code).toBe('rule.evaluation-failed');
    expect(throwing.errors?.[0]).toMatchObject({ pointer: '/data', message: expect.stringMatching(/no planning rate for XXX/) });
  });
});
