import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { EntityInfo } from '../api/types';
import { useStudioPlugins } from '../plugins/context';
import { localizeEntity } from '../plugins/localize';

interface Catalogue {
  entities: EntityInfo[];
  byId: ReadonlyMap<string, EntityInfo>;
}

const EntitiesContext = createContext<Catalogue>({ entities: [], byId: new Map() });

/**
 * Every entity the installed plugins contribute, in the reader's language (labels, field titles,
 * enum and stage labels from each plugin's studio translations).
 *
 * @example
 * ```tsx
 * const { byId } = useEntities();
 * const deal = byId.get('acme.ticket');
 * ```
 */
export function useEntities(): Catalogue {
  return useContext(EntitiesContext);
}

/**
 * Loads `GET /api/entities` once and provides it to the studio, localized again whenever the
 * language changes.
 *
 * @example
 * ```tsx
 * <EntitiesProvider><Layout /></EntitiesProvider>
 * ```
 */
export function EntitiesProvider({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const plugins = useStudioPlugins();
  const [state, setState] = useState<{ items: EntityInfo[] } | { error: string } | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    api
      .entities(ctrl.signal)
      .then(({ items }) => setState({ items }))
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setState({ error: err instanceof Error ? err.message : String(err) });
      });
    return () => ctrl.abort();
  }, []);
  const language = i18n.language;
  const catalogue = useMemo<Catalogue | null>(() => {
    if (!state || 'error' in state) return null;
    const entities = state.items.map((e) => localizeEntity(e, plugins.translation(e.plugin, language)));
    return { entities, byId: new Map(entities.map((e) => [e.fullId, e])) };
  }, [state, plugins, language]);
  if (state === null) return <p className="splash" role="status">{t('status.loading')}</p>;
  if ('error' in state) return <p className="splash" role="alert">{t('errors.cannotReachServer', { message: state.error })}</p>;
  return <EntitiesContext.Provider value={catalogue ?? { entities: [], byId: new Map() }}>{children}</EntitiesContext.Provider>;
}
