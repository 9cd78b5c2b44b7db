import { describe, expect, it } from 'vitest';
import type { EntityInfo } from '../../api/types';
import { requirementFormSchema } from './requirement-form';
import { isoDays, slaStatus } from './sla';
import { sumBoardValues } from './use-board-values';

const MONEY = 'https://pipewright.dev/schemas/types.schema.json#/$defs/money';

describe('board', () => {
  it('reads ISO 8601 durations in days', () => {
    expect(isoDays('P14D')).toBe(14);
    expect(isoDays('P1W2D')).toBe(9);
    expect(isoDays('PT48H')).toBe(2);
    expect(isoDays('P1M')).toBe(30);
    expect(isoDays('P')).toBeUndefined();
    expect(isoDays('3 days')).toBeUndefined();
  });

  it('computes days in stage and the SLA state', () => {
    const now = new Date('2026-01-29T12:00:00Z');
    expect(slaStatus('2026-01-01T00:00:00Z', now, { maxDays: 30, warnBefore: 'P5D' })).toEqual({ days: 28, state: 'warn' });
    expect(slaStatus('2026-01-20T00:00:00Z', now, { maxDays: 30, warnBefore: 'P5D' })).toEqual({ days: 9, state: 'ok' });
    expect(slaStatus('2025-12-01T00:00:00Z', now, { maxDuration: 'P14D' })).toEqual({ days: 59, state: 'breached' });
    expect(slaStatus('2026-01-01T00:00:00Z', now, undefined)).toEqual({ days: 28, state: 'none' });
    // the server's due date wins over the stage's maximum
    expect(slaStatus('2026-01-01T00:00:00Z', now, { maxDays: 5 }, '2026-03-01T00:00:00Z')).toEqual({ days: 28, state: 'ok' });
  });

  it('renders missing requirements with the entity shared types and titles', () => {
    const entity = { schema: { properties: { amount: { $ref: MONEY, title: 'Expected value' }, next_step: { type: 'string', title: 'Next step' } } } } as unknown as EntityInfo;
    const schema = { type: 'object', required: ['amount', 'next_step'], properties: { amount: { type: 'object', required: ['amount', 'currency'] }, next_step: { type: 'string', minLength: 1 } } };
    expect(requirementFormSchema(entity, schema)).toEqual({
      type: 'object',
      required: ['amount', 'next_step'],
      properties: { amount: { title: 'Expected value', type: 'object', required: ['amount', 'currency'], $ref: MONEY }, next_step: { title: 'Next step', type: 'string', minLength: 1 } },
    });
  });

  it('sums the board figures per stage and in total, keeping only rows that match the filters', () => {
    const rows = [
      { stage: 'engaging', owner_id: 'ada', team_id: 't1', 'm.open': 100, 'm.won': null },
      { stage: 'engaging', owner_id: 'bob', team_id: 't2', 'm.open': 50, 'm.won': null },
      { stage: 'prospecting', owner_id: 'ada', team_id: 't1', 'm.open': 7, 'm.won': 0 },
      { stage: 'won', owner_id: 'ada', team_id: 't1', 'm.open': null, 'm.won': 900 },
      { stage: null, owner_id: 'ada', team_id: 't1', 'm.open': 1, 'm.won': 1 },
    ];
    const all = sumBoardValues(rows, ['m.open', 'm.won'], { owner: '', team: '', process: '' });
    expect([...all.byStage.entries()].map(([k, v]) => [k, Object.fromEntries(v)])).toEqual([['engaging', { 'm.open': 150 }], ['prospecting', { 'm.open': 7 }], ['won', { 'm.won': 900 }]]);
    expect(Object.fromEntries(all.totals)).toEqual({ 'm.open': 157, 'm.won': 900 });
    const bob = sumBoardValues(rows, ['m.open', 'm.won'], { owner: 'bob', team: '', process: '' });
    expect(Object.fromEntries(bob.totals)).toEqual({ 'm.open': 50 });
    expect(Object.fromEntries(sumBoardValues(rows, ['m.open'], { owner: '', team: 't1', process: '' }).totals)).toEqual({ 'm.open': 107 });
    expect(sumBoardValues(rows, ['m.open'], { owner: '', team: '', process: 'renewal' }).totals.size).toBe(0);
  });
});
