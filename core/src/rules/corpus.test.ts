import { isDeepStrictEqual } from 'node:util';
import jsonLogic from 'json-logic-js';
import { describe, expect, it } from 'vitest';
import { compileRule } from './compile';
import { CORPUS_NOW, corpusRules, dealSchema, generateDeals } from './corpus/index';
import { explain } from './explain';
import { createOperatorRegistry } from './operators/registry';
import { registerBusinessOperators, businessOperators } from './operators/business';

const operators = createOperatorRegistry();
registerBusinessOperators(operators);
const context = { now: () => CORPUS_NOW };
const records = generateDeals(2000, 7);
for (const op of businessOperators) jsonLogic.add_operation(op.name, (...args: unknown[]) => op.evaluate(args, context));

describe('rule corpus', () => {
  it('has at least 20 rules with unique ids', () => {
    expect(corpusRules.length).toBeGreaterThanOrEqual(20);
    expect(new Set(corpusRules.map((c) => c.id)).size).toBe(corpusRules.length);
  });

  it('generates varied, deterministic records', () => {
    expect(generateDeals(50, 7)).toEqual(records.slice(0, 50));
    expect(new Set(records.map((r) => r.stage)).size).toBe(6);
    expect(records.some((r) => r.probability === null)).toBe(true);
    expect(records.some((r) => r.products === undefined)).toBe(true);
  });

  it.each(corpusRules.map((c) => [c.id, c] as const))('%s: compiled = json-logic-js = hand-written = explain', (_id, c) => {
    const compiled = compileRule(c.rule, { operators, schema: dealSchema, context });
    const results = new Set<string>();
    for (const record of records) {
      const value = compiled(record);
      results.add(JSON.stringify(value));
      const reference = jsonLogic.apply(c.rule as jsonLogic.RulesLogic, record);
      const hand = c.handwritten(record, CORPUS_NOW.getTime());
      if (!isDeepStrictEqual(value, reference) || !isDeepStrictEqual(value, hand)) {
        throw new Error(`${c.id} on ${JSON.stringify(record)}: compiled ${String(value)}, json-logic ${String(reference)}, hand-written ${String(hand)}`);
      }
    }
    for (const record of records.slice(0, 200)) expect(explain(c.rule, record, { operators, context }).value).toEqual(compiled(record));
    expect(results.size).toBeGreaterThan(1);
  });
});
