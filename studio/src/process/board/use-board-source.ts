import { useEffect, useState } from 'react';
import { request } from '../../api/client';
import { processApi, type OrgUnitInfo, type ProcessDefinition, type ProcessSummary, type StageDefinition, type UserInfo } from '../../api/processes';
import { chooseProcess, publishedDefinition, type BoardDefinition } from './board-data';

/** What the board is drawn from: the pipelines of the entity, the chosen one's definition, people. */
export interface BoardSource {
  processes: ProcessSummary[];
  /** The published definition of the chosen process, else its draft. */
  definition: ProcessDefinition | null;
  published: boolean;
  /** Stages only older published versions have, newest version first (deals pinned there stay in them). */
  olderStages: { stage: StageDefinition; version: number }[];
  /** Owner names by user id (empty when the caller may not list users). */
  users: UserInfo[];
  teams: OrgUnitInfo[];
  error: string | null;
  loading: boolean;
}

/**
 * Loads the processes of an entity, the latest published version of the chosen one (falling back
 * to the first process) and the stages only its older versions have, and the users and teams for
 * the filters.
 *
 * @example
 * ```ts
 * const src = useBoardSource('acme.ticket', search.get('process'));
 * ```
 */
export function useBoardSource(entity: string, processId: string | null): BoardSource & { processId: string | null } {
  const [processes, setProcesses] = useState<ProcessSummary[] | null>(null);
  const [users, setUsers] = useState<UserInfo[]>([]);
  const [teams, setTeams] = useState<OrgUnitInfo[]>([]);
  const [def, setDef] = useState<BoardDefinition | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    processApi.list(entity, ctrl.signal).then((r) => setProcesses(r.items)).catch((err: unknown) => !ctrl.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
    // reps may not list users: the owner filter then offers "Me" only
    processApi.users(ctrl.signal).then((r) => setUsers(r.items)).catch(() => setUsers([]));
    processApi.orgUnits(ctrl.signal).then((r) => setTeams(r.items.filter((u) => u.kind === 'team'))).catch(() => setTeams([]));
    return () => ctrl.abort();
  }, [entity]);

  const chosen = chooseProcess(processes, processId);
  useEffect(() => {
    if (!chosen) return;
    const ctrl = new AbortController();
    const load = chosen.latestVersion !== null
      ? publishedDefinition(chosen, (path) => request('GET', path, { signal: ctrl.signal })).then((d) => d as BoardDefinition)
      : processApi.get(chosen.id, ctrl.signal).then((p): BoardDefinition => ({ id: chosen.id, definition: p.draft, published: false, older: [] }));
    load.then(setDef).catch((err: unknown) => !ctrl.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
    return () => ctrl.abort();
  }, [chosen?.id, chosen?.latestVersion]);

  const current = def && chosen && def.id === chosen.id ? def : null;
  return {
    processId: chosen?.id ?? null,
    processes: processes ?? [],
    definition: current?.definition ?? null,
    published: current?.published ?? false,
    olderStages: current?.older ?? [],
    users,
    teams,
    error,
    loading: processes === null || (chosen !== null && current === null),
  };
}
