import { createHash } from 'node:crypto';
import type { Registry } from '@pipewright/core';
import { sql, type Kysely } from 'kysely';
import { fieldExpression } from '../records/query';
import { withSchemaLock } from './migration-lock';
import { createIndexOnline } from './online-index';
import { ensureTrigram, trigramName } from './trigram';
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
  let trigram: string | null = null;
  for (const entity of registry.entities.values()) {
    for (const index of entity.indexes ?? []) {
      if (index.method === 'trigram') {
        // One text field (checked when the entity loads), a GIN index of its trigrams, without
        // GIN's pending list (see `withoutPendingList`).
        trigram ??= await ensureTrigram(db);
        const field = index.fields[0] as string;
        const name = entityIndexName(entity.fullId, index);
        if (await createIndexOnline(db, name, sql`records using gin ((data->>${sql.lit(field)}) ${trigramName(trigram, 'gin_trgm_ops')}) with (fastupdate = off) where type = ${sql.lit(entity.fullId)}`, { concurrent })) created++;
        else await withoutPendingList(db, name);
        continue;
      }
      const exprs = index.fields.map((f) => {
        const field = entity.fields.get(f);
        if (!field) throw new Error(`${entity.fullId}: index on unknown field ${f}`);
        // Casting text to timestamptz depends on the session time zone, so it cannot be indexed;
        // date-time fields are indexed on their text (ISO 8601, as the importer normalises it).
        return field.format === 'date-time' ? sql`(data->>${sql.lit(field.name)})` : fieldExpression(field).expr;
      });
      const name = entityIndexName(entity.fullId, index);
      const where = index.unique ? sql`type = ${sql.lit(entity.fullId)} and deleted_at is null` : sql`type = ${sql.lit(entity.fullId)}`;
      if (await createIndexOnline(db, name, sql`records (${sql.join(exprs)}) where ${where}`, { concurrent, ...(index.unique ? { unique: true } : {}) })) created++;
    }
  }
  return created;
}

/**
 * Turns GIN's fast update off for a trigram index built before it was created that way, and
 * moves what waits in its pending list into the index. With fast update a GIN index collects new
 * entries in an unsorted pending list that every search reads in full until a vacuum (or 4 MB of
 * entries) merges it: a duplicate check on each create read every record created since the last
 * vacuum, and the planner, counting those pages, scanned all records of the type through a btree
 * instead (ADR 007, addendum 4). Without it an insert adds its few trigrams to
 * the index at once and a search reads only the posting lists of the value's trigrams.
 * `ALTER INDEX ... SET` locks the index for the moment it takes, once per index.
 */
async function withoutPendingList(db: Kysely<unknown>, name: string): Promise<void> {
  const { rows } = await sql<{ options: string[] | null }>`
    select c.reloptions as options from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.relname = ${name} and n.nspname = current_schema()`.execute(db);
  if ((rows[0]?.options ?? []).includes('fastupdate=off')) return;
  await sql`alter index ${sql.id(name)} set (fastupdate = off)`.execute(db);
  await sql`select pg_catalog.gin_clean_pending_list((pg_catalog.quote_ident(current_schema()) || '.' || pg_catalog.quote_ident(${name}))::regclass)`.execute(db);
}

/**
 * The name of the index an entity definition asks for: derived from the entity and the index,
 * so a changed index gets a new name, and a constraint violation can be traced back to its
 * fields (see `db/errors.ts`).
 *
 * @example
 * ```ts
 * entityIndexName('acme.ticket', { fields: ['title'], unique: true }); // 'rx_acme_ticket_...'
 * ```
 */
export function entityIndexName(entity: string, index: { fields: string[]; unique?: boolean; method?: string }): string {
  const method = index.method && index.method !== 'btree' ? `|${index.method}` : '';
  const hash = createHash('sha256').update(`${entity}|${index.fields.join(',')}|${index.unique ? 'u' : ''}${method}`).digest('hex').slice(0, 10);
  return `rx_${entity.replace(/\./g, '_').slice(0, 30)}_${hash}`;
}
