import { beforeAll, describe, expect, it } from 'vitest';
import type { Registry } from '../plugins/registry';
import { isPipewrightError } from '../errors';
import { replayTransitions } from './backtest';
import { checkProcess } from './check';
import { compileProcess } from './compile';
import { diffProcesses } from './diff';
import { parseIsoDuration, slaTimes } from './duration';
import { checkStageMapping, planMigration } from './migrate';
import { contextOf, sampleProcess, testRegistry } from './fixtures.test-support';
import type { ProcessDefinition } from './types';

let registry: Registry;
beforeAll(async () => {
  registry = await testRegistry();
});
const problemsOf = (doc: unknown) => checkProcess(doc, contextOf(registry)).problems;
const codes = (doc: unknown) => problemsOf(doc).map((p) => `${p.pointer} ${p.code}`);

describe('checkProcess', () => {
  it('accepts a sound process', () => {
    expect(problemsOf(sampleProcess())).toEqual([]);
  });

  it('reports schema problems with pointers before anything else', () => {
    const doc = { ...sampleProcess(), stages: [{ id: 'x', label: 'X', kind: 'maybe' }] };
    expect(codes(doc)).toContain('/stages/0/kind schema');
  });

  it('reports unreachable stages and open stages with no way out', () => {
    const def = sampleProcess();
    def.allowBackward = false;
    def.stages.push({ id: 'orphan', label: 'Orphan', kind: 'open' });
    def.transitions = def.transitions?.map((t) => (t.id === 'lose' ? { ...t, from: ['lead', 'quote'] } : t));
    expect(codes(def)).toEqual(['/stages/4 unreachable-stage', '/stages/4 dead-end']);
  });

  it('reports unknown stages, duplicate ids, bad initial stage and self transitions', () => {
    const def = sampleProcess();
    def.initialStage = 'won';
    def.stages.push({ id: 'lead', label: 'Again', kind: 'open' });
    def.transitions?.push({ from: ['quote', 'nowhere'], to: 'ghost' }, { from: 'lead', to: 'lead' });
    expect(codes(def)).toEqual(expect.arrayContaining(['/stages/4/id duplicate-stage', '/initialStage initial-stage-closed', '/transitions/3/from/1 unknown-stage', '/transitions/3/to unknown-stage', '/transitions/4/to self-transition']));
  });

  it('checks guards against the entity schema with the rule checker, pointing into the guard', () => {
    const def = sampleProcess();
    const win = def.transitions?.[1];
    if (win) win.guard = { and: [{ '>': [{ var: 'close_date' }, 5] }, { frobnicate: [1] }] };
    const problems = problemsOf(def);
    expect(problems.every((p) => p.pointer.startsWith('/transitions/1/guard') && p.code === 'invalid-guard')).toBe(true);
    expect(problems.length).toBeGreaterThan(0);
  });

  it('reports unknown action types, invalid configurations, unknown fields and roles', () => {
    const def = sampleProcess();
    def.transitions?.push(
      { id: 'a', from: 'lead', to: 'won', roles: ['wizard'], actions: [{ type: 'nope.nothing' }, { type: 'sales.ping', config: { to: 3 } }, { type: 'core.set_field', config: { field: 'colour', value: 'red' } }, { type: 'core.set_field', config: { field: 'name', value: 7 } }] },
    );
    def.stages[1]?.requirements && ((def.stages[1].requirements.required as string[]).push('budget'));
    expect(codes(def)).toEqual(expect.arrayContaining(['/transitions/3/roles/0 unknown-role', '/transitions/3/actions/0/type unknown-action-type', '/transitions/3/actions/1/config/to invalid-action-config', '/transitions/3/actions/2/config/field unknown-field', '/transitions/3/actions/3/config/value invalid-value', '/stages/1/requirements/required/1 unknown-field']));
  });

  it('reports requirements that do not compile and SLAs that cannot be parsed', () => {
    const def = sampleProcess();
    const lead = def.stages[0];
    if (lead) lead.requirements = { type: 'object', properties: { name: { type: 'string', bogus: 1 } } };
    expect(codes(def)).toContain('/stages/0/requirements invalid-requirements');
  });
});

describe('CompiledProcess', () => {
  it('resolves explicit and implied moves and refuses others with the allowed targets', () => {
    const p = compileProcess(sampleProcess(), contextOf(registry));
    expect(p.resolveMove('lead', 'quote').transition?.id).toBe('quote');
    expect(p.resolveMove('quote', 'lead').kind).toBe('backward');
    try {
      p.resolveMove('lead', 'won');
      expect.unreachable();
    } catch (err) {
      expect(isPipewrightError(err) && err.code).toBe('process.transition-not-allowed');
      expect(isPipewrightError(err) && err.extensions.allowed).toEqual(['quote', 'lost']);
    }
  });

  it('explains a failed guard and lists unmet requirements with a schema for exactly those fields', () => {
    const p = compileProcess(sampleProcess(), contextOf(registry));
    const win = p.resolveMove('quote', 'won').transition;
    const failed = p.evaluateGuard(win, { amount: { amount: 10, currency: 'EUR' } });
    expect(failed.passed).toBe(false);
    if (!failed.passed) {
      expect(failed.message).toBe('Deals under 1000 are not worth it.');
      expect(failed.explanation.sentence).toContain('amount.amount');
    }
    expect(p.evaluateGuard(win, { amount: { amount: 5000, currency: 'EUR' } }).passed).toBe(true);
    const unmet = p.checkRequirements('won', { name: 'x', amount: { amount: 5, currency: 'EUR' } });
    expect(unmet?.fields).toEqual(['close_date']);
    expect(unmet?.details[0]?.pointer).toBe('/data/close_date');
    expect(unmet?.schema).toEqual({ type: 'object', required: ['close_date'], properties: { close_date: { title: 'Close date', $ref: 'https://pipewright.dev/schemas/types.schema.json#/$defs/date' } } });
    expect(p.checkRequirements('won', { close_date: '2025-01-01', amount: { amount: 5, currency: 'EUR' } })).toBeNull();
  });
});

