/** A saved set of board filters: its name and the address parameters it sets. */
export interface BoardView {
  name: string;
  params: Record<string, string>;
}

/** The address parameters a saved view keeps (the board's filters, search and order). */
export const VIEW_PARAMS = ['process', 'owner', 'team', 'q', 'sort'] as const;

/** Where a user's saved views of one board live in the browser's storage. */
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

/**
 * Saves a view: a new name is added (views sorted by name), an existing name is replaced.
 *
 * @example
 * ```ts
 * saveView([], 'My Q3', { owner: 'ana' }); // [{ name: 'My Q3', params: { owner: 'ana' } }]
 * ```
 */
export function saveView(views: readonly BoardView[], name: string, params: Record<string, string>): BoardView[] {
  const trimmed = name.trim();
  if (!trimmed) return [...views];
  return [...views.filter((v) => v.name !== trimmed), { name: trimmed, params: { ...params } }].sort((a, b) => a.name.localeCompare(b.name));
}

export function removeView(views: readonly BoardView[], name: string): BoardView[] {
  return views.filter((v) => v.name !== name);
}

/** The saved view whose filters are exactly those of the address, if any. */
export function matchingView(views: readonly BoardView[], params: Record<string, string>): BoardView | undefined {
  const key = (p: Record<string, string>) => JSON.stringify(Object.entries(p).sort(([a], [b]) => a.localeCompare(b)));
  return views.find((v) => key(v.params) === key(params));
}
