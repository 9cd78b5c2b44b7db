import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { matchingView, parseViews, removeView, saveView, viewsKey, type BoardView } from './board-views';

/** Props of {@link SavedFilters}. */
export interface SavedFiltersProps {
  userId: string;
  entity: string;
  /** The board's current filters (see `viewParams`). */
  current: Record<string, string>;
  /** Applies a view's filters (replacing the current ones). */
  onApply(params: Record<string, string>): void;
}

function readViews(key: string): BoardView[] {
  try {
    return parseViews(globalThis.localStorage?.getItem(key) ?? null);
  } catch {
    return [];
  }
}

/**
 * A user's saved board filters (pipeline, owner, team, search, order), per board, kept in this
 * browser: pick one to apply it, save the current filters under a name, delete the one applied.
 *
 * @example
 * ```tsx
 * <SavedFilters userId="ana" entity="acme.ticket" current={{ owner: 'ana' }} onApply={apply} />
 * ```
 */
export function SavedFilters({ userId, entity, current, onApply }: SavedFiltersProps) {
  const { t } = useTranslation();
  const id = useId();
  const key = viewsKey(userId, entity);
  const [views, setViews] = useState(() => readViews(key));
  const [name, setName] = useState('');
  const applied = matchingView(views, current);
  const store = (next: BoardView[]) => {
    setViews(next);
    try {
      globalThis.localStorage?.setItem(key, JSON.stringify(next));
    } catch {
      // storage full or disabled: the views last for this page only
    }
  };
  return (
    <form className="board-views" aria-label={t('board.views.title')} onSubmit={(e) => { e.preventDefault(); if (name.trim()) { store(saveView(views, name, current)); setName(''); } }}>
      <label htmlFor={`${id}-view`}>
        {t('board.views.title')}
        <select id={`${id}-view`} value={applied?.name ?? ''} onChange={(e) => { const v = views.find((x) => x.name === e.target.value); onApply(v ? v.params : {}); }}>
          <option value="">{applied || Object.keys(current).length > 0 ? t('board.views.unsaved') : t('board.views.none')}</option>
          {views.map((v) => <option key={v.name} value={v.name}>{v.name}</option>)}
        </select>
      </label>
      <label htmlFor={`${id}-name`}>
        {t('board.views.name')}
        <input id={`${id}-name`} value={name} maxLength={60} placeholder={t('board.views.namePlaceholder')} onChange={(e) => setName(e.target.value)} />
      </label>
      <button type="submit" disabled={!name.trim()}>{t('board.views.save')}</button>
      {applied && <button type="button" onClick={() => store(removeView(views, applied.name))}>{t('board.views.delete', { name: applied.name })}</button>}
    </form>
  );
}
