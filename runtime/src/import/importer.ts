import { randomUUID } from 'node:crypto';
import { PipewrightError, ValidationError, ajvDetails, type LoadedEntity, type Registry } from '@pipewright/core';
import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';
import type { Actor } from '../records/store';
import { buildRows, type PreparedRow } from './rows';
import { fieldMapping, parseMapping, type ImportMapping } from './mapping';
import { writeRows } from './write';
import { writeHookedRows } from './hooked';
import type { WriteHooks } from '../records/store';
import type { Principal } from '../auth/principal';
import { assignStages, importProcess, type ImportStages } from './stages';

/** One row that could not be imported, located by its line in the file. */
export interface RowProblem {
  row: number;
  column?: string;
  field?: string;
  value?: string;
  reason: string;
  /** The code of the error a plugin's hook refused the row with (e.g. `crm.duplicate`). */
  code?: string;
  /** That error's extensions (e.g. a duplicate check's candidates and policy). */
  extensions?: Record<string, unknown>;
}

export interface ImportReport {
  importId: string;
  entity: string;
  status: 'completed' | 'failed';
  mode: 'abort' | 'skip';
  totalRows: number;
  importedRows: number;
  rejectedRows: number;
  /** Every rejected row with its reasons; nothing is dropped silently. */
  problems: RowProblem[];
  /** Counted, deliberate handling of known data flaws (aliases applied, empty cells kept). */
  notes: { message: string; rows: number }[];
  durationMs: number;
}

export interface ImportOptions {
  actor: Actor;
  fileName?: string;
  onProgress?: (done: number, total: number) => void;
  now?: () => Date;
  /** Needed for stageful entities: records join the entity's default process with stage history. */
  stages?: ImportStages;
  /**
   * Plugins' record hooks (the record store's), with the principal they run as. Rows of an entity
   * a plugin hooks are then written one by one through them (see `writeHookedRows`), as every
   * other write is; without it (the demo seed) rows are written in bulk, hooks not run.
   */
  hooks?: { hooks: WriteHooks | null; principal: Principal };
}

const MAX_ROWS = 200_000;

/**
 * CSV import into any entity through a column mapping. Rows are checked completely first
 * (conversion, references, the entity schema), then written in one transaction with an event per
 * record — for an entity plugins hook, row by row through the hooks (`options.hooks`), whose
 * refusals are problems of their rows — so the import is atomic: with `onError: 'abort'` a single bad row means nothing is
 * written; with `skip` the good rows are written. The report accounts for every row.
 *
 * @example
 * ```ts
 * const report = await importCsv(db, registry, csvText, { entity: 'acme.ticket', fields: { title: 'subject' } }, { actor });
 * ```
 */
