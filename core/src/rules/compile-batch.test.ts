import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { RuleError } from '../errors';
import { compileRule, compileRules, functionConstructorCompiler, type RuleCompiler } from './compile';
import { CORPUS_NOW, corpusRules, dealSchema, generateDeals } from './corpus/index';
import { createOperatorRegistry } from './operators/registry';
import { registerBusinessOperators } from './operators/business';

/**
 * compileRules compiles several rules in one call of the compiler; every function must behave
 * exactly like the one compileRule makes of the same rule.
 */
const operators = createOperatorRegistry();
registerBusinessOperators(operators);
const context = { now: () => CORPUS_NOW };
const records = generateDeals(500, 11);
const rules = corpusRules.map((c) => c.rule);

function recording(): { compiler: RuleCompiler; calls: { params: readonly string[]; body: string }[] } {
  const calls: { params: readonly string[]; body: string }[] = [];
  return {
    calls,
    compiler: (params, body) => {
      calls.push({ params, body });
      return functionConstructorCompiler(params, body);
    },
  };
}

function expectSameAsSingle(batch: ((data: unknown) => unknown)[]): void {
  expect(batch).toHaveLength(rules.length);
  rules.forEach((rule, i) => {
    const single = compileRule(rule, { operators, schema: dealSchema, context });
    for (const record of records) {
      const [a, b] = [batch[i]?.(record), single(record)];
      if (!isDeepStrictEqual(a, b)) throw new Error(`${corpusRules[i]?.id} on ${JSON.stringify(record)}: batch ${String(a)}, single ${String(b)}`);
    }
  });
}

describe('compileRules', () => {
  it('compiles the whole corpus in one compiler call, with the same results as compileRule', () => {
    const { compiler, calls } = recording();
    const batch = compileRules(rules, { operators, schema: dealSchema, context, compiler });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.params).toEqual([]);
    expectSameAsSingle(batch);
  });

  it('keeps rule content out of the generated source', () => {
    const { compiler, calls } = recording();
    const hostile = ['"); globalThis.pwned = 1; ("', '*/ globalThis.pwned = 1 /*', '\\u0027; globalThis.pwned = 1; //'];
    const fns = compileRules(hostile.map((s) => ({ '==': [{ var: 'name' }, s] })), { operators, compiler });
    expect(fns.map((f, i) => f({ name: hostile[i] }))).toEqual([true, true, true]);
    expect(fns.map((f) => f({ name: 'x' }))).toEqual([false, false, false]);
    expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
    for (const s of hostile) expect(calls[0]?.body).not.toContain(s);
    expect(calls[0]?.body).not.toContain('name');
  });

  it('falls back to the interpreter for every rule when code generation is blocked, and refuses in codegen mode', () => {
    const blocked: RuleCompiler = () => {
      throw new EvalError('code generation from strings disallowed');
    };
    expectSameAsSingle(compileRules(rules, { operators, schema: dealSchema, context, compiler: blocked }));
    expect(() => compileRules(rules, { operators, schema: dealSchema, context, compiler: blocked, mode: 'codegen' })).toThrow(expect.objectContaining({ code: 'rule.compile-failed' }));
  });

  it('interprets every rule in interpret mode without calling the compiler', () => {
    const { compiler, calls } = recording();
    expectSameAsSingle(compileRules(rules, { operators, schema: dealSchema, context, compiler, mode: 'interpret' }));
    expect(calls).toHaveLength(0);
  });

  it('names the index of a rule that fails its check', () => {
    let caught: unknown;
    try {
      compileRules([{ '>': [{ var: 'amount' }, 1] }, { var: '__proto__.polluted' }], { operators });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RuleError);
    expect(caught).toMatchObject({ code: 'rule.forbidden-path', extensions: { index: 1 } });
  });

  it('handles no rules and a single rule', () => {
    const { compiler, calls } = recording();
    expect(compileRules([], { operators, compiler })).toEqual([]);
    const [only] = compileRules([{ '+': [{ var: 'a' }, 1] }], { operators, compiler });
    expect(only?.({ a: 2 })).toBe(3);
    expect(calls).toHaveLength(1);
  });
});
