import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';

/** A key -> record map for one lookup; keys seen on more than one record are ambiguous. */
export interface LookupTable {
  entity: string;
  by: string;
  hits: Map<string, { id: string; data: Record<string, unknown> }>;
  ambiguous: Set<string>;
}

/**
 * Loads every live record of an entity keyed by one body field, for resolving human keys.
 *
 * @example
 * ```ts
 * const tickets = await loadLookup(db, 'acme.ticket', 'title');
 * accounts.hits.get('Acme Corporation')?.id;
 * ```
 */
export async function loadLookup(db: Kysely<Database>, entity: string, by: string): Promise<LookupTable> {
  const rows = await db.selectFrom('records').select(['id', 'data']).where('type', '=', entity).where('deleted_at', 'is', null).execute();
  const table: LookupTable = { entity, by, hits: new Map(), ambiguous: new Set() };
  for (const r of rows) {
    const data = (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, unknown>;
    addToLookup(table, data[by], r.id, data);
  }
  return table;
}

/** Adds one record to a lookup table, marking keys that repeat. */
export function addToLookup(table: LookupTable, key: unknown, id: string, data: Record<string, unknown>): void {
  if (key === undefined || key === null || key === '') return;
  const k = String(key);
  if (table.hits.has(k) && table.hits.get(k)?.id !== id) table.ambiguous.add(k);
  else table.hits.set(k, { id, data });
}

/** Users by id, name and email, for `$owner`. */
export async function loadUsers(db: Kysely<Database>): Promise<{ byKey: Map<string, { id: string; orgUnit: string | null }>; ambiguous: Set<string> }> {
  const rows = await db.selectFrom('users').select(['id', 'name', 'email', 'org_unit_id']).execute();
  const byKey = new Map<string, { id: string; orgUnit: string | null }>();
  const ambiguous = new Set<string>();
  for (const u of rows) {
    for (const key of [u.id, u.name, u.email.toLowerCase()]) {
      if (byKey.has(key) && byKey.get(key)?.id !== u.id) ambiguous.add(key);
      else byKey.set(key, { id: u.id, orgUnit: u.org_unit_id });
    }
  }
  return { byKey, ambiguous };
}