export async function importCsv(db: Kysely<Database>, registry: Registry, csv: string, mappingInput: unknown, options: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  const mapping: ImportMapping = parseMapping(mappingInput, '/mapping');
  const entity = registry.entity(mapping.entity);
  const { header, rows } = parseCsv(csv);
  checkTargets(entity, mapping, header);
  const joins = await importProcess(db, entity, options.stages);
  const importId = randomUUID();
  const prepared = await buildRows(db, registry, entity, mapping, header, rows);
  if (joins) assignStages(prepared, joins);
  const problems = prepared.flatMap((r) => r.problems);
  for (const r of prepared) {
    if (r.problems.length === 0 && !entity.validate(r.data)) {
      for (const d of ajvDetails(entity.validate.errors)) {
        const field = d.pointer.split('/')[1];
        r.problems.push({ row: r.row, ...(field ? { field } : {}), reason: `${d.pointer || 'record'} ${d.message}` });
      }
      problems.push(...r.problems);
    }
  }
  let good: PreparedRow[] = prepared.filter((r) => r.problems.length === 0);
  const mode = mapping.onError ?? 'abort';
  const now = options.now ?? (() => new Date());
  const hooks = options.hooks?.hooks?.has(entity.fullId) ? { hooks: options.hooks.hooks, principal: options.hooks.principal } : null;
  let write = mode === 'skip' || good.length === prepared.length;
  const rolledBack = Symbol('rolled back');
  await db
    .transaction()
    .execute(async (tx) => {
      const at = now();
      const stays = joins ? { process: joins, history: options.stages?.history } : {};
      if (hooks) {
        // Hooks run on every good row even when others were refused, so the report lists every
        // problem at once; an aborted import then rolls back what they wrote.
        const checked = good;
        good = await writeHookedRows(tx, hooks.hooks, entity, checked, { importId, principal: hooks.principal, at, ...(joins ? { process: joins } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
        problems.push(...checked.flatMap((r) => r.problems));
        write = mode === 'skip' || good.length === prepared.length;
        if (!write) throw rolledBack;
        if (joins && good.length > 0) await writeRows(tx, entity, good, { importId, actor: options.actor, at, ...stays, recordsWritten: true });
      } else if (write) await writeRows(tx, entity, good, { importId, actor: options.actor, at, ...stays, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    })
    .catch((err: unknown) => {
      if (err !== rolledBack) throw err;
    });
  const rejectedRows = prepared.length - good.length;
  const report: ImportReport = {
    importId,
    entity: entity.fullId,
    status: write ? 'completed' : 'failed',
    mode,
    totalRows: prepared.length,
    importedRows: write ? good.length : 0,
    rejectedRows: write ? rejectedRows : prepared.length,
    problems: problems.sort((a, b) => a.row - b.row),
    notes: summariseNotes(prepared),
    durationMs: Date.now() - started,
  };
  await db
    .insertInto('imports')
    .values({
      id: importId,
      entity: entity.fullId,
      status: report.status,
      actor: options.actor.id,
      file_name: options.fileName ?? null,
      total_rows: report.totalRows,
      imported_rows: report.importedRows,
      rejected_rows: report.rejectedRows,
      report: JSON.stringify(report),
      started_at: new Date(started),
      finished_at: now(),
    })
    .execute();
  return report;
}

function parseCsv(csv: string): { header: string[]; rows: { line: number; cells: string[] }[] } {
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(csv, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new ValidationError({ code: 'import.malformed-csv', message: `The CSV cannot be read${e.lines ? ` (line ${e.lines})` : ''}: ${e.message}`, details: [{ pointer: '/csv', message: e.message }] });
  }
  const [first, ...rest] = parsed;
  if (!first) throw new ValidationError({ code: 'import.empty-csv', message: 'The CSV is empty: it needs a header row.', details: [{ pointer: '/csv', message: 'no header row' }] });
  if (rest.length > MAX_ROWS) throw new PipewrightError({ code: 'import.too-many-rows', status: 413, message: `At most ${MAX_ROWS} rows per import; this file has ${rest.length}.` });
  const header = first.record.map((h) => h.trim());
  const seen = new Map<string, number>();
  const twice = header.flatMap((h, i) => {
    const earlier = seen.get(h);
    if (earlier === undefined) seen.set(h, i);
    // Unnamed columns cannot be mapped, so only named ones must be unique.
    return earlier === undefined || h === '' ? [] : [{ pointer: '/csv', message: `column "${h}" appears twice in the header (columns ${earlier + 1} and ${i + 1})`, code: 'duplicate-header' }];
  });
  if (twice.length) throw new ValidationError({ code: 'import.duplicate-header', message: `The CSV header names a column more than once: ${twice.map((t) => t.message).join('; ')}. Rename one so each column is read unambiguously.`, details: twice });
  return { header, rows: rest.map((r) => ({ line: r.info.lines, cells: r.record })) };
}

function checkTargets(entity: LoadedEntity, mapping: ImportMapping, header: string[]): void {
  const details: { pointer: string; message: string }[] = [];
  for (const [target, raw] of Object.entries(mapping.fields)) {
    const m = fieldMapping(raw);
    const pointer = `/mapping/fields/${target}`;
    if (target === '$stage' && !entity.stageful) details.push({ pointer, message: `${entity.fullId} has no stages` });
    else if (!target.startsWith('$') && !entity.fields.has(target)) details.push({ pointer, message: `"${target}" is not a field of ${entity.fullId}` });
    const cols = [...(m.column ? [m.column] : []), ...(m.template ? [...m.template.matchAll(/\{([^{}|]+)/g)].map((x) => x[1] as string) : [])];
    for (const col of cols) if (!header.includes(col)) details.push({ pointer, message: `column "${col}" is not in the CSV header (${header.join(', ')})` });
  }
  if (details.length) throw new ValidationError({ code: 'import.invalid-mapping', message: 'The mapping does not fit the entity or the file.', details });
}

function summariseNotes(rows: PreparedRow[]): { message: string; rows: number }[] {
  const counts = new Map<string, number>();
  for (const r of rows) for (const n of r.notes) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts.entries()].map(([message, n]) => ({ message, rows: n })).sort((a, b) => b.rows - a.rows);
}
