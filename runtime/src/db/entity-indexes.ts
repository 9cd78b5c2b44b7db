import { createHash } from 'node:crypto';
import type { Registry } from '@pipewright/core';
import { sql, type Kysely } from 'kysely';
import { fieldExpression } from '../records/query';
import { withSchemaLock } from './migration-lock';
import { createIndexOnline } from './online-index';
import type { Database } from './tables';

/**
 * Creates the expression indexes that entity definitions ask for (partial on the entity type,
 * unique ones only over live records) and returns how many it built. Idempotent; names are
 * derived from the definition, so a changed index gets a new name. Runs under the schema's
 * migration lock, so of several runtimes starting together one builds and the others find the
 * indexes there. With `concurrent` (PostgreSQL) a new index on the (large) records table is
 * built without blocking writes, and one left invalid by an interrupted build is rebuilt.
 *
 * @example
 * ```ts
 * await ensureEntityIndexes(db, registry, { concurrent: true });
 * ```
 */
export async function ensureEntityIndexes(db: Kysely<Database>, registry: Registry, options: { concurrent?: boolean; schema?: string } = {}): Promise<number> {
  return withSchemaLock(db as Kysely<unknown>, options.schema, (conn) => buildEntityIndexes(conn, registry, options.concurrent ?? false));
}

async function buildEntityIndexes(db: Kysely<unknown>, registry: Registry, concurrent: boolean): Promise<number> {
  let created = 0;
  for (const entity of registry.entities.values()) {
    for (const index of entity.indexes ?? []) {
      const exprs = index.fields.map((f) => {
        const field = entity.fields.get(f);
        if (!field) throw new Error(`${entity.fullId}: index on unknown field ${f}`);
        // Casting text to timestamptz depends on the session time zone, so it cannot be indexed;
        // date-time fields are indexed on their text (ISO 8601, as the importer normalises it).
        return field.format === 'date-time' ? sql`(data->>${sql.lit(field.name)})` : fieldExpression(field).expr;
      });
      const hash = createHash('sha256').update(`${entity.fullId}|${index.fields.join(',')}|${index.unique ? 'u' : ''}`).digest('hex').slice(0, 10);
      const name = `rx_${entity.fullId.replace(/\./g, '_').slice(0, 30)}_${hash}`;
      const where = index.unique ? sql`type = ${sql.lit(entity.fullId)} and deleted_at is null` : sql`type = ${sql.lit(entity.fullId)}`;
      if (await createIndexOnline(db, name, sql`records (${sql.join(exprs)}) where ${where}`, { concurrent, ...(index.unique ? { unique: true } : {}) })) created++;
    }
  }
  return created;
}
