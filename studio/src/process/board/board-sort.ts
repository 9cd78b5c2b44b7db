import type { EntityInfo } from '../../api/types';

/** One way to order a board column. */
export interface BoardSort {
  /** The records API's `sort` value. */
  value: string;
  /** The field it orders by (null for the built-in orders). */
  field: string | null;
  kind: 'in-stage' | 'changed' | 'high-first' | 'low-first' | 'soonest' | 'latest' | 'a-z';
}

/** The default order: most recently entered the stage first (served from the open-stay index). */
export const IN_STAGE = '-enteredStageAt';

/**
 * The orders a board offers for an entity: most recently in stage, recently changed, then for
 * its list columns (or every scalar field) amounts high to low and low to high, dates soonest
 * and latest first, texts A to Z.
 *
 * @example
 * ```ts
 * boardSorts(deal).map((s) => s.value); // ['-enteredStageAt', '-updatedAt', '-amount', 'amount', 'close_date', ...]
 * ```
 */
export function boardSorts(entity: EntityInfo): BoardSort[] {
  const out: BoardSort[] = [
    { value: IN_STAGE, field: null, kind: 'in-stage' },
    { value: '-updatedAt', field: null, kind: 'changed' },
  ];
  const names = entity.ui?.listColumns ?? entity.fields.map((f) => f.name);
  for (const name of names) {
    const f = entity.fields.find((x) => x.name === name);
    if (!f || f.reference || f.type === 'array' || (f.type === 'object' && f.format !== 'money')) continue;
    if (f.format === 'money' || f.type === 'number') out.push({ value: `-${f.name}`, field: f.name, kind: 'high-first' }, { value: f.name, field: f.name, kind: 'low-first' });
    else if (f.format === 'date' || f.format === 'date-time' || f.type === 'date') out.push({ value: f.name, field: f.name, kind: 'soonest' }, { value: `-${f.name}`, field: f.name, kind: 'latest' });
    else if (f.type === 'string' && !f.enum && f.format !== 'uuid') out.push({ value: f.name, field: f.name, kind: 'a-z' });
  }
  return out;
}

/**
 * The `sort` a column asks for: the chosen one, else most recently in stage; a search cannot use
 * the open-stay order, so it falls back to recently changed.
 *
 * @example
 * ```ts
 * columnSort('', 'acme'); // '-updatedAt'
 * ```
 */
export function columnSort(chosen: string, q: string): string {
  const sort = chosen || IN_STAGE;
  return q && sort === IN_STAGE ? '-updatedAt' : sort;
}
