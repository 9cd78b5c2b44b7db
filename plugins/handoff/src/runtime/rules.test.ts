import { describe, expect, it } from 'vitest';
import { conditionProblems, holds, pick, type RoutingRule } from './rules';

const rule = (r: Partial<RoutingRule>): RoutingRule => ({ id: 'r1', name: 'R', position: 1, active: true, appliesTo: null, condition: null, strategy: 'round_robin', team: null, role: null, users: [], weights: {}, capacity: null, territoryField: null, territories: {}, ...r });
const people = ['ann', 'bob', 'cid'].map((id) => ({ id, name: id.toUpperCase() }));

/** The routing strategies and conditions, as pure functions (the database parts are in test/leads.test.ts). */
describe('routing rules', () => {
  it('round robin gives N items over K people N/K each, in candidate order on ties', () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 30; i++) {
      const c = pick(rule({}), { candidates: people, counts, item: {} });
      if (!c) throw new Error('nobody');
      counts[c.user] = (counts[c.user] ?? 0) + 1;
    }
    expect(counts).toEqual({ ann: 10, bob: 10, cid: 10 });
    expect(pick(rule({}), { candidates: people, counts: { ann: 1 }, item: {} })).toEqual({ user: 'bob', reason: 'Round robin over 3 people: BOB had the fewest assignments by this rule (0).', reasonZh: '在 3 人中轮流分配：BOB 按此规则获得的分配最少（0 条）。' });
  });

  it('weighted ratio follows the weights (3:1:0), and a zero weight never gets any', () => {
    const r = rule({ strategy: 'weighted', weights: { ann: 3, bob: 1, cid: 0 } });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 40; i++) {
      const c = pick(r, { candidates: people, counts, item: {} });
      if (!c) throw new Error('nobody');
      counts[c.user] = (counts[c.user] ?? 0) + 1;
    }
    expect(counts).toEqual({ ann: 30, bob: 10 });
  });

  it('capacity picks the least loaded person below the limit, and nobody when all are full', () => {
    const r = rule({ strategy: 'capacity', capacity: 3 });
    expect(pick(r, { candidates: people, counts: {}, open: { ann: 2, bob: 1, cid: 3 }, item: {} })?.user).toBe('bob');
    expect(pick(r, { candidates: people, counts: {}, open: { ann: 3, bob: 3, cid: 3 }, item: {} })).toBeNull();
  });

  it('territory matches the field to a person, and nobody for an unknown or unavailable territory', () => {
    const r = rule({ strategy: 'territory', territoryField: 'country', territories: { DE: 'bob', FR: 'dan' } });
    expect(pick(r, { candidates: people, counts: {}, item: { country: 'DE' } })?.reason).toBe('Territory: country is "DE", which BOB covers.');
    expect(pick(r, { candidates: people, counts: {}, item: { country: 'IT' } })).toBeNull();
    // dan is not a candidate (away or deactivated): the next rule gets the item
    expect(pick(r, { candidates: people, counts: {}, item: { country: 'FR' } })).toBeNull();
  });

  it('account owner picks the owner of the matching account when he is available', () => {
    const r = rule({ strategy: 'account_owner' });
    expect(pick(r, { candidates: people, counts: {}, item: {}, accountOwner: { user: 'cid', account: 'Acme' } })?.reason).toBe('Account owner: CID owns the account "Acme".');
    expect(pick(r, { candidates: people, counts: {}, item: {}, accountOwner: null })).toBeNull();
  });

  it('conditions: json-logic over the item, no condition holds always, a refused rule never holds', () => {
    expect(holds(rule({ condition: { '>=': [{ var: 'score' }, 50] } }), { score: 70 })).toBe(true);
    expect(holds(rule({ condition: { '>=': [{ var: 'score' }, 50] } }), { score: 20 })).toBe(false);
    expect(holds(rule({}), {})).toBe(true);
    expect(holds(rule({ condition: { '==': [{ var: '__proto__.x' }, null] } }), {})).toBe(false);
    expect(conditionProblems({ or: [{ in: [{ var: 'country' }, ['DE', 'AT']] }, { method: [{ var: 'x' }, 'toString'] }] })).toEqual([{ pointer: '/data/condition/or/1/method', message: expect.stringContaining('unknown operator "method"') as unknown as string, code: 'handoff.rule-operator' }]);
    expect(conditionProblems({})).toEqual([]);
    expect(conditionProblems({ a: 1, b: 2 })).toEqual([{ pointer: '/data/condition', message: 'a rule is an object with exactly one operator', code: 'handoff.rule-invalid' }]);
  });
});
