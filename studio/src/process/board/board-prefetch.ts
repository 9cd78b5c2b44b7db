import { columnsPath, prefetch, touchesPath } from '../../api/client';
import { processesPath, staysPath, type ProcessSummary, type ProcessVersion } from '../../api/processes';
import type { ColumnPage, EntityInfo } from '../../api/types';
import { boardStageIds, boardValuesQuery, chooseProcess, columnParams, idBatches, isTouched, processFilter, publishedDefinition, stageBatches } from './board-data';

/** The board's entity in a board address (`/board/{entity}`), else null. */
const boardType = (pathname: string): string | null => {
  const m = /^\/board\/([^/]+)\/?$/.exec(pathname);
  return m?.[1] ? decodeURIComponent(m[1]) : null;
};

/**
 * The entity's processes, asked once by {@link prefetchBoard} and read again by
 * {@link prefetchBoardValues}, and when the columns have been asked (or will not be).
 */
let processesAsked: { type: string; answer: Promise<ProcessSummary[]>; columns: Promise<void> } | null = null;

/**
 * On a cold load of a board address (`/board/{entity}`), starts the board's requests at once,
 * before the studio's and the board's code have loaded, in the order they depend on each other:
 * the entity catalogue and plugins; the entity's processes, then the chosen one's published
 * versions, then the first page of every column (one request), then the stays and last touches
 * of its cards (one request each); the metric catalogue, people and saved views once `messages`
 * (the reader's messages, which the first render waits for) have loaded and the columns have
 * been asked. Each goes through
 * {@link prefetch}, so the board's hooks, asking the same paths when they mount, take the answers
 * instead of asking again (ADR 030 addendum, cold load).
 * Anything else (`/board` without an entity, a draft process) is left to the hooks.
 *
 * @example
 * ```ts
 * if (hasSessionCookie()) prefetchBoard(location, messages);
 * ```
 */
export function prefetchBoard(where: { pathname: string; search: string }, messages: Promise<unknown> = Promise.resolve()): void {
  const type = boardType(where.pathname);
  if (!type) return;
  const search = new URLSearchParams(where.search);
  const entities = prefetch<{ items: EntityInfo[] }>('/api/entities');
  void prefetch('/api/studio/plugins').catch(() => {});
  const asked = prefetch<{ items: ProcessSummary[] }>(processesPath(type)).then((r) => r.items);
  let columnsAsked = () => {};
  const columnsSent = new Promise<void>((resolve) => (columnsAsked = resolve));
  processesAsked = { type, answer: asked, columns: columnsSent };
  // What the columns can be drawn without waits for the reader's messages and the columns' request:
  // Chromium gives a dynamic import (the messages chunk) no more priority than these, and over
  // HTTP/1.1's 6 connections they kept it waiting 500 ms, and with it the first render; and the
  // runtime answers in turn, so sent earlier they held up the processes -> version -> columns
  // chain (ADR 030 addendum). A hook that asks one first is joined, not asked twice.
  const later = () => {
    for (const path of ['/api/metrics', '/api/users', '/api/org-units', '/api/users/names', `/api/saved-views?scope=${encodeURIComponent(`board:${type}`)}`]) void prefetch(path, undefined, 'low').catch(() => {});
  };
  void Promise.all([messages, columnsSent]).then(later, later);
  void (async () => {
    const processes = await asked;
    const chosen = chooseProcess(processes, search.get('process'));
    const def = chosen ? await publishedDefinition(chosen, (path) => prefetch<ProcessVersion>(path)) : null;
    if (!def) return;
    const filters = { owner: search.get('owner') ?? '', team: search.get('team') ?? '', process: processFilter(processes, def.id, true), q: search.get('q') ?? '', sort: search.get('sort') ?? '' };
    const touched = entities.then(({ items }) => isTouched(items, type), () => false);
    const stages = boardStageIds(def);
    if (stages.length === 0) return;
    const asking = Promise.all(stageBatches(stages).map((batch) => prefetch<{ columns: ColumnPage[] }>(columnsPath(type, batch, columnParams('', filters, null)))));
    columnsAsked();
    const columns = (await asking).flatMap((a) => a.columns);
    const isTouchedType = await touched;
    for (const ids of idBatches(columns.flatMap((c) => c.items.map((r) => r.id)))) {
      void prefetch(staysPath(ids), undefined, 'low').catch(() => {});
      if (isTouchedType) void prefetch(touchesPath(type, ids), undefined, 'low').catch(() => {});
    }
  })().catch(() => {
    // the board's hooks ask again and show what went wrong
  }).finally(columnsAsked);
}

/**
 * Given the built-in plugins' board registrations (the board's money metrics are a plugin's),
 * starts the board's metric query for a board address as soon as the app's code is here, so the
 * figures come with the columns rather than after the first render (ADR 030 addendum, cold load).
 *
 * @example
 * ```ts
 * prefetchBoardValues(registry.boards, location);
 * ```
 */
export function prefetchBoardValues(boards: readonly { entity: string; values?: readonly string[] }[], where: { pathname: string; search: string }): void {
  const type = boardType(where.pathname);
  const values = boards.find((b) => b.entity === type)?.values;
  if (!type || !values?.length || processesAsked?.type !== type) return;
  const search = new URLSearchParams(where.search);
  // after the columns: the runtime answers in turn (PGlite has one connection), and the metric
  // query sent first held up the processes -> version -> columns chain by its whole time
  void Promise.all([processesAsked.answer, processesAsked.columns]).then(([processes]) => {
    const chosen = chooseProcess(processes, search.get('process'));
    const filters = { owner: search.get('owner') ?? '', team: search.get('team') ?? '', process: processFilter(processes, chosen?.id ?? null, chosen?.latestVersion !== null && chosen !== null) };
    return prefetch('/api/metrics/query', boardValuesQuery(values, filters));
  }).catch(() => {});
}
