import { beforeAll, describe, expect, it } from 'vitest';
import { ProcessError } from './errors';
import type { Registry } from '../plugins/registry';
import { compileProcess } from './compile';
import { contextOf, sampleProcess, testRegistry } from './fixtures.test-support';
import type { ProcessDefinition } from './types';

let registry: Registry;
beforeAll(async () => {
  registry = await testRegistry();
});

/** Three nested loops over 1,000-element lists: a billion evaluations if nothing stops them. */
const list = Array.from({ length: 1000 }, (_, i) => i);
const CUBIC = { none: [list, { none: [list, { none: [list, { '==': [{ var: '' }, -1] }] }] }] };

const withGuard = (guard: unknown, limits?: { maxSteps: number; maxLength: number }) => {
  const def = sampleProcess() as ProcessDefinition;
  const transitions = (def.transitions ?? []).map((t, i) => (i === 0 ? { ...t, guard } : t));
  const p = compileProcess({ ...def, transitions }, { ...contextOf(registry), ...(limits ? { evaluationLimits: limits } : {}) });
  return { p, t: p.definition.transitions?.[0] };
};

function refusal(run: () => unknown): ProcessError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ProcessError);
    return err as ProcessError;
  }
  throw new Error('the guard was not stopped');
}

describe('guards run under the evaluation limits', () => {
  it('stops three nested 1,000-element loops at the step budget with a 422 pointing into the definition', () => {
    const { p, t } = withGuard(CUBIC);
    const err = refusal(() => p.evaluateGuard(t, { name: 'x' }));
    expect([err.status, err.code]).toEqual([422, 'process.guard-budget-exceeded']);
    expect(err.pointer).toMatch(/^\/transitions\/0\/guard\/none\/1\/none\/1\/none\/1/);
    expect(err.message).toMatch(/more than 1000000 steps/);
  });

  it('counts the copying of a growing list as work, so a quadratic loop stops early', () => {
    const { p, t } = withGuard({ '!!': [{ reduce: [[...list, ...list], { cat: [{ var: 'accumulator' }, 'xx'] }, ''] }] });
    const err = refusal(() => p.evaluateGuard(t, { name: 'x' }));
    expect(err.code).toBe('process.guard-budget-exceeded');
    expect(err.pointer).toBe('/transitions/0/guard/!!/0/reduce/1');
  });

  it('lets ordinary guards through, compiled or budgeted, with the same answers', () => {
    const small = withGuard({ some: [list.slice(0, 10), { '==': [{ var: '' }, 3] }] });
    expect(small.p.evaluateGuard(small.t, { name: 'x' })).toEqual({ passed: true });
    const plain = withGuard({ '==': [{ var: 'name' }, 'ok'] });
    expect(plain.p.evaluateGuard(plain.t, { name: 'ok' })).toEqual({ passed: true });
    const failed = plain.p.evaluateGuard(plain.t, { name: 'no' });
    expect(failed.passed).toBe(false);
  });

  it('uses the limits the context gives', () => {
    const { p, t } = withGuard({ some: [list, { '==': [{ var: '' }, 999] }] }, { maxSteps: 500, maxLength: 100 });
    expect(refusal(() => p.evaluateGuard(t, { name: 'x' })).code).toBe('process.guard-budget-exceeded');
  });
});
