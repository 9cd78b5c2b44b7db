import { describe, expect, it } from 'vitest';
import { ruleCorpus } from '../../../core/src/rules/index';
import { interpretRule, parseRule, standardOperators } from '../../../core/src/rules/index';
import { graphToLogic } from './graph-to-logic';
import { layoutGraph } from './layout';
import { logicToGraph } from './logic-to-graph';
import { logicToRows, rowsToLogic, type RowsRule } from './rows-model';

const viaGraph = (logic: unknown) => graphToLogic(layoutGraph(logicToGraph(logic))).logic;

const ROWS: RowsRule[] = [
  { join: 'all', rows: [] },
  { join: 'any', rows: [] },
  { join: 'all', rows: [{ field: 'amount.amount', op: '>=', value: 10000 }] },
  { join: 'any', rows: [{ field: 'source', op: '==', value: 'referral' }, { field: 'source', op: 'in', value: ['partner', 'event'] }] },
  { join: 'all', rows: [{ field: 'stage', op: '!=', value: 'lost' }, { field: 'next_step', op: 'set', value: null }, { field: 'competitor', op: 'unset', value: null }, { field: 'probability', op: '<', value: 0.5 }, { field: 'won', op: '==', value: true }, { field: 'close_date', op: '<=', value: '2025-01-01' }] },
];

describe('rows mode: field / operator / value joined by all or any', () => {
  it.each(ROWS.map((r, i) => [i, r] as const))('rows %i -> json-logic -> graph -> json-logic -> rows is identical', (_i, rows) => {
    const logic = rowsToLogic(rows);
    expect(viaGraph(logic)).toEqual(logic);
    expect(logicToRows(viaGraph(logic))).toEqual(rows);
  });

  it('evaluates as the rows say (all / any)', () => {
    const rule = (join: 'all' | 'any') => parseRule(rowsToLogic({ join, rows: [{ field: 'a', op: '>', value: 1 }, { field: 'b', op: 'in', value: ['x', 'y'] }] }));
    const run = (join: 'all' | 'any', data: Record<string, unknown>) => interpretRule(rule(join), data, standardOperators, {});
    expect([run('all', { a: 2, b: 'x' }), run('all', { a: 2, b: 'z' }), run('any', { a: 0, b: 'y' }), run('any', { a: 0, b: 'z' })]).toEqual([true, false, true, false]);
  });

  it('reads a single comparison and the unary forms the graph writes', () => {
    expect(logicToRows({ '>': [{ var: 'amount.amount' }, 5] })).toEqual({ join: 'all', rows: [{ field: 'amount.amount', op: '>', value: 5 }] });
    expect(logicToRows({ and: [{ '!!': { var: 'x' } }, { '!': [{ var: ['y'] }] }] })).toEqual({ join: 'all', rows: [{ field: 'x', op: 'set', value: null }, { field: 'y', op: 'unset', value: null }] });
  });

  it('says a rule it cannot express is not rows (null), and the corpus has both kinds', () => {
    for (const logic of [
      { and: [{ or: [{ '==': [{ var: 'a' }, 1] }] }] },
      { '>': [{ var: 'a' }, { var: 'b' }] },
      { '>': [{ '+': [{ var: 'a' }, 1] }, 2] },
      { and: [] },
      { if: [true, 1, 2] },
      { '==': [1, { var: 'a' }] },
      { in: [{ var: 'a' }, [{ var: 'b' }]] },
      { var: 'a' },
      42,
    ]) expect(logicToRows(logic), JSON.stringify(logic)).toBeNull();
    const expressible = ruleCorpus.corpusRules.filter((c) => logicToRows(c.rule) !== null);
    expect(expressible.length).toBeGreaterThan(0);
    expect(expressible.length).toBeLessThan(ruleCorpus.corpusRules.length);
    // whatever rows read from a corpus rule means the same rule
    for (const c of expressible) {
      const rows = logicToRows(c.rule) as RowsRule;
      const again = rowsToLogic(rows);
      expect(logicToRows(again)).toEqual(rows);
    }
  });
});
