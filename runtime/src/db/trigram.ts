import { sql, type Kysely, type RawBuilder } from 'kysely';

/**
 * PostgreSQL's pg_trgm (trigram similarity) on both backends: PGlite loads it as a contrib
 * extension (see `database.ts`), PostgreSQL ships it in its contrib package. It is created in
 * the `public` schema, once per database, so that every platform schema (tests use one each)
 * finds it at the same qualified names and dropping a platform schema never drops it.
 */

/** Where pg_trgm lives in this database, or null when it is not installed. */
export async function trigramSchema(db: Kysely<unknown>): Promise<string | null> {
  const { rows } = await sql<{ schema: string }>`select n.nspname as schema from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
  return rows[0]?.schema ?? null;
}

/** Whether this server can install pg_trgm (PGlite: only when the contrib extension was loaded). */
export async function trigramAvailable(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_catalog.pg_available_extensions where name = 'pg_trgm'`.execute(db);
  return (rows[0]?.n ?? 0) > 0;
}

/**
 * Installs pg_trgm if it is not there yet and returns its schema. Two processes installing it
 * at once is fine: the loser's duplicate error is ignored and the winner's extension used.
 *
 * @example
 * ```ts
 * const schema = await ensureTrigram(db); // 'public'
 * ```
 */
export async function ensureTrigram(db: Kysely<unknown>): Promise<string> {
  const found = await trigramSchema(db);
  if (found) return found;
  try {
    await sql`create extension if not exists pg_trgm with schema public`.execute(db);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== '23505' && code !== '42710') throw err;
  }
  const schema = await trigramSchema(db);
  if (!schema) throw new Error('pg_trgm could not be installed: on PostgreSQL install the contrib package, on PGlite load @electric-sql/pglite/contrib/pg_trgm');
  return schema;
}

/** `schema.name` as an identifier of the extension's objects (functions, operator class). */
export function trigramName(schema: string, name: string): RawBuilder<unknown> {
  return sql`${sql.id(schema)}.${sql.raw(name)}`;
}
