import { isDeepStrictEqual } from 'node:util';
import jsonLogic from 'json-logic-js';
import { describe, expect, it } from 'vitest';
import { generateSource, PARAMETER_CONSTANTS } from './codegen';
import { compileRule, functionConstructorCompiler, type RuleCompiler } from './compile';
import { parseRule } from './parse';
import { FORBIDDEN_SEGMENTS, isForbiddenSegment } from './runtime';
import { createOperatorRegistry, standardOperators } from './operators/registry';
import { registerBusinessOperators } from './operators/business';

/**
 * Edge cases of the generator's specialisations (inline `in`, truthiness of inline `missing` /
 * `missing_some`, hoisted repeated reads, inline loops), each compared with json-logic-js 2.0.5
 * and the interpreter on data chosen to hit the corners.
 */
const records: unknown[] = [
  {}, { a: null }, { a: '' }, { a: 0 }, { a: -0 }, { a: 'x' }, { a: [] }, { a: [1] }, { a: { b: null } }, { a: { b: 1, c: '' } },
  { a: { b: 'y', c: 2 }, b: 3 }, { a: 'str', b: '' }, { a: [5, 6], b: null }, { a: { length: 0 } }, { b: 1, c: { d: 1 } },
  { a: [{ b: 1 }, { b: 0 }, null, 'b', { b: { c: 1 } }, { c: 2 }] }, { a: [{ b: 2 }, { b: 3 }] }, null, 7, 'abc', [1, 2], true,
];

function agree(rule: unknown): void {
  const compiled = compileRule(rule);
  const interpreted = compileRule(rule, { mode: 'interpret' });
  for (const record of records) {
    const want = jsonLogic.apply(rule as jsonLogic.RulesLogic, record);
    const got = compiled(record);
    if (!isDeepStrictEqual(got, want) || !isDeepStrictEqual(interpreted(record), want)) {
      throw new Error(`${JSON.stringify(rule)} on ${JSON.stringify(record)}: compiled ${String(got)}, json-logic ${String(want)}`);
    }
  }
}