describe('diffProcesses', () => {
  it('lists stages and transitions added, removed and changed, and changed rules', () => {
    const a = sampleProcess();
    const b: ProcessDefinition = structuredClone(a);
    b.stages.splice(1, 0, { id: 'meet', label: 'Meeting', kind: 'open' });
    const lost = b.stages.find((s) => s.id === 'lost');
    if (lost) lost.label = 'Closed lost';
    b.transitions = [{ id: 'meet', from: 'lead', to: 'meet' }, { id: 'quote', from: 'meet', to: 'quote' }, { id: 'win', from: 'quote', to: 'won', guard: { '>=': [{ var: 'amount.amount' }, 2000] } }];
    const d = diffProcesses(a, b);
    expect(d.stages).toEqual({ added: ['meet'], removed: [], changed: [{ id: 'lost', changes: [{ member: 'label', before: 'Lost', after: 'Closed lost' }] }] });
    expect(d.transitions.added).toEqual(['meet']);
    expect(d.transitions.removed).toEqual(['lose']);
    expect(d.transitions.changed.map((c) => c.id)).toEqual(['quote', 'win']);
    expect(d.rules).toEqual([{ kind: 'guard', id: 'win', change: 'changed', before: { '>=': [{ var: 'amount.amount' }, 1000] }, after: { '>=': [{ var: 'amount.amount' }, 2000] } }]);
    expect(d.changed).toBe(true);
    expect(diffProcesses(a, structuredClone(a)).changed).toBe(false);
  });
});

describe('SLA times', () => {
  it('parses ISO durations and counts business days', () => {
    expect(parseIsoDuration('P1DT2H')).toMatchObject({ days: 1, hours: 2 });
    expect(parseIsoDuration('P')).toBeNull();
    expect(parseIsoDuration('14 days')).toBeNull();
    const friday = new Date('2025-01-03T09:00:00Z');
    expect(slaTimes({ maxDays: 1, businessDays: true }, friday)?.dueAt.toISOString()).toBe('2025-01-06T09:00:00.000Z');
    expect(slaTimes({ maxDays: 10, warnBefore: 'P2D' }, friday)).toEqual({ dueAt: new Date('2025-01-13T09:00:00Z'), warnAt: new Date('2025-01-11T09:00:00Z') });
    expect(slaTimes({ maxDuration: 'PT2S' }, friday)?.dueAt.toISOString()).toBe('2025-01-03T09:00:02.000Z');
  });
});

describe('migration planning and backtests', () => {
  it('maps stages, and reports records that would be invalid or have no stage to go to', () => {
    const ctx = contextOf(registry);
    const v1 = compileProcess({ ...sampleProcess(), version: 1 }, ctx);
    const next = sampleProcess();
    next.stages = next.stages.map((s) => (s.id === 'quote' ? { ...s, id: 'proposal' } : s));
    next.transitions = [{ id: 'propose', from: 'lead', to: 'proposal' }, { id: 'win', from: 'proposal', to: 'won' }, { id: 'lose', from: '*', to: 'lost' }];
    const v2 = compileProcess({ ...next, version: 2 }, ctx);
    expect(() => checkStageMapping(v1, v2, { quote: 'nowhere' })).toThrow(/do not exist/);
    expect(planMigration({ id: 'a', stage: 'quote', data: { amount: { amount: 1, currency: 'EUR' } } }, v2, { quote: 'proposal' })).toMatchObject({ status: 'migrate', toStage: 'proposal' });
    expect(planMigration({ id: 'b', stage: 'quote', data: {} }, v2, { quote: 'proposal' })).toMatchObject({ status: 'invalid', problems: [{ pointer: '/data/amount' }] });
    expect(planMigration({ id: 'c', stage: 'quote', data: {} }, v2, {})).toMatchObject({ status: 'unmapped', toStage: null });
    expect(planMigration({ id: 'd', stage: 'lead', data: {} }, v2, {})).toMatchObject({ status: 'migrate', toStage: 'lead' });
  });

  it('replays recorded transitions and counts what a draft would block, by reason', () => {
    const draft = compileProcess(sampleProcess(), contextOf(registry));
    const report = replayTransitions(draft, [
      { recordId: 'r1', from: 'lead', to: 'quote', at: '2025-01-01T00:00:00Z', data: { amount: { amount: 500, currency: 'EUR' } } },
      { recordId: 'r1', from: 'quote', to: 'won', at: '2025-01-05T00:00:00Z', data: { amount: { amount: 500, currency: 'EUR' }, close_date: '2025-01-05' } },
      { recordId: 'r2', from: 'lead', to: 'quote', at: '2025-01-01T00:00:00Z', data: {} },
      { recordId: 'r3', from: 'lead', to: 'won', at: '2025-01-01T00:00:00Z', data: {} },
    ]);
    expect(report).toMatchObject({ transitions: 4, records: 3, blocked: 3, blockedRecords: 3 });
    expect(report.reasons.map((r) => [r.kind, r.id, r.detail, r.count, r.records])).toEqual(
      expect.arrayContaining([
        ['guard', 'win', 'Deals under 1000 are not worth it.', 1, ['r1']],
        ['requirement', 'quote', 'amount', 1, ['r2']],
        ['not-allowed', 'lead->won', expect.any(String), 1, ['r3']],
      ]),
    );
  });
});
