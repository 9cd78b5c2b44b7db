import { useEffect, useState } from 'react';
import { processApi, type ActionTypeInfo } from '../../api/processes';

/** The action types as the designer reads them, by type id and by alias. */
export interface ActionTypes {
  items: readonly ActionTypeInfo[];
  byType: ReadonlyMap<string, ActionTypeInfo>;
  loading: boolean;
  error: string | null;
}

let cached: Promise<ActionTypeInfo[]> | null = null;

const indexed = (items: readonly ActionTypeInfo[]): ReadonlyMap<string, ActionTypeInfo> => new Map(items.flatMap((a) => [[a.type, a] as const, ...a.aliases.map((alias) => [alias, a] as const)]));

/**
 * The action types transitions may run (`GET /api/processes/action-types`), fetched once per
 * page load; a failed fetch is retried by the next component that asks.
 *
 * @example
 * ```tsx
 * const { byType } = useActionTypes();
 * byType.get('acme_visits.log_visit')?.title['zh-CN'];
 * ```
 */
export function useActionTypes(): ActionTypes {
  const [state, setState] = useState<ActionTypes>({ items: [], byType: new Map(), loading: true, error: null });
  useEffect(() => {
    let live = true;
    cached ??= processApi.actionTypes().then((r) => r.items);
    cached.then(
      (items) => live && setState({ items, byType: indexed(items), loading: false, error: null }),
      (err: unknown) => {
        cached = null;
        if (live) setState({ items: [], byType: new Map(), loading: false, error: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}
