import { useId } from 'react';
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
  onChange(next: { process?: string; owner?: string; team?: string }): void;
}

/**
 * The board's filters: pipeline (process), owner and team.
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
  return (
    <form className="board-filters" role="search" aria-label={t('board.filters')} onSubmit={(e) => e.preventDefault()}>
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
