import { ValidationError } from '@pipewright/core';
import { sql } from 'kysely';
import type { Principal } from '../auth/principal';
import { isoTime } from '../db/time';
import { isUuid } from './references';
import type { RecordStore } from './store';

/** The latest touch of a record: when, and by which record of which entity. */
export interface LastTouch {
  record: string;
  at: string;
  by: { type: string; id: string };
}

/**
 * The ids of `?ids=` (comma-separated, up to 200 record ids; a URL stays within header limits), or a 400 problem naming the parameter.
 *
 * @example
 * ```ts
 * touchIds('0b5c…,9e1f…'); // ['0b5c…', '9e1f…']
 * ```
 */
export function touchIds(raw: string | undefined): string[] {
  const ids = [...new Set((raw ?? '').split(',').filter((x) => x !== ''))];
  if (ids.length > 200 || ids.some((id) => !isUuid(id))) {
    throw new ValidationError({ code: 'query.invalid', status: 400, message: '"ids" must be up to 200 comma-separated record ids.', details: [{ pointer: '', parameter: 'ids', message: 'up to 200 record ids (uuids)' }] });
  }
  return ids;
}

/**
 * The last touch of each record of `type` among `ids` that the principal sees: the latest of
 * the records of entities declaring a `touch` that reference it (through any of their
 * reference fields to `type`), dated by the touch's `at` field and counted only when its `done`
 * field is true (if named); only touches the principal sees count. Records never touched are
 * left out. One query per touching reference field, each over its expression index.
 *
 * @example
 * ```ts
 * await lastTouches(store, 'acme.site', [siteId], principal); // [{ record: siteId, at: '2026-11-30T10:00:00.000Z', by: { type: 'acme.visit', id: '…' } }]
 * ```
 */
export async function lastTouches(store: RecordStore, type: string, ids: readonly string[], actor: Principal): Promise<LastTouch[]> {
  store.entity(type);
  if (ids.length === 0) return [];
  const seen = (await store.visible(type, actor).select('id').where('id', 'in', ids).where('deleted_at', 'is', null).execute()).map((r) => r.id);
  if (seen.length === 0) return [];
  const best = new Map<string, LastTouch>();
  // field names as literals: they match the expression indexes (and schema field names are [a-z0-9_])
  for (const [toucher, entity] of store.registry.entities) {
    if (!entity.touch) continue;
    const at = entity.fields.get(entity.touch.at);
    const when = at?.format === 'date' ? sql<Date>`((records.data->>${sql.lit(entity.touch.at)}) || 'T00:00:00Z')::timestamptz` : sql<Date>`(records.data->>${sql.lit(entity.touch.at)})::timestamptz`;
    for (const [field, ref] of Object.entries(entity.references ?? {})) {
      if (ref.entity !== type) continue;
      let q = store
        .visible(toucher, actor)
        .select([sql<string>`records.data->>${sql.lit(field)}`.as('target'), 'records.id', when.as('at')])
        .distinctOn(sql`records.data->>${sql.lit(field)}`)
        .where(sql<string>`records.data->>${sql.lit(field)}`, 'in', seen)
        .where('records.deleted_at', 'is', null)
        .where(sql`records.data->>${sql.lit(entity.touch.at)}`, 'is not', null);
      if (entity.touch.done) q = q.where(sql<boolean>`(records.data->>${sql.lit(entity.touch.done)})::boolean`, 'is', true);
      const rows = await q.orderBy(sql`records.data->>${sql.lit(field)}`).orderBy(when, 'desc').execute();
      for (const r of rows) {
        const iso = isoTime(r.at);
        const cur = best.get(r.target);
        if (!cur || iso > cur.at) best.set(r.target, { record: r.target, at: iso, by: { type: toucher, id: r.id } });
      }
    }
  }
  return seen.flatMap((id) => best.get(id) ?? []);
}
