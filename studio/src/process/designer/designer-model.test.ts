import { describe, expect, it } from 'vitest';
import type { EntityInfo } from '../../api/types';
import type { ProcessDefinition } from '../../api/processes';
import { addStage, ANY_NODE, connectStages, deleteEdge, deleteStages, positionsOf, renameStage, transitionTargets, withLayout } from './designer-model';
import { buildEdges, buildNodes } from './designer-graph';
import { locateProblems, NO_PROBLEMS } from './problem-map';
import { layoutProcess } from './process-layout';
import { buildRequirements, requiredFields } from './requirements';

const def: ProcessDefinition = {
  id: 'p',
  label: 'P',
  entity: 'pipeline.deal',
  initialStage: 'a',
  stages: [
    { id: 'a', label: 'A', kind: 'open' },
    { id: 'b', label: 'B', kind: 'open' },
    { id: 'won', label: 'Won', kind: 'won' },
    { id: 'lost', label: 'Lost', kind: 'lost' },
  ],
  transitions: [
    { id: 'ab', from: 'a', to: 'b' },
    { id: 'win', from: ['a', 'b'], to: 'won', guard: { '>': [{ var: 'amount.amount' }, 0] } },
    { id: 'lose', from: '*', to: 'lost' },
  ],
};

describe('designer model', () => {
  it('adds, connects, renames and deletes stages, keeping transitions consistent', () => {
    const { def: added, id } = addStage(def, 'New');
    expect(id).toBe('stage_5');
    const connected = connectStages(added, 'b', id);
    expect(connected?.transitions?.at(-1)).toEqual({ id: 'b_to_stage_5', from: 'b', to: 'stage_5' });
    expect(connectStages(def, 'a', 'b')).toBeNull();
    expect(connectStages(def, 'a', 'a')).toBeNull();
    expect(connectStages(def, ANY_NODE, 'b')?.transitions?.at(-1)).toMatchObject({ from: '*', to: 'b' });

    const renamed = renameStage(def, { a: { x: 1, y: 2 } }, 'a', 'start');
    expect(renamed?.def.initialStage).toBe('start');
    expect(renamed?.def.transitions?.[1]?.from).toEqual(['start', 'b']);
    expect(renamed?.positions).toEqual({ start: { x: 1, y: 2 } });
    expect(renameStage(def, {}, 'a', 'b')).toBeNull();
    expect(renameStage(def, {}, 'a', 'Bad Id')).toBeNull();

    const without = deleteStages(def, ['b']);
    expect(without.stages.map((s) => s.id)).toEqual(['a', 'won', 'lost']);
    expect(without.transitions?.map((t) => [t.id, t.from])).toEqual([['win', ['a']], ['lose', '*']]);
    expect(deleteEdge(def, 'win', 'a').transitions?.[1]?.from).toEqual(['b']);
    expect(deleteEdge(def, 'ab', 'a').transitions?.map((t) => t.id)).toEqual(['win', 'lose']);
  });

  it('offers as transition targets exactly the stages connectStages accepts', () => {
    // "a" leads to "b" and (in a list of sources) to "won"; "lost" is reached only through "*"
    expect(transitionTargets(def, 'a').map((s) => s.id)).toEqual(['lost']);
    expect(transitionTargets(def, 'won').map((s) => s.id)).toEqual(['a', 'b', 'lost']);
    expect(transitionTargets(def, ANY_NODE).map((s) => s.id)).toEqual(['a', 'b', 'won']);
    for (const source of ['a', 'b', 'won', 'lost', ANY_NODE]) {
      const offered = transitionTargets(def, source).map((s) => s.id);
      const accepted = def.stages.map((s) => s.id).filter((target) => connectStages(def, source, target) !== null);
      expect(offered, source).toEqual(accepted);
    }
    const next = connectStages(def, 'a', 'lost');
    expect(next && transitionTargets(next, 'a')).toEqual([]);
    expect(transitionTargets({ ...def, transitions: undefined }, 'a').map((s) => s.id)).toEqual(['b', 'won', 'lost']);
  });

  it('saves rounded positions and the viewport in layout and reads them back', () => {
    const doc = withLayout(def, { a: { x: 1.4, y: 2.6 }, gone: { x: 0, y: 0 } }, { x: 3.3, y: 4, zoom: 0.12345 });
    expect(doc.layout).toEqual({ nodes: { a: { x: 1, y: 3 } }, viewport: { x: 3, y: 4, zoom: 0.123 } });
    expect(positionsOf(doc)).toEqual({ a: { x: 1, y: 3 } });
  });

  it('draws one edge per source, the any-stage node, and lays everything out', () => {
    const positions = layoutProcess(def);
    expect(Object.keys(positions).sort()).toEqual([ANY_NODE, 'a', 'b', 'lost', 'won'].sort());
    expect(positions.a!.x).toBeLessThan(positions.b!.x);
    const nodes = buildNodes(def, positions, NO_PROBLEMS);
    expect(nodes.map((n) => n.id)).toEqual(['a', 'b', 'won', 'lost', ANY_NODE]);
    expect(buildEdges(def, NO_PROBLEMS, 'win').map((e) => [e.id, e.selected])).toEqual([
      ['t:ab:a', false], ['t:win:a', true], ['t:win:b', true], ['t:lose:__any', false],
    ]);
    // unchanged nodes keep their identity (React Flow skips them)
    const again = buildNodes(def, positions, NO_PROBLEMS, nodes);
    expect(again.every((n, i) => n === nodes[i])).toBe(true);
  });

  it('maps server pointers to stages and transitions by id', () => {
    const located = locateProblems(def, [
      { pointer: '/stages/1/sla/warnBefore', code: 'invalid-duration', message: 'bad duration' },
      { pointer: '/transitions/1/guard/>/0', code: 'invalid-guard', message: 'unknown field' },
      { pointer: '/initialStage', code: 'x', message: 'initial problem' },
      { pointer: '/entity', code: 'unknown-entity', message: 'no entity' },
    ]);
    expect(located.stages.get('b')).toEqual(['bad duration']);
    expect(located.stages.get('a')).toEqual(['initial problem']);
    expect(located.transitions.get('win')).toEqual(['unknown field']);
    expect(located.guards.get('win')).toEqual([{ pointer: '/>/0', message: 'unknown field' }]);
    expect(located.general).toEqual(['/entity: no entity']);
    const nodes = buildNodes(def, {}, located);
    expect(nodes.find((n) => n.id === 'b')?.data.problems).toEqual(['bad duration']);
    expect(buildEdges(def, located, null).filter((e) => e.className?.includes('has-error')).map((e) => e.id)).toEqual(['t:win:a', 't:win:b']);
  });

  it('builds entry requirements from picked fields, keeping existing constraints', () => {
    const entity = {
      fields: [{ name: 'name' }, { name: 'amount' }, { name: 'next_step' }],
      schema: { type: 'object', properties: { name: { type: 'string', title: 'Name' }, amount: { $ref: 'https://pipewright.dev/schemas/types.schema.json#/$defs/money', title: 'Amount' }, next_step: { type: 'string', maxLength: 500 } } },
    } as unknown as EntityInfo;
    const previous = { type: 'object', required: ['amount'], properties: { amount: { type: 'object', required: ['amount'] } } };
    const req = buildRequirements(entity, ['next_step', 'amount'], previous);
    expect(req).toEqual({ type: 'object', required: ['amount', 'next_step'], properties: { amount: { type: 'object', required: ['amount'] }, next_step: { type: 'string', maxLength: 500, minLength: 1 } } });
    expect(requiredFields(req)).toEqual(['amount', 'next_step']);
    expect(buildRequirements(entity, [], previous)).toBeUndefined();
  });
});
