import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuleError } from '../errors';
import { compileRule } from './compile';
import { generateSource } from './codegen';
import { dataArb, ruleArb } from './differential-arbitraries';
import { explain } from './explain';
import { createOperatorRegistry, standardOperators } from './operators/registry';
import { parseRule, parseRuleJson } from './parse';

function refused(rule: unknown, code: string): RuleError {
  try {
    compileRule(rule);
  } catch (err) {
    expect(err).toBeInstanceOf(RuleError);
    expect((err as RuleError).code).toBe(code);
    return err as RuleError;
  }
  throw new Error(`rule was accepted: ${JSON.stringify(rule).slice(0, 100)}`);
}

function nested(depth: number): unknown {
  let rule: unknown = 1;
  for (let i = 0; i < depth; i++) rule = { '!': [rule] };
  return rule;
}

describe('hostile rules', () => {
  it('refuses prototype paths at check time, with a pointer', () => {
    expect(refused({ var: '__proto__.polluted' }, 'rule.forbidden-path').pointer).toBe('/var');
    refused({ var: 'constructor.constructor' }, 'rule.forbidden-path');
    expect(refused({ and: [true, { var: ['a.prototype', 1] }] }, 'rule.forbidden-path').pointer).toBe('/and/1/var/0');
    refused({ missing: ['__proto__'] }, 'rule.forbidden-path');
    refused({ missing_some: [1, ['a', 'constructor.name']] }, 'rule.forbidden-path');
  });

  it('never reads inherited or forbidden properties, even through computed paths', () => {
    const data = JSON.parse('{"__proto__": {"polluted": 1}, "a": {}}') as unknown;
    expect(compileRule({ var: { cat: ['__pro', 'to__.polluted'] } })(data)).toBeNull();
    expect(compileRule({ var: { cat: ['constructor'] } })({})).toBeNull();
    expect(compileRule({ var: 'toString' })({})).toBeNull();
    expect(compileRule({ var: 'a.hasOwnProperty' })(data)).toBeNull();
    expect(compileRule({ missing: ['toString'] })({})).toEqual(['toString']);
    Object.defineProperty(Object.prototype, 'pwPolluted', { value: 'yes', configurable: true, writable: true });
    Object.defineProperty(Array.prototype, '7', { value: 'yes', configurable: true, writable: true });
    try {
      expect(compileRule({ var: 'pwPolluted' })({})).toBeNull();
      expect(compileRule({ var: 'pwPolluted' })({ pwPolluted: 'yes' })).toBe('yes');
      expect(compileRule({ var: 'list.7' })({ list: [1] })).toBeNull();
      expect(compileRule({ var: 'pwPolluted' }, { mode: 'interpret' })({})).toBeNull();
    } finally {
      delete (Object.prototype as Record<string, unknown>).pwPolluted;
      delete (Array.prototype as unknown as Record<string, unknown>)['7'];
    }
  });

  it('refuses 10,000-deep nesting without a stack overflow', () => {
    refused(nested(10_000), 'rule.too-deep');
    expect(() => parseRuleJson('['.repeat(10_000) + ']'.repeat(10_000))).toThrow(RuleError);
    const cyclic: Record<string, unknown> = {};
    cyclic.and = [cyclic];
    refused(cyclic, 'rule.too-deep');
  });

  it('refuses a reduce whose result keeps its accumulator twice (exponential growth), and allows one copy', () => {
    const acc = { var: 'accumulator' };
    for (const body of [{ merge: [acc, acc] }, { cat: [acc, acc] }, [acc, acc], { merge: [acc, { if: [{ var: 'current' }, acc, []] }] }, { map: [{ merge: [acc, acc] }, { var: '' }] }, { missing: { merge: [acc, acc] } }]) {
      const err = refused({ reduce: [{ var: 'a' }, body, []] }, 'rule.unbounded-growth');
      expect(err.pointer, JSON.stringify(body)).toBe('/reduce/1');
    }
    // One copy grows linearly; two copies of which only one is returned do not grow.
    const data = { a: [1, 2, 3] };
    expect(compileRule({ reduce: [{ var: 'a' }, { merge: [acc, [{ var: 'current' }]] }, []] })(data)).toEqual([1, 2, 3]);
    expect(compileRule({ reduce: [{ var: 'a' }, { if: [{ '>': [{ var: 'current' }, acc] }, { var: 'current' }, acc] }, 0] })(data)).toBe(3);
    expect(compileRule({ reduce: [{ var: 'a' }, { '+': [acc, acc, { var: 'current' }] }, 0] })(data)).toBe(11);
    expect(compileRule({ reduce: [{ var: 'a' }, { if: [{ merge: [acc, acc] }, acc, acc] }, [1]] })(data)).toEqual([1]);
  });

  it('refuses a 10 MB rule in work linear in its size (each value read at most once)', () => {
    refused({ in: [{ var: 'a' }, ['x'.repeat(10 * 1024 * 1024)]] }, 'rule.too-large');
    // Counted in work, not time: the check reads each of a million elements at most once.
    let reads = 0;
    const elements = Array.from({ length: 1_000_000 }, (_, i) => `v${i}`);
    const counted = new Proxy(elements, { get: (target, key, receiver) => (typeof key === 'string' && /^\d+$/.test(key) && reads++, Reflect.get(target, key, receiver)) });
    refused({ in: [{ var: 'a' }, counted] }, 'rule.too-large');
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThanOrEqual(elements.length);
    expect(() => parseRuleJson(JSON.stringify({ cat: ['y'.repeat(10 * 1024 * 1024)] }))).toThrow(/larger than/);
  });

  it('refuses unknown operators, non-JSON values and malformed nodes', () => {
    expect(refused({ eval: ['1+1'] }, 'rule.unknown-operator').pointer).toBe('');
    refused({ and: [{ 'constructor': [] }] }, 'rule.unknown-operator');
    refused(JSON.parse('{"__proto__": [1]}'), 'rule.unknown-operator');
    refused({ method: [{ var: 'a' }, 'toString'] }, 'rule.unknown-operator');
    refused({ '==': [1, 2], '!=': [1, 2] }, 'rule.invalid-node');
    refused({ '==': [() => 1, 2] }, 'rule.invalid-value');
    refused({ '==': [Number.NaN, 2] }, 'rule.invalid-value');
    refused({ '==': [new Date(), 2] }, 'rule.invalid-value');
    refused({ '==': [1] }, 'rule.arity');
  });

  it('does not let a plugin override a built-in or another plugin', () => {
    const operators = createOperatorRegistry();
    const evil = { name: '==', signature: { params: ['any', 'any'] as const, returns: 'boolean' as const }, evaluate: () => true };
    expect(() => operators.register('evil', evil)).toThrow(expect.objectContaining({ code: 'rule.operator-conflict' }));
    operators.register('crm', { ...evil, name: 'crm_score' });
    expect(() => operators.register('evil', { ...evil, name: 'crm_score' })).toThrow(expect.objectContaining({ code: 'rule.operator-conflict' }));
    expect(() => operators.register('evil', { ...evil, name: '__proto__' })).toThrow(expect.objectContaining({ code: 'rule.operator-invalid' }));
    expect(() => operators.register('jsonlogic', { ...evil, name: 'x' })).toThrow(expect.objectContaining({ code: 'rule.operator-invalid' }));
    // Plugin ids may hold underscores (the manifest allows them): such a plugin can add operators.
    operators.register('acme_territory', { ...evil, name: 'acme_score' });
    expect(operators.get('acme_score')?.owner).toBe('acme_territory');
    expect(() => operators.register('Acme', { ...evil, name: 'acme_other' })).toThrow(expect.objectContaining({ code: 'rule.operator-invalid' }));
    expect(() => standardOperators.register('crm', { ...evil, name: 'y' })).toThrow(expect.objectContaining({ code: 'rule.registry-frozen' }));
    expect(compileRule({ '==': [1, 2] }, { operators })({})).toBe(false);
  });

  it('keeps rule content out of generated source', () => {
    const nasty = ['"); globalThis.pwned = 1; ("', '`${globalThis.pwned = 1}`', '\u2028', '*/ pwned = 1 /*', "'\\'"];
    for (const text of nasty) {
      const rule = { if: [{ '==': [{ var: text.replace(/\./g, '') }, text] }, { cat: [text, { var: 'a' }] }, { in: [text, [text, 1e21]] }] };
      const { source, constants } = generateSource(parseRule(rule), standardOperators);
      expect(source).not.toContain(text);
      expect(source).not.toMatch(/pwned|1e\+?21/);
      expect(constants).toContain(text);
      const fn = compileRule(rule);
      expect(fn({ a: 'x', [text.replace(/\./g, '')]: text })).toBe(`${text}x`);
    }
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  it('leaves Object.prototype unchanged after a fuzz run', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const hostileData = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "a": [1, {"__proto__": {"x": 1}}]}') as unknown;
    fc.assert(
      fc.property(ruleArb, dataArb, (rule, data) => {
        for (const record of [data, hostileData]) {
          try {
            compileRule(rule)(record);
            explain(rule, record);
          } catch {
            // evaluation errors are allowed; pollution is not
          }
        }
      }),
      { numRuns: 3000, seed: 99 },
    );
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
