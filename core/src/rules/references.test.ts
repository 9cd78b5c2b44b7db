import { describe, expect, it } from 'vitest';
import { RuleError } from '../errors';
import { checkRule } from './check';
import { interpretRule } from './interpret';
import { standardOperators } from './operators/registry';
import { expandRuleReferences, ruleReferences, type ResolvedRule } from './references';
import { toSql } from './sql/to-sql';

const lib = (entries: Record<string, unknown>): ((id: string) => ResolvedRule | undefined) => (id) => (Object.hasOwn(entries, id) ? { logic: entries[id], version: 7 } : undefined);
const thrown = (fn: () => unknown): RuleError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof RuleError) return err;
    throw err;
  }
  throw new Error('did not throw');
};

describe('saved-rule references', () => {
  it('lists direct references with their pointers', () => {
    expect(ruleReferences({ and: [{ rule: 'a' }, { or: [{ rule: ['b'] }, { rule: 3 }] }] }, '/guard')).toEqual([
      { id: 'a', pointer: '/guard/and/0' },
      { id: 'b', pointer: '/guard/and/1/or/0' },
      { id: '', pointer: '/guard/and/1/or/1' },
    ]);
  });

  it('inlines references recursively and reports the versions used; the result evaluates and translates to SQL', () => {
    const resolve = lib({ big: { '>=': [{ var: 'amount' }, 100] }, hot: { and: [{ rule: 'big' }, { '==': [{ var: 'source' }, 'referral'] }] } });
    const { logic, used } = expandRuleReferences({ '!': [{ rule: 'hot' }] }, resolve);
    expect(logic).toEqual({ '!': [{ and: [{ '>=': [{ var: 'amount' }, 100] }, { '==': [{ var: 'source' }, 'referral'] }] }] });
    expect([...used]).toEqual([['hot', 7], ['big', 7]]);
    const tree = checkRule(logic);
    expect(interpretRule(tree, { amount: 150, source: 'referral' }, standardOperators, {})).toBe(false);
    expect(interpretRule(tree, { amount: 50, source: 'referral' }, standardOperators, {})).toBe(true);
    const schema = { type: 'object', properties: { amount: { type: 'number' }, source: { type: 'string' } } };
    expect(() => toSql(logic, { schema })).not.toThrow();
  });

  it('refuses unknown rules, malformed references and cycles, each at the pointer of the reference', () => {
    const unknown = thrown(() => expandRuleReferences({ and: [true, { rule: 'ghost' }, { rule: { var: 'x' } }] }, lib({}), '/logic'));
    expect(unknown.details.map((d) => [d.pointer, d.code])).toEqual([['/logic/and/1', 'unknown-rule'], ['/logic/and/2', 'invalid-reference']]);
    const cycle = thrown(() => expandRuleReferences({ or: [false, { rule: 'a' }] }, lib({ a: { rule: 'b' }, b: { '!': [{ rule: 'a' }] } })));
    expect(cycle.details[0]).toMatchObject({ pointer: '/or/1', code: 'reference-cycle' });
    expect(cycle.message).toContain('"a" -> "b" -> "a"');
    const nested = thrown(() => expandRuleReferences({ rule: 'a' }, lib({ a: { rule: 'gone' } })));
    expect(nested.details[0]).toMatchObject({ pointer: '', code: 'unknown-rule' });
    expect(nested.message).toContain('through "a"');
  });

  it('leaves a rule without references as it is', () => {
    const logic = { '==': [{ var: 'rule' }, 'x'] };
    expect(expandRuleReferences(logic, lib({})).logic).toBe(logic);
  });
});
