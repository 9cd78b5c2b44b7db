import { useEffect, useId, useState } from 'react';
import type { EntityInfo } from '../../api/types';
import { boardSorts } from './board-sort';
import { useTranslation } from 'react-i18next';
import type { OrgUnitInfo, ProcessSummary, UserInfo } from '../../api/processes';
import { processText } from '../../plugins/localize';

/** Props of {@link BoardFilters}. */
export interface BoardFiltersProps {
  processes: readonly ProcessSummary[];
  processId: string | null;
  users: readonly UserInfo[];
  teams: readonly OrgUnitInfo[];
  me: string | null;
  owner: string;
  team: string;
  /** The entity on the board: its search fields and sortable fields. */
  entity: EntityInfo;
  q: string;
  sort: string;
  onChange(next: { process?: string; owner?: string; team?: string; q?: string; sort?: string }): void;
}

/** How long typing pauses before the search applies. */
const SEARCH_DELAY_MS = 350;

/**
 * The board's filters: pipeline (process), owner and team, a search in the entity's search
 * fields (applied when typing pauses, or on Enter) and the order of the cards.
 *
 * @example
 * ```tsx
 * <BoardFilters processes={ps} processId="new_business" users={us} teams={ts} me="ana" owner="" team="" onChange={set} />
 * ```
 */
export function BoardFilters(p: BoardFiltersProps) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const owners = p.users.length ? p.users.filter((u) => (u.roles ?? []).some((r) => r === 'rep' || r === 'manager')) : [];
  const [typed, setTyped] = useState(p.q);
  useEffect(() => setTyped(p.q), [p.q]);
  const { onChange, q } = p;
  useEffect(() => {
    if (typed.trim() === q) return;
    const h = setTimeout(() => onChange({ q: typed.trim() }), SEARCH_DELAY_MS);
    return () => clearTimeout(h);
  }, [typed, q, onChange]);
  const field = (name: string | null) => (name ? (p.entity.fields.find((f) => f.name === name)?.title ?? name) : '');
  const sorts = boardSorts(p.entity);
  return (
    <form className="board-filters" role="search" aria-label={t('board.filters')} onSubmit={(e) => { e.preventDefault(); p.onChange({ q: typed.trim() }); }}>
      <label htmlFor={`${id}-q`}>
        {t('board.search')}
        <input id={`${id}-q`} type="search" value={typed} placeholder={t('records.searchPlaceholder')} onChange={(e) => setTyped(e.target.value)} />
      </label>
      <label htmlFor={`${id}-sort`}>
        {t('board.sort')}
        <select id={`${id}-sort`} value={p.sort || sorts[0]?.value} onChange={(e) => p.onChange({ sort: e.target.value === sorts[0]?.value ? '' : e.target.value })}>
          {sorts.map((s) => <option key={s.value} value={s.value}>{t(`board.sortBy.${s.kind}`, { field: field(s.field) })}</option>)}
        </select>
      </label>
      <label htmlFor={`${id}-process`}>
        {t('board.pipeline')}
        <select id={`${id}-process`} value={p.processId ?? ''} onChange={(e) => p.onChange({ process: e.target.value })}>
          {p.processes.map((x) => <option key={x.id} value={x.id}>{processText(x.label, i18n.language)}</option>)}
        </select>
      </label>
      <label htmlFor={`${id}-owner`}>
        {t('board.owner')}
        <select id={`${id}-owner`} value={p.owner} onChange={(e) => p.onChange({ owner: e.target.value })}>
          <option value="">{t('board.all')}</option>
          {p.me && <option value={p.me}>{t('board.me')}</option>}
          {owners.filter((u) => u.id !== p.me).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
      </label>
      {p.teams.length > 0 && (
        <label htmlFor={`${id}-team`}>
          {t('board.team')}
          <select id={`${id}-team`} value={p.team} onChange={(e) => p.onChange({ team: e.target.value })}>
            <option value="">{t('board.all')}</option>
            {p.teams.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        </label>
      )}
    </form>
  );
}
