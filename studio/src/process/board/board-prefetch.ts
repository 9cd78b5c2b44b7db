import { listPath, prefetch, touchesPath } from '../../api/client';
import { processesPath, staysPath, type ProcessSummary, type ProcessVersion } from '../../api/processes';
import type { EntityInfo, RecordPage } from '../../api/types';
import { boardStageIds, chooseProcess, columnParams, isTouched, processFilter, publishedDefinition } from './board-data';

/**
 * On a cold load of a board address (`/board/{entity}`), starts the board's requests at once,
 * before the studio's and the board's code have loaded, in the order they depend on each other:
 * the entity catalogue, plugins, people and saved views together; the entity's processes, then the
 * chosen one's published versions, then the first page of every column, then the stays and last
 * touches of its cards. Each goes through {@link prefetch}, so the board's hooks, asking the same
 * paths when they mount, take the answers instead of asking again (ADR 030 addendum, cold load).
 * Anything else (`/board` without an entity, a draft process) is left to the hooks.
 *
 * @example
 * ```ts
 * if (hasSessionCookie()) prefetchBoard(location);
 * ```
 */
export function prefetchBoard(where: { pathname: string; search: string }): void {
  const m = /^\/board\/([^/]+)\/?$/.exec(where.pathname);
  if (!m?.[1]) return;
  const type = decodeURIComponent(m[1]);
  const search = new URLSearchParams(where.search);
  const entities = prefetch<{ items: EntityInfo[] }>('/api/entities');
  for (const path of ['/api/studio/plugins', '/api/users', '/api/org-units', '/api/users/names', `/api/saved-views?scope=${encodeURIComponent(`board:${type}`)}`]) void prefetch(path).catch(() => {});
  void (async () => {
    const { items: processes } = await prefetch<{ items: ProcessSummary[] }>(processesPath(type));
    const chosen = chooseProcess(processes, search.get('process'));
    const def = chosen ? await publishedDefinition(chosen, (path) => prefetch<ProcessVersion>(path)) : null;
    if (!def) return;
    const filters = { owner: search.get('owner') ?? '', team: search.get('team') ?? '', process: processFilter(processes, def.id, true), q: search.get('q') ?? '', sort: search.get('sort') ?? '' };
    const touched = entities.then(({ items }) => isTouched(items, type), () => false);
    await Promise.all(boardStageIds(def).map(async (stage) => {
      const ids = (await prefetch<RecordPage>(listPath(type, columnParams(stage, filters, null)))).items.map((r) => r.id);
      if (ids.length === 0) return;
      void prefetch(staysPath(ids)).catch(() => {});
      if (await touched) void prefetch(touchesPath(type, ids)).catch(() => {});
    }));
  })().catch(() => {
    // the board's hooks ask again and show what went wrong
  });
}
