import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { EntityInfo } from '../api/types';

interface Catalogue {
  entities: EntityInfo[];
  byId: ReadonlyMap<string, EntityInfo>;
}

const EntitiesContext = createContext<Catalogue>({ entities: [], byId: new Map() });

/**
 * Every entity the installed plugins contribute.
 *
 * @example
 * ```tsx
 * const { byId } = useEntities();
 * const deal = byId.get('pipeline.deal');
 * ```
 */
export function useEntities(): Catalogue {
  return useContext(EntitiesContext);
}

/**
 * Loads `GET /api/entities` once and provides it to the studio.
 *
 * @example
 * ```tsx
 * <EntitiesProvider><Layout /></EntitiesProvider>
 * ```
 */
export function EntitiesProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [state, setState] = useState<Catalogue | { error: string } | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    api
      .entities(ctrl.signal)
      .then(({ items }) => setState({ entities: items, byId: new Map(items.map((e) => [e.fullId, e])) }))
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setState({ error: err instanceof Error ? err.message : String(err) });
      });
    return () => ctrl.abort();
  }, []);
  if (state === null) return <p className="splash" role="status">{t('status.loading')}</p>;
  if ('error' in state) return <p className="splash" role="alert">{t('errors.cannotReachServer', { message: state.error })}</p>;
  return <EntitiesContext.Provider value={state}>{children}</EntitiesContext.Provider>;
}
