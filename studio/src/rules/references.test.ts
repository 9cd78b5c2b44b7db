import { describe, expect, it } from 'vitest';
import { checkForStudio, explainForStudio, ruleOperators } from './engine';

describe('saved-rule references in the studio (ADR 032)', () => {
  it('accepts {"rule": id} by its shape and leaves its evaluation to the server', () => {
    expect(ruleOperators().has('rule')).toBe(true);
    expect(checkForStudio({ and: [{ rule: 'big-deal' }, { '>': [{ var: 'amount' }, 1] }] }, undefined)).toEqual([]);
    expect(explainForStudio({ and: [true, { rule: 'big-deal' }] }, {})).toEqual({ server: true });
    // a reference names one rule by its id: a number is a type problem
    expect(checkForStudio({ rule: 5 }, undefined).length).toBeGreaterThan(0);
  });
});
