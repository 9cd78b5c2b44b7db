import type { LoadedEntity } from '@pipewright/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';
import type { PreparedRow } from './rows';

/**
 * Marks rows that would break one of the entity's unique indexes: a value (or combination) a
 * live record already has, or one an earlier row of the file has. Each is a problem of its row
 * naming the field, so the report says what to fix instead of the whole import failing in the
 * database. Values compare as the indexes compare them (money by amount).
 *
 * @example
 * ```ts
 * await markUniqueConflicts(db, entity, rows);
 * ```
 */
export async function markUniqueConflicts(db: Kysely<Database>, entity: LoadedEntity, rows: PreparedRow[]): Promise<void> {
  const indexes = (entity.indexes ?? []).filter((i) => i.unique);
  if (indexes.length === 0) return;
  const existing = await db.selectFrom('records').select('data').where('type', '=', entity.fullId).where('deleted_at', 'is', null).execute();
  for (const index of indexes) {
    const keyOf = (data: Record<string, unknown>): string | undefined => {
      const values = index.fields.map((f) => {
        const v = data[f];
        return entity.fields.get(f)?.format === 'money' && typeof v === 'object' && v !== null ? (v as { amount?: unknown }).amount : v;
      });
      return values.some((v) => v === undefined || v === null) ? undefined : JSON.stringify(values);
    };
    const taken = new Set(existing.map((r) => keyOf(typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data)).filter((k) => k !== undefined));
    const seen = new Map<string, number>();
    const label = index.fields.join(', ');
    for (const row of rows) {
      if (row.problems.length) continue;
      const key = keyOf(row.data);
      if (key === undefined) continue;
      const field = index.fields.length === 1 ? (index.fields[0] as string) : label;
      if (taken.has(key)) row.problems.push({ row: row.row, field, reason: `a record with this ${label} already exists` });
      else if (seen.has(key)) row.problems.push({ row: row.row, field, reason: `the ${label} repeats row ${seen.get(key)}` });
      else seen.set(key, row.row);
    }
  }
}
