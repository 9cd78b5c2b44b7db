import { NotFoundError, PipewrightError, ValidationError, type Registry } from '@pipewright/core';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/tables';
import { requireRole, requireScope } from '../../auth/guards';
import { importCsv } from '../../import/importer';
import type { ImportStages } from '../../import/stages';
import type { WriteHooks } from '../../records/store';
import { isUuid } from '../../records/store';
import { RouteTable } from '../declare';
import { checkJsonValue } from '../input-limits';

const ID = { type: 'string', format: 'uuid', description: 'The import\'s id (its report\'s `importId`).' } as const;
/** An import report (`ImportReport`): every row accounted for. */
const REPORT = {
  type: 'object',
  required: ['importId', 'entity', 'status', 'mode', 'totalRows', 'importedRows', 'rejectedRows', 'problems', 'notes'],
  properties: {
    importId: { type: 'string', format: 'uuid' },
    entity: { type: 'string' },
    status: { enum: ['completed', 'failed'], description: '`failed`: nothing was written.' },
    mode: { enum: ['abort', 'skip'], description: 'The mapping\'s `onError`: refuse the file over a bad row, or write the others.' },
    totalRows: { type: 'integer' },
    importedRows: { type: 'integer' },
    rejectedRows: { type: 'integer' },
    problems: { type: 'array', description: 'Rows at fault: row number, column or field, reason.', items: { type: 'object', properties: { row: { type: 'integer' }, column: { type: 'string' }, field: { type: 'string' }, value: {}, reason: { type: 'string' }, code: { type: 'string' } } } },
    notes: { type: 'array', description: 'What was read leniently (aliases, defaults), with how many rows.', items: { type: 'object', properties: { message: { type: 'string' }, rows: { type: 'integer' } } } },
    durationMs: { type: 'number' },
  },
};

/**
 * `/api/imports`, declared once (ADR 031). `POST /api/imports` takes `{ mapping, csv }` as JSON
 * (checked against its schema), or multipart form data with a `file` and a `mapping` (JSON text),
 * which the handler checks: a form carries a file, which no JSON Schema checks. It answers 201
 * with the report, or 422 with the report when the import was refused. `GET /api/imports/:id`
 * returns a stored report. Admins only (tokens need the `import` scope): see
 * docs/adr/003-identity-and-access.md.
 *
 * @example
 * ```ts
 * const t = importRoutes(db, registry);
 * app.route(t.base, t.app);
 * ```
 */
export function importRoutes(db: Kysely<Database>, registry: Registry, stages?: ImportStages, hooks?: () => WriteHooks | null): RouteTable {
  const t = new RouteTable('/api/imports', ['imports']);
  // Imports write across the whole org and resolve keys over every record, so only admins run them.
  const guards = [requireRole('admin'), requireScope('import')];

  t.on(
    {
      method: 'post',
      path: '/',
      operationId: 'importCsv',
      summary: 'Import a CSV into an entity through a column mapping (atomic, with a report)',
      description: 'The CSV as JSON (`csv`, the text) or as a multipart upload (`file`). The mapping names the entity, the key column and each field\'s column, template or default; a bad mapping is 422 naming its member under `/mapping`, a refused file 422 with the report and one detail per row at fault (`/csv/rows/<n>`).',
      guards,
      body: { type: 'object', required: ['mapping', 'csv'], additionalProperties: false, properties: { mapping: { type: 'object', description: 'The column mapping (entity, key, fields, onError).' }, csv: { type: 'string', description: 'The CSV text, header row first.' }, fileName: { type: 'string', description: 'Kept with the report.' } } },
      forms: { 'multipart/form-data': { type: 'object', required: ['mapping', 'file'], properties: { mapping: { type: 'string', contentMediaType: 'application/json', description: 'The column mapping as JSON text.' }, file: { type: 'string', format: 'binary', description: 'The CSV file; its name is kept with the report.' } } } },
      responses: { 201: { description: 'Imported; the report accounts for every row', schema: REPORT, headers: { Location: { schema: { type: 'string' }, description: 'The stored report.' } } } },
      errors: [403, 404, 413, 429],
    },
    async (c, { body, form }) => {
      let csv: string;
      let mapping: unknown;
      let fileName: string | undefined;
      if (form) {
        const file = form.file;
        if (!(file instanceof File)) throw new ValidationError({ code: 'import.missing-file', message: 'Send the CSV as the form field "file".', details: [{ pointer: '/file', message: 'is required' }] });
        csv = await file.text();
        fileName = file.name;
        try {
          mapping = JSON.parse(String(form.mapping ?? ''));
        } catch {
          throw new ValidationError({ code: 'import.invalid-mapping', message: 'The form field "mapping" must be JSON.', details: [{ pointer: '/mapping', message: 'must be a JSON object' }] });
        }
        checkJsonValue(mapping, '/mapping');
      } else {
        csv = body.csv as string;
        mapping = body.mapping;
        if (typeof body.fileName === 'string') fileName = body.fileName;
      }
      // Rows of entities plugins hook go through the hooks, as the principal importing (duplicate checks, grading...).
      const report = await importCsv(db, registry, csv, mapping, { actor: c.get('actor'), ...(fileName ? { fileName } : {}), ...(stages ? { stages } : {}), hooks: { hooks: hooks?.() ?? null, principal: c.get('actor') } });
      c.header('Location', `/api/imports/${report.importId}`);
      if (report.status === 'failed') {
        // The rows at fault, not the rows left out: an all-or-nothing import leaves out every row.
        const badRows = new Set(report.problems.map((p) => p.row)).size;
        throw new PipewrightError({
          code: 'import.rejected-rows',
          status: 422,
          message: `${badRows} of ${report.totalRows} ${report.totalRows === 1 ? 'row' : 'rows'} cannot be imported, so nothing was written. Fix ${badRows === 1 ? 'it' : 'them'}, or import with "onError": "skip" to write the others.`,
          details: report.problems.slice(0, 1000).map((p) => ({ pointer: `/csv/rows/${p.row}`, message: `row ${p.row}${p.column ? `, column ${p.column}` : p.field ? `, field ${p.field}` : ''}: ${p.reason}`, code: p.code ?? 'row' })),
          extensions: { badRows, report },
        });
      }
      return c.json(report, 201);
    },
  );

  t.on({ method: 'get', path: '/:id', operationId: 'getImport', summary: 'A stored import report', guards, pathParams: { id: ID }, responses: { 200: { description: 'The report', schema: REPORT } }, errors: [403, 404, 429] }, async (c, { param }) => {
    const id = param('id');
    const row = isUuid(id) ? await db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
    if (!row) throw new NotFoundError(`There is no import "${id}".`);
    return c.json(row.report);
  });

  return t;
}
