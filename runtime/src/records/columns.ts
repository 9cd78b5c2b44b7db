import { ValidationError } from '@pipewright/core';
import type { Principal } from '../auth/principal';
import { parseListQuery } from './query';
import type { RecordStore } from './store';
import type { RecordView } from './view';

/** The most columns one request answers (a process has far fewer stages). */
export const MAX_COLUMNS = 50;

/** The first page of one stage's records, with the stage's total. */
export interface ColumnPage {
  stage: string;
  items: RecordView[];
  nextCursor: string | null;
  total: number;
}

const refuse = (parameter: string, message: string, detail: string) => new ValidationError({ code: 'query.invalid', status: 400, message, details: [{ pointer: '', parameter, message: detail, code: 'invalid-parameter' }] });

/**
 * The first page and the total of each stage in `stages` (a board's columns), as the records
 * listing answers them one stage at a time (`filter[stage][eq]`, the same filters, sort, search
 * and limit, `total=true`), in one request: one round trip and one connection instead of one per
 * column, and the plugins' computed values read once for all the pages (ADR 030 addendum). The
 * pages are read one after another in this request (PGlite has one connection; on PostgreSQL a
 * column reads about `limit` index entries). `stages` is required (1 to 50 distinct stage ids);
 * `cursor` and a stage filter are refused (later pages go through the listing).
 *
 * @example
 * ```ts
 * await listColumns(store, 'acme.ticket', new URLSearchParams('stages=new,won&limit=20'), principal);
 * ```
 */
export async function listColumns(store: RecordStore, type: string, params: URLSearchParams, actor: Principal): Promise<ColumnPage[]> {
  const entity = store.entity(type);
  if (!entity.stageful) throw refuse('stages', `${entity.fullId} has no stages, so it has no board columns.`, 'this entity has no stages');
  const stages = [...new Set((params.get('stages') ?? '').split(',').filter((s) => s !== ''))];
  if (stages.length === 0 || stages.length > MAX_COLUMNS || stages.some((s) => s.length > 100)) throw refuse('stages', `"stages" must be 1 to ${MAX_COLUMNS} comma-separated stage ids.`, `1 to ${MAX_COLUMNS} stage ids`);
  if (params.has('cursor')) throw refuse('cursor', 'Columns answer first pages; ask a later page of one column through the records listing.', 'not accepted here');
  for (const key of params.keys()) if (/^filter\[stage\]/.test(key)) throw refuse(key, 'The columns\' stages are given by "stages".', 'use stages');
  const base = new URLSearchParams(params);
  base.delete('stages');
  base.set('total', 'true');
  // checked once with a placeholder stage, so a bad parameter is one 400 rather than one per column
  parseListQuery(entity, new URLSearchParams([...base, ['filter[stage][eq]', stages[0] as string]]));
  const pages: ColumnPage[] = [];
  for (const stage of stages) {
    const page = await store.list(type, parseListQuery(entity, new URLSearchParams([...base, ['filter[stage][eq]', stage]])), actor);
    pages.push({ stage, items: page.items, nextCursor: page.nextCursor, total: page.total ?? page.items.length });
  }
  // the plugins' values on read, once over every column's cards
  const computed = await store.withComputed(type, pages.flatMap((p) => p.items), actor);
  let at = 0;
  return pages.map((p) => ({ ...p, items: computed.slice(at, (at += p.items.length)) }));
}
