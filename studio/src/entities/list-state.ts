import type { ListParams } from '../api/client';

/** One active filter of a list. */
export interface ListFilter {
  field: string;
  op: string;
  value: string;
}

/** What a list shows, as kept in the studio's address (so back/forward and links work). */
export interface ListState {
  q: string;
  sort: string;
  filters: ListFilter[];
}

/** Filter operators the list offers, per field kind. */
export const FILTER_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'exists'] as const;

/**
 * Reads the list state out of the address query (`q`, `sort`, `filter[field][op]`).
 *
 * @example
 * ```ts
 * parseListState('q=acme&filter%5Bsource%5D%5Beq%5D=inbound');
 * // { q: 'acme', sort: '', filters: [{ field: 'source', op: 'eq', value: 'inbound' }] }
 * ```
 */
export function parseListState(search: string): ListState {
  const s = new URLSearchParams(search);
  const filters: ListFilter[] = [];
  for (const [key, value] of s) {
    const m = /^filter\[([A-Za-z0-9_]+)\](?:\[([a-z]+)\])?$/.exec(key);
    if (m) filters.push({ field: m[1] ?? '', op: m[2] ?? 'eq', value });
  }
  return { q: s.get('q') ?? '', sort: s.get('sort') ?? '', filters };
}

/**
 * Writes the list state back to an address query.
 *
 * @example
 * ```ts
 * formatListState({ q: '', sort: '-amount', filters: [] }); // 'sort=-amount'
 * ```
 */
export function formatListState(state: ListState): string {
  const s = new URLSearchParams();
  if (state.q) s.set('q', state.q);
  if (state.sort) s.set('sort', state.sort);
  for (const f of state.filters) s.append(`filter[${f.field}][${f.op}]`, f.value);
  return s.toString();
}

/**
 * The API parameters of a list state and page cursor.
 *
 * @example
 * ```ts
 * toListParams(state, null, 25); // { q, sort, filters, limit: 25, total: true }
 * ```
 */
export function toListParams(state: ListState, cursor: string | null, limit: number): ListParams {
  return {
    ...(state.q ? { q: state.q } : {}),
    ...(state.sort ? { sort: state.sort } : {}),
    filters: state.filters,
    limit,
    cursor,
    total: cursor === null,
  };
}

/**
 * The next sort when a column header is activated: ascending, then descending, then default.
 *
 * @example
 * ```ts
 * nextSort('', 'amount'); // 'amount'
 * nextSort('amount', 'amount'); // '-amount'
 * nextSort('-amount', 'amount'); // ''
 * ```
 */
export function nextSort(current: string, field: string): string {
  if (current === field) return `-${field}`;
  if (current === `-${field}`) return '';
  return field;
}
