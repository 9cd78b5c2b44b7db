import { assertNoForbiddenMembers, assertValidBody, isPipewrightError, type LoadedEntity, type PipewrightError } from '@pipewright/core';
import { sql, type Transaction } from 'kysely';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/tables';
import type { WriteHooks } from '../records/store';
import { importRecords } from '../records/writer';
import type { RowProblem } from './importer';
import type { PreparedRow } from './rows';
import type { ImportProcess } from './stages';

/**
 * Writes prepared rows of an entity that plugins hook, one row at a time through the same steps
 * as any create (ADR 023 addendum): `beforeChange` (which may replace the body), the entity
 * schema, `validate`, the insert with its `import` event, `afterChange` — each row in a savepoint
 * of the import's transaction, after the rows before it, so a plugin's check sees the earlier
 * rows of the file too. A row a hook refuses with a user error (4xx: a validate problem, a
 * plugin's 409) is rolled back to its savepoint and becomes problems of its row, naming the
 * fields (from the error's pointers), the error's code and its extensions (e.g. a duplicate
 * check's candidates); anything else (a 5xx) fails the import. Returns the rows written (their
 * stays, for a stageful entity, are the caller's to insert).
 *
 * @example
 * ```ts
 * const written = await writeHookedRows(tx, hooks, entity, rows, { importId, principal, at: new Date() });
 * ```
 */
export async function writeHookedRows(
  tx: Transaction<Database>,
  hooks: WriteHooks,
  entity: LoadedEntity,
  rows: PreparedRow[],
  o: { importId: string; principal: Principal; at: Date; process?: ImportProcess; onProgress?: (done: number, total: number) => void },
): Promise<PreparedRow[]> {
  const type = entity.fullId;
  const actor = o.principal;
  const written: PreparedRow[] = [];
  let done = 0;
  for (const row of rows) {
    await sql`savepoint pw_import_row`.execute(tx);
    try {
      const data = await hooks.beforeChange(tx, { operation: 'create', type, before: null, data: row.data, actor });
      assertNoForbiddenMembers(data, '/data');
      assertValidBody(entity, data);
      await hooks.validate(tx, { operation: 'create', type, before: null, data, actor });
      const [view] = await importRecords(tx, type, [{ id: row.id, owner: row.owner, orgUnit: row.orgUnit, stage: row.stage, data, row: row.row }], [], { importId: o.importId, actor, at: o.at, process: o.process ? { processId: o.process.processId, version: o.process.version } : null });
      if (!view) throw new Error(`import: row ${row.row} was not written`);
      await hooks.afterChange(tx, { operation: 'create', type, before: null, data, actor, after: view });
      await sql`release savepoint pw_import_row`.execute(tx);
      row.data = data;
      written.push(row);
    } catch (err) {
      await sql`rollback to savepoint pw_import_row`.execute(tx);
      if (!isPipewrightError(err) || err.status >= 500) throw err;
      row.problems.push(...rowProblems(err, row.row));
    }
    o.onProgress?.(++done, rows.length);
  }
  return written;
}

/** A refused row's problems: one per field the error points at (or one for the row), with the error's code and extensions. */
function rowProblems(err: PipewrightError, row: number): RowProblem[] {
  const fields = [...new Set(err.details.map((d) => /^\/data\/([^/]+)/.exec(d.pointer)?.[1]).filter((f): f is string => f !== undefined))];
  const extensions = Object.keys(err.extensions).length > 0 ? { extensions: err.extensions } : {};
  const base = { row, code: err.code, reason: err.message, ...extensions };
  return fields.length === 0 ? [base] : fields.map((field) => ({ ...base, field }));
}
