/** A saved set of board filters: its name and the address parameters it sets. */
export interface BoardView {
  name: string;
  params: Record<string, string>;
}

/** The address parameters a saved view keeps (the board's filters, search and order). */
export const VIEW_PARAMS = ['process', 'owner', 'team', 'q', 'sort'] as const;

/** Where an older studio kept a user's saved views of one board in the browser (moved to the server on first load). */
export const viewsKey = (userId: string, entity: string): string => `pipewright.board.views.${userId}.${entity}`;

/**
 * The filters of an address, as a view keeps them (empty values left out).
 *
 * @example
 * ```ts
 * viewParams(new URLSearchParams('owner=ana&q=&x=1')); // { owner: 'ana' }
 * ```
 */
export function viewParams(search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of VIEW_PARAMS) {
    const v = search.get(k);
    if (v) out[k] = v;
  }
  return out;
}

/** Views read from storage; anything malformed is dropped rather than breaking the board. */
export function parseViews(stored: string | null): BoardView[] {
  if (!stored) return [];
  try {
    const value: unknown = JSON.parse(stored);
    if (!Array.isArray(value)) return [];
    return value.filter((v): v is BoardView => typeof v === 'object' && v !== null && typeof (v as BoardView).name === 'string' && (v as BoardView).name.trim() !== '' && typeof (v as BoardView).params === 'object' && (v as BoardView).params !== null)
      .map((v) => ({ name: v.name, params: Object.fromEntries(Object.entries(v.params).filter(([k, x]) => (VIEW_PARAMS as readonly string[]).includes(k) && typeof x === 'string' && x !== '')) }));
  } catch {
    return [];
  }
}

/** The saved view whose filters are exactly those of the address, if any. */
export function matchingView<V extends BoardView>(views: readonly V[], params: Record<string, string>): V | undefined {
  const key = (p: Record<string, string>) => JSON.stringify(Object.entries(p).sort(([a], [b]) => a.localeCompare(b)));
  return views.find((v) => key(v.params) === key(params));
}
