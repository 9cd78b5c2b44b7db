import { describe, expect, it } from 'vitest';
import { RuleError } from '../errors';
import { checkRule } from './check';
import { compileRule } from './compile';
import { CORPUS_NOW, dealSchema } from './corpus/index';
import { explain } from './explain';
import { ANY_FIELD, fieldsRead } from './fields';
import { createOperatorRegistry } from './operators/registry';
import { registerBusinessOperators } from './operators/business';
import { renderPostgres } from './sql/fragment';
import { toSql } from './sql/to-sql';

const operators = createOperatorRegistry();
registerBusinessOperators(operators);
const context = { now: () => CORPUS_NOW };

function problem(rule: unknown): RuleError {
  try {
    checkRule(rule, { operators, schema: dealSchema });
  } catch (err) {
    return err as RuleError;
  }
  throw new Error('accepted');
}

describe('checkRule against the entity schema', () => {
  it('reports unknown fields with a pointer', () => {
    const err = problem({ and: [{ '>=': [{ var: 'amount' }, 1] }, { '==': [{ var: 'contact.fax' }, 'x'] }] });
    expect(err.code).toBe('rule.unknown-field');
    expect(err.pointer).toBe('/and/1/==/0');
    expect(problem({ missing: ['amount', 'amont'] }).pointer).toBe('/missing/1');
    expect(problem({ some: [{ var: 'products' }, { '>': [{ var: 'qtty' }, 1] }] }).pointer).toBe('/some/1/>/0');
  });

  it('reports a date field compared with a number, and bad operator arguments', () => {
    const err = problem({ or: [{ '>': [{ var: 'close_date' }, 5] }, { '+': [{ var: 'region' }, 1] }] });
    expect(err.code).toBe('rule.type-mismatch');
    expect(err.pointer).toBe('/or/0');
    expect(err.message).toMatch(/close_date \(date\) with 5 \(number\)/);
    expect(err.details).toHaveLength(2);
    expect(problem({ days_since: [{ var: 'amount' }] }).pointer).toBe('/days_since/0');
    expect(problem({ pct_of_target: [{ var: 'won_amount' }, 'lots'] }).code).toBe('rule.type-mismatch');
  });

  it('follows references to the platform\'s shared types, as entity schemas use them', () => {
    const types = 'https://pipewright.dev/schemas/types.schema.json';
    const schema = {
      type: 'object',
      properties: { closed_on: { $ref: `${types}#/$defs/date` }, value: { $ref: `${types}#/$defs/money` }, other: { $ref: 'https://example.com/elsewhere.json#/x' } },
    };
    const check = (rule: unknown) => () => checkRule(rule, { operators, schema });
    expect(check({ '>': [{ var: 'closed_on' }, 5] })).toThrow(expect.objectContaining({ code: 'rule.type-mismatch', pointer: '' }));
    expect(check({ '>': [{ var: 'value.amount' }, 5] })).not.toThrow();
    expect(check({ '==': [{ var: 'value.curency' }, 'EUR'] })).toThrow(expect.objectContaining({ code: 'rule.unknown-field', pointer: '/==/0' }));
    expect(check({ '>': [{ var: 'value' }, 5] })).toThrow(expect.objectContaining({ code: 'rule.type-mismatch' }));
    // A reference to an unknown document is not followed: the field is of any type.
    expect(check({ '>': [{ var: 'other.anything' }, 5] })).not.toThrow();
  });

  it('accepts well-typed rules, including date literals', () => {
    expect(() => checkRule({ '<': [{ var: 'close_date' }, '2025-06-30'] }, { operators, schema: dealSchema })).not.toThrow();
    expect(() => checkRule({ days_between: ['2025-01-01', { var: 'updated_at' }] }, { operators, schema: dealSchema })).not.toThrow();
  });
});

describe('business operators', () => {
  const run = (rule: unknown, data: unknown = {}): unknown => compileRule(rule, { operators, context })(data);
  it('computes dates from the injected clock', () => {
    expect(run({ days_since: ['2025-06-01'] })).toBe(29);
    expect(run({ days_since: [{ var: 'd' }] }, { d: '2025-06-30T23:30:00+02:00' })).toBe(0);
    expect(run({ days_between: ['2024-02-28', '2024-03-01'] })).toBe(2);
    expect(run({ days_between: ['2024-02-30', '2024-03-01'] })).toBeNull();
    expect(compileRule({ days_since: ['2025-06-01'] }, { operators })({}, { now: () => Date.UTC(2025, 5, 11) })).toBe(10);
  });
  it('in_range and pct_of_target', () => {
    expect(run({ in_range: [5, 1, 10] })).toBe(true);
    expect(run({ in_range: [{ var: 'x' }, 1, 10] })).toBe(false);
    expect(run({ pct_of_target: [45, 60] })).toBe(75);
    expect(run({ pct_of_target: [45, 0] })).toBeNull();
  });
});

