import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { savedViewsApi, type SavedView } from '../../api/saved-views';
import { matchingView, parseViews, viewsKey } from './board-views';

/** Props of {@link SavedFilters}. */
export interface SavedFiltersProps {
  userId: string;
  entity: string;
  /** The board's current filters (see `viewParams`). */
  current: Record<string, string>;
  /** Applies a view's filters (replacing the current ones). */
  onApply(params: Record<string, string>): void;
}

/**
 * Moves the views an older studio kept in this browser's storage to the server (once: the
 * storage entry is removed when every view made it), so they follow the user too.
 */
async function migrateLocalViews(key: string, scope: string): Promise<void> {
  let stored: string | null = null;
  try {
    stored = globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return;
  }
  const local = parseViews(stored);
  if (stored === null) return;
  const results = await Promise.allSettled(local.map((v) => savedViewsApi.save(scope, v.name, v.params)));
  if (results.every((r) => r.status === 'fulfilled')) {
    try {
      globalThis.localStorage?.removeItem(key);
    } catch {
      // storage disabled: nothing to remove
    }
  }
}

/**
 * A user's saved board filters (pipeline, owner, team, search, order), per board, kept on the
 * server (`/api/saved-views`, scope `board:<entity>`) so they follow the user between browsers
 * and devices: pick one to apply it, save the current filters under a name (an existing name is
 * replaced), delete the one applied. Views an older studio kept in this browser move to the
 * server on first load.
 *
 * @example
 * ```tsx
 * <SavedFilters userId="ana" entity="acme.ticket" current={{ owner: 'ana' }} onApply={apply} />
 * ```
 */
export function SavedFilters({ userId, entity, current, onApply }: SavedFiltersProps) {
  const { t } = useTranslation();
  const id = useId();
  const scope = `board:${entity}`;
  const [views, setViews] = useState<SavedView[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fail = (err: unknown) => setError(err instanceof Error ? err.message : String(err));

  const reload = useCallback(async () => {
    const { items } = await savedViewsApi.list(scope);
    setViews(items);
  }, [scope]);

  useEffect(() => {
    let live = true;
    migrateLocalViews(viewsKey(userId, entity), scope)
      .then(() => savedViewsApi.list(scope))
      .then(({ items }) => { if (live) { setViews(items); setLoaded(true); } })
      .catch((err: unknown) => { if (live) { fail(err); setLoaded(true); } });
    return () => { live = false; };
  }, [userId, entity, scope]);

  const applied = matchingView(views, current);
  const save = async () => {
    const trimmed = name.trim();
    if (!trimmed) return;
    setBusy(true);
    setError(null);
    try {
      await savedViewsApi.save(scope, trimmed, current);
      await reload();
      setName('');
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (view: SavedView) => {
    setBusy(true);
    setError(null);
    try {
      await savedViewsApi.remove(view.id);
      await reload();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="board-views" aria-label={t('board.views.title')} aria-busy={!loaded || busy} data-loaded={loaded} onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <label htmlFor={`${id}-view`}>
        {t('board.views.title')}
        <select id={`${id}-view`} value={applied?.name ?? ''} onChange={(e) => { const v = views.find((x) => x.name === e.target.value); onApply(v ? v.params : {}); }}>
          <option value="">{applied || Object.keys(current).length > 0 ? t('board.views.unsaved') : t('board.views.none')}</option>
          {views.map((v) => <option key={v.id} value={v.name}>{v.name}</option>)}
        </select>
      </label>
      <label htmlFor={`${id}-name`}>
        {t('board.views.name')}
        <input id={`${id}-name`} value={name} maxLength={60} placeholder={t('board.views.namePlaceholder')} onChange={(e) => setName(e.target.value)} />
      </label>
      <button type="submit" disabled={!name.trim() || busy}>{t('board.views.save')}</button>
      {applied && <button type="button" disabled={busy} onClick={() => void remove(applied)}>{t('board.views.delete', { name: applied.name })}</button>}
      {error && <p role="alert" className="field-error">{t('board.views.failed', { message: error })}</p>}
    </form>
  );
}
