import { beforeAll, describe, expect, it } from 'vitest';
import type { Registry } from '../plugins/registry';
import { checkProcess } from './check';
import { contextOf, sampleProcess, testRegistry } from './fixtures.test-support';
import { isLocked, lockedChanges } from './locks';

let registry: Registry;
beforeAll(async () => {
  registry = await testRegistry();
});

describe('locked fields', () => {
  const won = { lockedFields: ['amount', 'close_date'] };
  const usd = (amount: number) => ({ amount, currency: 'USD' });

  it('names the locked fields a change alters: changed, added or removed', () => {
    const before = { name: 'A', amount: usd(5), close_date: '2026-01-02' };
    expect(lockedChanges(won, before, { ...before, name: 'B' })).toEqual([]);
    expect(lockedChanges(won, before, { name: 'A', close_date: '2026-01-02', amount: { currency: 'USD', amount: 5 } })).toEqual([]);
    expect(lockedChanges(won, before, { ...before, amount: usd(6) })).toEqual(['amount']);
    expect(lockedChanges(won, before, { name: 'A' })).toEqual(['amount', 'close_date']);
    expect(lockedChanges(won, { name: 'A' }, { name: 'A', close_date: '2026-01-02' })).toEqual(['close_date']);
    expect(lockedChanges(undefined, before, {})).toEqual([]);
    expect(lockedChanges({}, before, {})).toEqual([]);
  });

  it('locks every field but the exceptions with allExcept', () => {
    const archived = { lockedFields: { allExcept: ['reason'] } };
    expect(lockedChanges(archived, { name: 'A', reason: 'x' }, { name: 'A', reason: 'y' })).toEqual([]);
    expect(lockedChanges(archived, { name: 'A' }, { name: 'B', engage_date: '2026-01-01' })).toEqual(['engage_date', 'name']);
    expect(isLocked(archived, 'name')).toBe(true);
    expect(isLocked(archived, 'reason')).toBe(false);
    expect(isLocked(won, 'name')).toBe(false);
  });

  it('refuses locked fields the entity does not have, with pointers', () => {
    const def = sampleProcess();
    def.stages[2] = { ...def.stages[2]!, lockedFields: ['amount', 'bogus'] };
    def.stages[3] = { ...def.stages[3]!, lockedFields: { allExcept: ['nope'] } };
    const problems = checkProcess(def, contextOf(registry)).problems.map((p) => `${p.pointer} ${p.code}`);
    expect(problems).toEqual(['/stages/2/lockedFields/1 unknown-field', '/stages/3/lockedFields/allExcept/0 unknown-field']);
    def.stages[2] = { ...def.stages[2]!, lockedFields: ['amount', 'close_date'] };
    def.stages[3] = { ...def.stages[3]!, lockedFields: { allExcept: ['reason'] } };
    expect(checkProcess(def, contextOf(registry)).problems).toEqual([]);
  });
});
