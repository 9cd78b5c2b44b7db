import { describe, expect, it } from 'vitest';
import { checkForStudio, explainForStudio, ruleOperators } from './engine';
import { addRuleReference, connect } from './graph-edit';
import { OUTPUT_ID } from './graph-model';
import { graphToLogic } from './graph-to-logic';
import { logicToGraph } from './logic-to-graph';

describe('saved-rule references in the studio (ADR 032)', () => {
  it('accepts {"rule": id} by its shape and leaves its evaluation to the server', () => {
    expect(ruleOperators().has('rule')).toBe(true);
    expect(checkForStudio({ and: [{ rule: 'big-deal' }, { '>': [{ var: 'amount' }, 1] }] }, undefined)).toEqual([]);
    expect(explainForStudio({ and: [true, { rule: 'big-deal' }] }, {})).toEqual({ server: true });
    // a reference names one rule by its id: a number is a type problem
    expect(checkForStudio({ rule: 5 }, undefined).length).toBeGreaterThan(0);
  });
});

describe('inserting a saved-rule reference in the graph (ADR 032 addendum)', () => {
  it('adds the rule operator fed by the id, which writes {"rule": id} and reads back the same', () => {
    const start = logicToGraph({ and: [true, true] });
    const { graph, id } = addRuleReference(start, 'big-deal', { x: 100, y: 50 });
    expect(graph.nodes.length).toBe(start.nodes.length + 2);
    const and = start.edges.find((e) => e.target === OUTPUT_ID)!.source;
    const wired = connect(graph, id, and, 'arg-1');
    const out = graphToLogic(wired);
    expect(out.logic).toEqual({ and: [true, { rule: 'big-deal' }] });
    expect(graphToLogic(logicToGraph(out.logic)).logic).toEqual(out.logic);
  });
});
