import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoDataDocument, Registry } from '@pipewright/core';
import { stringify } from 'csv-stringify/sync';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';
import { importCsv, type ImportOptions, type ImportReport } from '../import/importer';
import { shiftDate } from './dates';

/** A demo data document that is not what `DemoDataDocument` says: the plugin, the file and the member. */
export class DemoDataError extends Error {
  constructor(readonly plugin: string, readonly file: string, readonly pointer: string, message: string) {
    super(`Demo data of plugin "${plugin}" (${file}) ${pointer || '/'}: ${message}`);
    this.name = 'DemoDataError';
  }
}

/**
 * Reads and checks one demo data document.
 *
 * @example
 * ```ts
 * const doc = readDemoDocument('/srv/plugins/crm', 'crm', 'demo/contacts.demo.json');
 * ```
 */
export function readDemoDocument(location: string, plugin: string, file: string): DemoDataDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(join(location, file), 'utf8'));
  } catch (err) {
    throw new DemoDataError(plugin, file, '', `cannot be read as JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const d = doc as Partial<DemoDataDocument> | null;
  if (!d || typeof d !== 'object' || Array.isArray(d)) throw new DemoDataError(plugin, file, '', 'must be an object with "mapping" and "rows"');
  if (!d.mapping || typeof d.mapping !== 'object' || typeof d.mapping.entity !== 'string') throw new DemoDataError(plugin, file, '/mapping', 'must be an import mapping naming its entity');
  if (d.dateColumns !== undefined && (!Array.isArray(d.dateColumns) || d.dateColumns.some((c) => typeof c !== 'string'))) throw new DemoDataError(plugin, file, '/dateColumns', 'must be a list of column names');
  if (!Array.isArray(d.rows)) throw new DemoDataError(plugin, file, '/rows', 'must be a list of rows');
  d.rows.forEach((row, i) => {
    if (!row || typeof row !== 'object' || Array.isArray(row)) throw new DemoDataError(plugin, file, `/rows/${i}`, 'must be an object of column values');
    for (const [k, v] of Object.entries(row)) if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) throw new DemoDataError(plugin, file, `/rows/${i}/${k}`, 'must be a string, number, boolean or null');
  });
  return d as DemoDataDocument;
}

/**
 * The rows of a demo document as CSV text: the columns in order of first appearance, empty
 * cells for null or missing values.
 *
 * @example
 * ```ts
 * demoCsv([{ name: 'Ada', age: 36 }, { name: 'Bo' }]); // 'name,age\nAda,36\nBo,\n'
 * ```
 */
export function demoCsv(rows: DemoDataDocument['rows']): string {
  const columns: string[] = [];
  for (const row of rows) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
  return stringify([columns, ...rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))))]);
}

/**
 * Moves the dates (and the date part of date-times) of the given columns by whole years, and
 * months (`2017-07`) and quarters (`2017-Q3`) too, so period columns stay in step with the dates.
 *
 * @example
 * ```ts
 * shiftRowDates([{ at: '2017-03-01T10:00:00Z', period: '2017-Q3' }], ['at', 'period'], 9); // [{ at: '2026-03-01T10:00:00Z', period: '2026-Q3' }]
 * ```
 */
export function shiftRowDates(rows: DemoDataDocument['rows'], columns: readonly string[], years: number): DemoDataDocument['rows'] {
  if (years === 0 || columns.length === 0) return rows;
  return rows.map((row) => {
    const out = { ...row };
    for (const c of columns) {
      const v = out[c];
      if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) out[c] = shiftDate(v.slice(0, 10), years) + v.slice(10);
      else if (typeof v === 'string' && /^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/.test(v)) out[c] = `${String(Number(v.slice(0, 4)) + years).padStart(4, '0')}${v.slice(4)}`;
    }
    return out;
  });
}

/**
 * Imports every plugin's demo data (`contributes.demo`), plugins in load order (dependencies
 * first), each document through the CSV importer with its dates moved by `years`. A document
 * that does not import whole stops the seed, naming the plugin, the file and the first problems.
 *
 * @example
 * ```ts
 * await seedPluginDemo(db, registry, 9, { actor, stages }, log);
 * ```
 */
export async function seedPluginDemo(db: Kysely<Database>, registry: Registry, years: number, options: Pick<ImportOptions, 'actor' | 'stages'>, log: (line: string) => void): Promise<ImportReport[]> {
  const reports: ImportReport[] = [];
  for (const plugin of registry.plugins) {
    const id = plugin.manifest.id;
    for (const file of plugin.manifest.contributes?.demo ?? []) {
      const doc = readDemoDocument(plugin.location, id, file);
      const csv = demoCsv(shiftRowDates(doc.rows, doc.dateColumns ?? [], years));
      const report = await importCsv(db, registry, csv, doc.mapping, { ...options, fileName: `${id}/${file}` });
      if (report.status !== 'completed' || report.rejectedRows > 0) {
        throw new DemoDataError(id, file, '/rows', `${report.rejectedRows} rows were refused: ${JSON.stringify(report.problems.slice(0, 5))}`);
      }
      log(`Seeding demo: ${report.importedRows} ${report.entity} from plugin ${id}`);
      reports.push(report);
    }
  }
  return reports;
}
