import { request } from './client';

/** One of the user's saved views (`/api/saved-views`). */
export interface SavedView {
  id: string;
  scope: string;
  name: string;
  params: Record<string, string>;
  updatedAt: string;
}

/**
 * The caller's saved views: named filters of a screen (`scope`, e.g. `board:acme.ticket`), kept
 * on the server so they follow the user between browsers and devices.
 *
 * @example
 * ```ts
 * const { items } = await savedViewsApi.list('board:acme.ticket');
 * await savedViewsApi.save('board:acme.ticket', 'Mine', { owner: 'ana' });
 * ```
 */
export const savedViewsApi = {
  list: (scope: string, signal?: AbortSignal) => request<{ items: SavedView[] }>('GET', `/api/saved-views?scope=${encodeURIComponent(scope)}`, signal ? { signal } : {}),
  save: (scope: string, name: string, params: Record<string, string>) => request<SavedView>('POST', '/api/saved-views', { json: { scope, name, params } }),
  remove: (id: string) => request<void>('DELETE', `/api/saved-views/${encodeURIComponent(id)}`),
};
