import { describe, expect, it } from 'vitest';
import { listQuery } from '../api/client';
import { changedFields } from './EventHistory';
import { formatValue, humanize } from './format';
import { formatListState, nextSort, parseListState, toListParams } from './list-state';

describe('list state', () => {
  it('round-trips through the address and builds the API query', () => {
    const state = { q: 'acme', sort: '-amount', filters: [{ field: 'source', op: 'eq', value: 'inbound' }, { field: 'amount', op: 'gte', value: '1000' }] };
    expect(parseListState(formatListState(state))).toEqual(state);
    const q = new URLSearchParams(listQuery(toListParams(state, null, 25)));
    expect(q.get('filter[amount][gte]')).toBe('1000');
    expect(q.get('total')).toBe('true');
    expect(q.get('limit')).toBe('25');
    expect(new URLSearchParams(listQuery(toListParams(state, 'abc', 25))).get('total')).toBeNull();
  });

  it('cycles sort asc -> desc -> default', () => {
    expect([nextSort('', 'a'), nextSort('a', 'a'), nextSort('-a', 'a'), nextSort('-b', 'a')]).toEqual(['a', '-a', '', 'a']);
  });

  it('formats values and changes', () => {
    expect(formatValue({ name: 'm', type: 'object', format: 'money', required: false }, { amount: 1234.5, currency: 'USD' }, 'en-US')).toBe('$1,234.50');
    expect(formatValue({ name: 'd', type: 'date', format: 'date', required: false }, '2026-09-30', 'en-US')).toBe('Sep 30, 2026');
    const user = { name: 'to_user', type: 'string', format: 'user', required: false } as const;
    expect(formatValue(user, 'rick-rep', 'en', undefined, new Map([['rick-rep', 'Rick Rep']]))).toBe('Rick Rep');
    expect(formatValue(user, 'gone-user', 'en', undefined, new Map())).toBe('gone-user'); // unknown: the id
    expect(humanize('marketing_campaign')).toBe('Marketing campaign');
    expect(changedFields({ data: { a: 1, b: 2 } }, { data: { a: 1, b: 3, c: 1 } })).toEqual(['b', 'c']);
  });
});
