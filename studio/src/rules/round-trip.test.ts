import { describe, expect, it } from 'vitest';
import { ruleCorpus } from '../../../core/src/rules/index';
import { checkForStudio } from './engine';
import { OUTPUT_ID } from './graph-model';
import { graphToLogic, nodeForPointer } from './graph-to-logic';
import { layoutGraph } from './layout';
import { logicToGraph } from './logic-to-graph';

describe('rule graph round-trip on the rule-engine corpus', () => {
  it('has rules to test', () => {
    expect(ruleCorpus.corpusRules.length).toBeGreaterThan(10);
  });

  it.each(ruleCorpus.corpusRules.map((c) => [c.id, c.rule] as const))('%s: json-logic -> graph -> json-logic is identical', (_id, rule) => {
    const graph = logicToGraph(rule);
    const back = graphToLogic(layoutGraph(graph));
    expect(back.problems).toEqual([]);
    expect(back.logic).toEqual(rule);
    expect(JSON.stringify(back.logic)).toBe(JSON.stringify(rule));
    // every node but the output is reached, and node ids are the pointers they are emitted at
    expect(new Set(back.pointers.values()).size).toBe(graph.nodes.length - 1);
    for (const [pointer, id] of back.pointers) expect(id).toBe(`n${pointer}`);
  });
});

describe('rule graph edge cases', () => {
  const cases: [string, unknown][] = [
    ['constant', 42],
    ['null', null],
    ['unary sugar', { '!': { var: 'a' } }],
    ['var with fallback', { var: ['a.b', 0] }],
    ['dynamic var', { var: { cat: ['a', 'b'] } }],
    ['whole record', { var: '' }],
    ['array of rules', { in: [{ var: 'x' }, [1, { var: 'y' }]] }],
    ['array of constants', { in: [{ var: 'x' }, ['a', 'b']] }],
    ['empty args', { if: [] }],
    ['operator named /', { '/': [{ var: 'a' }, 2] }],
    ['metric', { '>=': [{ var: 'metrics.crm.visits' }, 10] }],
    ['nested scope', { some: [{ var: 'items' }, { '>': [{ var: 'qty' }, 2] }] }],
    ['multi-key object literal', { a: 1, b: 2 }],
  ];
  it.each(cases)('%s round-trips', (_name, rule) => {
    const back = graphToLogic(logicToGraph(rule));
    expect(back.problems).toEqual([]);
    expect(back.logic).toEqual(rule);
  });

  it('classifies inputs', () => {
    const g = logicToGraph({ '+': [{ var: 'metrics.crm.visits' }, { var: 'amount' }, 3] });
    expect(g.nodes.map((n) => n.data.kind).sort()).toEqual(['constant', 'field', 'metric', 'operator', 'output']);
  });

  it('reports unconnected arguments and an unconnected output', () => {
    const g = logicToGraph({ and: [{ var: 'a' }, { var: 'b' }] });
    const cut = { ...g, edges: g.edges.filter((e) => e.source !== 'n/and/1') };
    expect(graphToLogic(cut).problems).toEqual([{ nodeId: 'n', code: 'unconnected-argument', arg: 1, message: 'argument 2 is not connected' }]);
    expect(graphToLogic({ ...g, edges: g.edges.filter((e) => e.target !== OUTPUT_ID) }).problems[0]?.code).toBe('unconnected-output');
  });

  it('reports cycles instead of looping', () => {
    const g = logicToGraph({ '!': { '!': true } });
    const looped = { ...g, edges: [...g.edges.filter((e) => e.source !== 'n/!/!'), { id: 'x', source: 'n', target: 'n/!', targetHandle: 'arg-0' }] };
    expect(graphToLogic(looped).problems.some((p) => p.code === 'cycle')).toBe(true);
  });

  it('maps checker problems to the offending node', () => {
    const schema = { type: 'object', properties: { close_date: { type: 'string', format: 'date' }, amount: { type: 'number' } } };
    const rule = { and: [{ '>': [{ var: 'amount' }, 5] }, { '>': [{ var: 'nope' }, 5] }] };
    const { pointers } = graphToLogic(logicToGraph(rule));
    const problems = checkForStudio(rule, schema);
    expect(problems.length).toBeGreaterThan(0);
    const nodes = problems.map((p) => nodeForPointer(pointers, p.pointer));
    expect(nodes).toContain('n/and/1/>/0');
  });

  it('lays out left to right with the output rightmost', () => {
    const g = layoutGraph(logicToGraph({ '>=': [{ var: 'amount' }, 10] }));
    const out = g.nodes.find((n) => n.id === OUTPUT_ID);
    expect(Math.max(...g.nodes.map((n) => n.position.x))).toBe(out?.position.x);
  });
});