describe('generated code', () => {
  it('keeps the truthiness of missing / missing_some over constant keys', () => {
    const keyLists = [[], ['a'], ['a', 'b'], ['a.b', 'a.c', 'b'], ['a', 'a.b', 'c.d', 'x']];
    for (const keys of keyLists) {
      for (const op of ['!', '!!']) {
        agree({ [op]: { missing: keys } });
        agree({ [op]: [{ missing: [keys] }] });
        for (const need of [-1, 0, 0.5, 1, 1.5, 2, 3, 5]) agree({ [op]: { missing_some: [need, keys] } });
      }
      agree({ if: [{ missing: keys }, 'some missing', 'none'] });
      agree({ and: [{ missing_some: [1, keys] }, 1] });
      agree({ missing_some: [1, keys] });
      agree({ missing: keys });
    }
  });

  it('reads a reduce body\'s current and accumulator from the loop, and builds the scope object only when it is read whole', () => {
    // The records above hold lists of objects under `a`; literal lists add scalars and nulls.
    const lists = [{ var: 'a' }, [[1, null, 'x', [], 0]], [[]], [[null, null]]];
    const bodies: unknown[] = [
      { var: 'current' }, { var: 'accumulator' }, { var: 'current.b' }, { var: 'current.c.d' }, { var: ['current.b', 7] }, { var: ['accumulator', 'none'] },
      { '+': [{ var: 'accumulator' }, { var: 'current.b' }, { var: 'current.b' }] }, { cat: [{ var: 'accumulator' }, { var: 'current' }] },
      { var: '' }, { var: 'other' }, { var: ['other', 0] }, { var: { cat: ['curr', 'ent'] } }, { missing: ['current.b', 'accumulator'] }, { missing_some: [1, ['current.c', 'x']] },
      { if: [{ var: 'current.b' }, { var: 'current' }, { var: 'accumulator.b' }] }, { map: [{ var: 'current.c' }, { var: '' }] },
    ];
    for (const list of lists) for (const body of bodies) for (const initial of [0, null, 'i', [1, 2]]) agree({ reduce: [list, body, initial] });
    const plain = generateSource(parseRule({ reduce: [{ var: 'a' }, { '+': [{ var: 'accumulator' }, { var: 'current.b' }] }, 0] }), standardOperators).source;
    expect(plain).not.toContain('const d = {');
    const whole = generateSource(parseRule({ reduce: [{ var: 'a' }, { var: '' }, 0] }), standardOperators).source;
    expect(whole).toContain('const d = { current, accumulator: x }');
  });

  it('compares with a string literal like JavaScript for strings, null, numbers and the rest', () => {
    for (const literal of ['', '0', '5', '-1', 'abc', '2025-06-30', ' 7 ', '1e3']) {
      for (const op of ['<', '<=', '>', '>=']) {
        agree({ [op]: [{ var: 'a' }, literal] });
        agree({ [op]: [literal, { var: 'a' }] });
        agree({ [op]: [{ var: 'a.b' }, literal] });
        agree({ [op]: [literal, { var: 'b' }] });
      }
      agree({ '<': [literal, { var: 'a' }, 'zzz'] });
      agree({ '<=': [{ var: 'b' }, literal, { var: 'a' }] });
    }
  });

  it('parses absent (null) operands of arithmetic as NaN, as parseFloat does', () => {
    for (const op of ['*', '-', '/', '%']) {
      agree({ [op]: [{ var: 'a' }, 2] });
      agree({ [op]: [{ var: 'b' }, { var: 'a.b' }] });
      agree({ '>=': [{ [op]: [{ var: 'a' }, { var: 'b' }] }, 0] });
    }
  });

  it('gives a rule that reads no context one parameter, and still accepts a context argument', () => {
    const operators = createOperatorRegistry();
    registerBusinessOperators(operators);
    const plain = generateSource(parseRule({ '>': [{ var: 'a' }, 1] }), operators).source;
    expect(plain).toContain('(function (d) {');
    const dated = generateSource(parseRule({ '>': [{ days_since: [{ var: 'a' }] }, 1] }, { operators }), operators).source;
    expect(dated).toContain('(function (d, c) { if (c == null) c = D;');
    const fn = compileRule({ '>': [{ var: 'a' }, 1] }, { operators });
    expect([fn({ a: 2 }), fn({ a: 2 }, { now: () => new Date() }), fn({ a: 0 }, {})]).toEqual([true, true, false]);
  });

  it('passes the context into a loop body that reads it, and its default when a call has none', () => {
    const operators = createOperatorRegistry();
    registerBusinessOperators(operators);
    const now = (iso: string) => ({ now: () => new Date(iso) });
    const rules = [
      { some: [{ var: 'a' }, { '>': [{ days_since: [{ var: 'on' }] }, 10] }] },
      { reduce: [{ var: 'a' }, { '+': [{ var: 'accumulator' }, { days_since: [{ var: 'current.on' }] }] }, 0] },
      { map: [{ var: 'a' }, { some: [{ var: 'x' }, { '<': [{ days_since: [{ var: '' }] }, 3] }] }] },
      { all: [{ var: 'a' }, { '!!': { var: 'on' } }] },
    ];
    const data = { a: [{ on: '2025-01-01', x: ['2025-01-30', '2024-01-01'] }, { on: '2025-01-25', x: [] }] };
    for (const rule of rules) {
      const compiled = compileRule(rule, { operators, context: now('2025-01-31T12:00:00Z') });
      const interpreted = compileRule(rule, { operators, context: now('2025-01-31T12:00:00Z'), mode: 'interpret' });
      expect(compiled(data)).toEqual(interpreted(data));
      expect(compiled(data, now('2025-01-02T00:00:00Z'))).toEqual(interpreted(data, now('2025-01-02T00:00:00Z')));
    }
    expect(compileRule(rules[1], { operators, context: now('2025-01-31T12:00:00Z') })(data)).toBe(36);
  });

  it('inlines `in` over short constant lists with indexOf semantics', () => {
    const lists = [[], [0], [-0, null], [true, '', 'x', 1], ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'x']];
    for (const list of lists) {
      agree({ in: [{ var: 'a' }, list] });
      agree({ in: [{ var: 'a.c' }, list] });
      agree({ '!': { in: [{ var: 'b' }, list] } });
    }
    agree({ in: [{ var: 'a' }, { var: 'a' }] });
    // Over a haystack read from the record: a string (substring), an array (element) or neither.
    for (const needle of ['', 'x', 'b', 'str', 1, 5, null, true]) {
      agree({ in: [needle, { var: 'a' }] });
      agree({ in: [needle, { var: 'b' }] });
      agree({ '!': { in: [needle, { var: 'a.c' }] } });
    }
    agree({ in: [{ var: 'b' }, { var: 'a' }] });
    agree({ in: [{ var: 'a.b' }, { var: 'a.c' }] });
  });

  it('reads a repeated path or prefix once, with the same result', () => {
    agree({ if: [{ '==': [{ var: 'a' }, 'x'] }, 1, { '==': [{ var: 'a' }, 0] }, 2, { var: 'a' }] });
    agree({ cat: [{ var: 'a.b' }, '-', { var: 'a.c' }, '-', { var: 'a' }] });
    agree({ and: [{ var: 'a.b' }, { '!': { missing: ['a.b', 'a.c'] } }, { var: ['a.b', 'fallback'] }] });
    agree({ or: [{ var: ['a', 'd'] }, { var: 'a.length' }, { var: 'a.0' }, { var: 'a.length' }] });
    agree({ some: [{ var: 'a' }, { '==': [{ var: '' }, { var: '' }] }] });
  });

  it('runs scoped operators as inline loops with the helpers\' semantics', () => {
    for (const op of ['map', 'filter', 'all', 'some', 'none']) {
      agree({ [op]: [{ var: 'a' }, { '>': [{ var: '' }, 0] }] });
      agree({ [op]: [{ var: 'a' }, { var: 'b' }] });
      agree({ [op]: [{ var: 'a' }, { '==': [{ var: 'b.c' }, { var: 'b' }] }] });
    }
    agree({ reduce: [{ var: 'a' }, { '+': [{ var: 'accumulator' }, { var: 'current' }] }, 10] });
    agree({ reduce: [{ var: 'a' }, { '+': [{ var: 'current.b' }, { var: 'current.b' }, { var: 'accumulator' }] }] });
    agree({ map: [[[1, 2], [3]], { map: [{ var: '' }, { '*': [{ var: '' }, 2] }] }] });
  });

  it('compares against number and string literals with JavaScript semantics (null, undefined, strings, arrays)', () => {
    for (const op of ['<', '<=', '>', '>=']) {
      for (const literal of [0, -1, 1, 2.5, -0, 'x', '', '1', 'b']) {
        agree({ [op]: [{ var: 'a' }, literal] });
        agree({ [op]: [literal, { var: 'a' }] });
        agree({ [op]: [{ var: 'a.b' }, literal] });
        agree({ [op]: [{ var: ['a', 'b'] }, literal] });
        agree({ [op]: [{ '+': [{ var: 'b' }, 1] }, { var: 'a' }] });
      }
    }
    agree({ '<': [0, { var: 'b' }, 5] });
    agree({ '<=': [{ var: 'a' }, 1, { var: 'b' }] });
  });

  it('converts operands of * and + like parseFloat, and tests truthiness of any value', () => {
    for (const rule of [
      { '*': [{ var: 'a' }, 2] }, { '*': [{ var: 'a' }, { var: 'b' }, -1] }, { '*': [-0, { var: 'a' }] }, { '+': [{ var: 'a' }, { var: 'b' }] },
      { '+': [{ var: 'a' }] }, { or: [{ var: 'a' }, { var: 'b' }, 'none'] }, { and: [{ var: 'a' }, { var: 'b' }] },
      { if: [{ var: 'a' }, 'yes', 'no'] }, { '!': [{ var: 'a.b' }] }, { or: [{ merge: [{ var: 'a' }] }, 'empty'] },
    ]) agree(rule);
  });

  it('compares a plugin operator result that may be undefined with a number', () => {
    const operators = createOperatorRegistry();
    operators.register('acme', { name: 'acme.pick', signature: { params: ['any'], returns: 'any' }, evaluate: ([x]) => (x === 0 ? undefined : x) });
    const rule = compileRule({ '>=': [{ 'acme.pick': [{ var: 'a' }] }, 0] }, { operators });
    // undefined compares as NaN (false); null as 0; '3' as 3.
    expect([rule({ a: 0 }), rule({ a: null }), rule({ a: '3' }), rule({ a: 'z' }), rule({ a: -2 })]).toEqual([false, true, true, false, false]);
  });

  it('gives every compiled rule code of its own and keeps numbers out of the source', () => {
    const one = generateSource(parseRule({ '>=': [{ var: 'amount' }, 10000] }), standardOperators);
    const two = generateSource(parseRule({ '>=': [{ var: 'score' }, 80] }), standardOperators);
    expect(one.source).toBe(two.source);
    expect(one.source).not.toMatch(/amount|10000/);
    const a = compileRule({ '>=': [{ var: 'amount' }, 10000] });
    const b = compileRule({ '>=': [{ var: 'score' }, 80] });
    expect([a({ amount: 10000 }), b({ score: 79 }), b({ amount: 100, score: 80 })]).toEqual([true, false, true]);
  });

  it('passes the first constants as parameters and reads the rest from the constants array', () => {
    // 150 distinct strings and numbers: constants past PARAMETER_CONSTANTS are read as K[i].
    const rule = { or: Array.from({ length: 75 }, (_, i) => ({ '==': [{ var: `f${i}` }, `v${i}`] })) };
    const { source, constants } = generateSource(parseRule(rule), standardOperators);
    expect(constants.length).toBeGreaterThan(PARAMETER_CONSTANTS);
    expect(source).toContain(`K[${PARAMETER_CONSTANTS}]`);
    expect(source).not.toContain(`k${PARAMETER_CONSTANTS}`);
    const fn = compileRule(rule);
    expect(fn({ f0: 'v0' })).toBe(true);
    expect(fn({ f74: 'v74' })).toBe(true);
    expect(fn({ f74: 'v73', f40: 'v41' })).toBe(false);
    expect(fn(Object.fromEntries(Array.from({ length: 75 }, (_, i) => [`f${i}`, `v${i + 1}`])))).toBe(false);
  });

  it('asks for the default context only when the rule reads a context', () => {
    const operators = createOperatorRegistry();
    registerBusinessOperators(operators);
    const plain = generateSource(parseRule({ '>': [{ var: 'a' }, 1] }, { operators }), operators);
    const dated = generateSource(parseRule({ '>': [{ days_since: [{ var: 'a' }] }, 1] }, { operators }), operators);
    expect([plain.defaults, /\bD\b/.test(plain.source)]).toEqual([false, false]);
    expect([dated.defaults, /\bD\b/.test(dated.source)]).toEqual([true, true]);
    const now = () => new Date('2025-03-01T00:00:00Z');
    expect(compileRule({ '>': [{ days_since: [{ var: 'a' }] }, 1] }, { operators, context: { now } })({ a: '2025-02-01' })).toBe(true);
  });

  it('compiles through the compiler it is given, and falls back to the interpreter when code generation is refused', () => {
    const calls: { params: readonly string[]; body: string }[] = [];
    const recording: RuleCompiler = (params, body) => {
      calls.push({ params, body });
      return functionConstructorCompiler(params, body);
    };
    const rule = { '>=': [{ var: 'amount' }, 10000] };
    const fn = compileRule(rule, { compiler: recording });
    expect([fn({ amount: 10000 }), fn({ amount: 9999 })]).toEqual([true, false]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.params).toEqual(['OP', 'AP', 'own', 'k0', 'k1']);
    expect(calls[0]?.body).not.toMatch(/amount|10000/);
    // Under a CSP without unsafe-eval: `auto` interprets, `codegen` refuses with a typed error.
    const refusing: RuleCompiler = () => {
      throw new EvalError('code generation from strings disallowed');
    };
    expect(compileRule(rule, { compiler: refusing })({ amount: 20000 })).toBe(true);
    expect(() => compileRule(rule, { compiler: refusing, mode: 'codegen' })).toThrow(expect.objectContaining({ code: 'rule.compile-failed' }));
  });

  it('checks forbidden path segments like FORBIDDEN_SEGMENTS', () => {
    for (const segment of FORBIDDEN_SEGMENTS) expect(isForbiddenSegment(segment)).toBe(true);
    for (const segment of ['', 'proto', '__proto', 'Constructor', 'prototypes', 'a']) expect(isForbiddenSegment(segment)).toBe(FORBIDDEN_SEGMENTS.has(segment));
  });
});