describe('explain', () => {
  it('keeps to a work budget when given one: steps (loop bodies included) and list or text length', () => {
    const budget = { maxSteps: 1000, maxLength: 64 };
    // Linear growth (exponential growth is refused by the checker, see hostile.test.ts).
    const growing = { reduce: [{ var: 'a' }, { merge: [{ var: 'accumulator' }, [1, 2, 3, 4, 5, 6, 7, 8]] }, []] };
    expect(explain(growing, { a: new Array(8).fill(0) }, { budget }).value).toHaveLength(64);
    expect(() => explain(growing, { a: new Array(9).fill(0) }, { budget })).toThrow(expect.objectContaining({ code: 'rule.budget-exceeded', pointer: '/reduce/1' }));
    expect(() => explain({ cat: [{ var: 't' }, { var: 't' }] }, { t: 'x'.repeat(40) }, { budget })).toThrow(expect.objectContaining({ code: 'rule.budget-exceeded', pointer: '' }));
    const loop = { all: [{ var: 'a' }, { '<': [{ var: '' }, 10] }] };
    const steps = { maxSteps: 1000, maxLength: 10_000 };
    expect(explain(loop, { a: new Array(200).fill(1) }, { budget: steps }).value).toBe(true);
    expect(() => explain(loop, { a: new Array(400).fill(1) }, { budget: steps })).toThrow(expect.objectContaining({ code: 'rule.budget-exceeded', message: expect.stringMatching(/more than 1000 steps/) }));
    // A record's own list counts too: a sub-rule reading it produces it.
    expect(() => explain(loop, { a: new Array(200).fill(1) }, { budget })).toThrow(expect.objectContaining({ code: 'rule.budget-exceeded', pointer: '/all/0' }));
    // Without a budget nothing is counted.
    expect(explain(loop, { a: new Array(400).fill(1) }).value).toBe(true);
  });

  it('says why a guard failed, with the same result as evaluation', () => {
    const rule = { and: [{ '==': [{ var: 'stage' }, 'proposal'] }, { '>=': [{ var: 'amount' }, 10000] }, { missing: ['close_date'] }] };
    const result = explain(rule, { stage: 'proposal', amount: 5000 });
    expect(result.value).toBe(false);
    expect(result.children[1]?.sentence).toBe('amount >= 10000 failed: amount is 5000');
    expect(result.sentence).toBe('not all conditions passed: amount >= 10000 failed: amount is 5000');
    expect(result.children[2]?.evaluated).toBe(false);
    expect(explain({ days_since: [{ var: 'd' }] }, { d: '2025-06-20' }, { operators, context }).sentence).toBe('10 days since 2025-06-20');
  });
  it('works without code generation (CSP): compile falls back to the interpreter on request', () => {
    expect(compileRule({ '+': [1, { var: 'a' }] }, { mode: 'interpret' })({ a: 2 })).toBe(3);
  });
});

describe('fieldsRead', () => {
  it('lists record fields, not element fields', () => {
    const rule = { and: [{ '>=': [{ var: 'amount' }, 1] }, { missing: { merge: ['vin', { if: [{ var: 'financing' }, ['apr'], []] }] } },
      { some: [{ var: 'products' }, { '>': [{ var: 'qty' }, 1] }] }, { missing_some: [1, ['contact.email', 'contact.phone']] }] };
    expect(fieldsRead(rule)).toEqual(['amount', 'apr', 'contact.email', 'contact.phone', 'financing', 'products', 'vin']);
    expect(fieldsRead({ var: { cat: ['a', { var: 'b' }] } })).toEqual([ANY_FIELD, 'b']);
  });
});

describe('toSql (core fragment)', () => {
  it('binds every rule value as a parameter', () => {
    const where = toSql({ and: [{ '==': [{ var: 'region' }, "EMEA'; DROP TABLE records; --"] }, { '>=': [{ var: 'amount' }, 10000] }] }, { schema: dealSchema });
    const { text, values } = renderPostgres(where);
    expect(text).not.toContain('DROP');
    expect(text).not.toContain('region');
    expect(values).toContain("EMEA'; DROP TABLE records; --");
    expect(values).toContain('{"region"}');
  });
  it('refuses with a pointer', () => {
    expect(() => toSql({ and: [true, { map: [{ var: 'products' }, 1] }] }, { schema: dealSchema })).toThrow(expect.objectContaining({ code: 'rule.sql-unsupported', pointer: '/and/1' }));
  });
});
