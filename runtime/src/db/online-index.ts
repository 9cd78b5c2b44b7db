import { sql, type Kysely, type RawBuilder } from 'kysely';

/**
 * How index changes are made: `concurrent` (PostgreSQL) builds and drops indexes with
 * `CONCURRENTLY`, which never blocks writes to the table (at the price of two table scans and
 * no transaction around it); the embedded PGlite has one connection, so nothing can wait on a
 * plain build there.
 */
export interface IndexMode {
  concurrent: boolean;
}

/** Whether the index `name` exists in the current schema, and whether it is usable. */
async function indexState(db: Kysely<unknown>, name: string): Promise<'missing' | 'valid' | 'invalid'> {
  const { rows } = await sql<{ valid: boolean }>`
    select i.indisvalid as valid from pg_catalog.pg_index i
      join pg_catalog.pg_class c on c.oid = i.indexrelid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.relname = ${name} and n.nspname = current_schema()`.execute(db);
  const row = rows[0];
  return row === undefined ? 'missing' : row.valid ? 'valid' : 'invalid';
}

/**
 * Drops an index if it exists, concurrently in `concurrent` mode (the table stays writable).
 *
 * @example
 * ```ts
 * await dropIndexOnline(db, 'records_type_stage', { concurrent: true });
 * ```
 */
export async function dropIndexOnline(db: Kysely<unknown>, name: string, mode: IndexMode): Promise<void> {
  await sql`drop index ${mode.concurrent ? sql`concurrently ` : sql``}if exists ${sql.id(name)}`.execute(db);
}

/**
 * Creates an index unless a valid one of that name exists. In `concurrent` mode it is built
 * with `CREATE INDEX CONCURRENTLY`, which lets writes go on during the build; a build that
 * failed or was interrupted leaves an invalid index behind, which is dropped and built again
 * here. Must not run inside a transaction in that mode. `definition` is what follows
 * `on`: the table, the columns or expressions and an optional `where`.
 *
 * @example
 * ```ts
 * await createIndexOnline(db, 'records_process', sql`records (process_id, process_version)`, { concurrent: true });
 * ```
 */
export async function createIndexOnline(db: Kysely<unknown>, name: string, definition: RawBuilder<unknown>, mode: IndexMode & { unique?: boolean }): Promise<boolean> {
  const state = await indexState(db, name);
  if (state === 'valid') return false;
  if (state === 'invalid') await dropIndexOnline(db, name, mode);
  await sql`create ${mode.unique ? sql`unique ` : sql``}index ${mode.concurrent ? sql`concurrently ` : sql``}${sql.id(name)} on ${definition}`.execute(db);
  return true;
}

/**
 * Replaces an index by one with another definition under the same name without blocking
 * writes: the new one is built beside the old one (concurrently), the old one is dropped
 * (concurrently) and the new one takes its name. Safe to run again after an interruption at
 * any step.
 *
 * @example
 * ```ts
 * await replaceIndexOnline(db, 'events_subject', sql`events (subject, id) where subject is not null`, { concurrent: true });
 * ```
 */
export async function replaceIndexOnline(db: Kysely<unknown>, name: string, definition: RawBuilder<unknown>, mode: IndexMode): Promise<void> {
  const next = `${name}_next`;
  await createIndexOnline(db, next, definition, mode);
  await dropIndexOnline(db, name, mode);
  await sql`alter index ${sql.id(next)} rename to ${sql.id(name)}`.execute(db);
}
