import { useEffect, useState } from 'react';
import { useEntities } from '../app/entities-context';
import { api } from '../api/client';
import type { EntityInfo } from '../api/types';
import { recordTitle } from './format';

/** `entity -> id -> title` of the records a page of rows refers to. */
export type ReferenceTitles = ReadonlyMap<string, string>;

/**
 * Resolves the titles of referenced records (one `filter[id][in]` request per referenced
 * entity), so lists and detail views show names instead of ids.
 *
 * @example
 * ```ts
 * const titles = useReferenceTitles(deal, page.items.map((r) => r.data));
 * titles.get(accountId); // 'Acme Corporation'
 * ```
 */
export function useReferenceTitles(entity: EntityInfo | undefined, rows: readonly Record<string, unknown>[]): ReferenceTitles {
  const { byId } = useEntities();
  const [titles, setTitles] = useState<ReferenceTitles>(new Map());
  const wanted = new Map<string, Set<string>>();
  for (const [field, ref] of Object.entries(entity?.references ?? {})) {
    for (const row of rows) {
      const id = row[field];
      if (typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) {
        const set = wanted.get(ref.entity) ?? new Set<string>();
        set.add(id);
        wanted.set(ref.entity, set);
      }
    }
  }
  const key = [...wanted].map(([e, ids]) => `${e}:${[...ids].sort().join(',')}`).join('|');
  useEffect(() => {
    if (!key) return;
    const ctrl = new AbortController();
    const found = new Map<string, string>();
    Promise.all(
      [...wanted].map(async ([type, ids]) => {
        const target = byId.get(type);
        if (!target) return;
        const page = await api.list(type, { filters: [{ field: 'id', op: 'in', value: [...ids].join(',') }], limit: Math.min(ids.size, 1000) }, ctrl.signal);
        for (const r of page.items) found.set(r.id, recordTitle(target, r.data, r.id));
      }),
    )
      .then(() => setTitles(found))
      .catch(() => undefined);
    return () => ctrl.abort();
    // `key` captures `wanted`
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, byId]);
  return titles;
}
