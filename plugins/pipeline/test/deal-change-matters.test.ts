import type { PluginRecord, RecordChange } from '@pipewright/plugin-sdk';
import { describe, expect, it } from 'vitest';
import { dealChangeMatters, summarise } from '../src/runtime/account-summary';

const deal = (stage: string, data: Record<string, unknown> = {}): PluginRecord =>
  ({ id: 'd1', type: 'pipeline.deal', stage, owner: 'u1', orgUnit: null, version: 3, data: { name: 'D', account_id: 'a1', close_value: { amount: 100, currency: 'USD' }, ...data } }) as unknown as PluginRecord;
const moveOf = (from: string, to: string, data: Record<string, unknown> = {}): RecordChange => {
  const before = deal(from);
  return { operation: 'update', type: 'pipeline.deal', before, data: { ...before.data, ...data }, transition: { from, to, id: null } };
};

/**
 * The deal hooks' `when` (ADR 007 addendum 3): a move between two open stages cannot change the
 * collision (account, owner) nor the account's summary (won, lost or open; close value), so it
 * wants no hook. Every other change is wanted.
 */
describe('dealChangeMatters', () => {
  it('a move between open stages with nothing else changed wants nothing', () => {
    expect(dealChangeMatters(moveOf('prospecting', 'engaging'))).toBe(false);
    expect(dealChangeMatters(moveOf('proposal', 'negotiation', { next_step: 'Call' }))).toBe(false);
  });

  it('winning, losing, reopening or churning is wanted; won to renewed stays won', () => {
    for (const [from, to] of [['negotiation', 'won'], ['engaging', 'lost'], ['won', 'engaging'], ['lost', 'engaging'], ['renewed', 'churned']] as const) {
      expect(dealChangeMatters(moveOf(from, to)), `${from} -> ${to}`).toBe(true);
    }
    expect(dealChangeMatters(moveOf('won', 'renewed'))).toBe(false);
  });

  it('a move that changes the account or the close value is wanted', () => {
    expect(dealChangeMatters(moveOf('prospecting', 'engaging', { account_id: 'a2' }))).toBe(true);
    expect(dealChangeMatters(moveOf('prospecting', 'engaging', { close_value: { amount: 200, currency: 'USD' } }))).toBe(true);
  });

  it('creates, deletes and plain edits are always wanted', () => {
    const before = deal('engaging');
    expect(dealChangeMatters({ operation: 'create', type: 'pipeline.deal', before: null, data: before.data })).toBe(true);
    expect(dealChangeMatters({ operation: 'delete', type: 'pipeline.deal', before, data: before.data })).toBe(true);
    expect(dealChangeMatters({ operation: 'update', type: 'pipeline.deal', before, data: before.data })).toBe(true);
  });

  it('agrees with the summary: every move it ignores leaves the summary as it was', () => {
    const stages = ['prospecting', 'engaging', 'proposal', 'negotiation', 'won', 'renewed', 'lost', 'churned'];
    for (const from of stages) {
      for (const to of stages) {
        if (dealChangeMatters(moveOf(from, to))) continue;
        expect(summarise([deal(to)]), `${from} -> ${to}`).toEqual(summarise([deal(from)]));
      }
    }
  });
});
