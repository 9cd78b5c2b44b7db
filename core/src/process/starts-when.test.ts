import { beforeAll, describe, expect, it } from 'vitest';
import type { Registry } from '../plugins/registry';
import { checkProcess } from './check';
import { contextOf, sampleProcess, testRegistry } from './fixtures.test-support';
import { startsWhenMismatch } from './starts-when';

let registry: Registry;
beforeAll(async () => {
  registry = await testRegistry();
});
const codes = (doc: unknown) => checkProcess(doc, contextOf(registry)).problems.map((p) => `${p.pointer} ${p.code}`);

describe('startsWhen: which new records a process takes', () => {
  it('matches a value or one of a list, and names the first field that does not match', () => {
    expect(startsWhenMismatch(undefined, { kind: 'x' })).toBeNull();
    expect(startsWhenMismatch({ kind: 'a' }, { kind: 'a', other: 1 })).toBeNull();
    expect(startsWhenMismatch({ kind: ['a', 'b'] }, { kind: 'b' })).toBeNull();
    expect(startsWhenMismatch({ kind: 'a' }, { kind: 'b' })).toBe('kind');
    expect(startsWhenMismatch({ kind: ['a', 'b'] }, {})).toBe('kind');
    expect(startsWhenMismatch({ kind: 'a', flag: true }, { kind: 'a', flag: false })).toBe('flag');
  });

  it('is checked against the entity\'s fields and the process schema', () => {
    const field = [...(registry.entities.get(sampleProcess().entity)?.fields.keys() ?? [])][0];
    if (!field) throw new Error('the sample entity has no fields');
    expect(codes({ ...sampleProcess(), startsWhen: { [field]: 'x' } })).toEqual([]);
    expect(codes({ ...sampleProcess(), startsWhen: { no_such_field: 'x' } })).toEqual(['/startsWhen/no_such_field unknown-field']);
    expect(codes({ ...sampleProcess(), startsWhen: {} })).toContain('/startsWhen schema');
    expect(codes({ ...sampleProcess(), startsWhen: { [field]: { nested: true } } }).some((c) => c.startsWith(`/startsWhen/${field}`))).toBe(true);
  });
});
