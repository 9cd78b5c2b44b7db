import { NotFoundError, PipewrightError, ValidationError, type Registry } from '@pipewright/core';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/tables';
import { requireRole, requireScope } from '../../auth/guards';
import { importCsv } from '../../import/importer';
import type { ImportStages } from '../../import/stages';
import type { WriteHooks } from '../../records/store';
import { isUuid } from '../../records/store';
import { onlyMembers, readJsonObject } from '../body';
import { checkJsonValue } from '../input-limits';
import type { AppEnv } from '../context';

/**
 * `POST /api/imports` takes `{ mapping, csv }` as JSON, or multipart form data with a `file`
 * and a `mapping` (JSON text). It answers 201 with the report, or 422 with the report when the
 * import was refused. `GET /api/imports/:id` returns a stored report. Admins only (tokens
 * need the `import` scope): see docs/adr/003-identity-and-access.md.
 *
 * @example
 * ```ts
 * app.route('/api/imports', importRoutes(db, registry));
 * ```
 */
export function importRoutes(db: Kysely<Database>, registry: Registry, stages?: ImportStages, hooks?: () => WriteHooks | null): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Imports write across the whole org and resolve keys over every record, so only admins run them.
  app.use('*', requireRole('admin'), requireScope('import'));

  app.post('/', async (c) => {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    let csv: string;
    let mapping: unknown;
    let fileName: string | undefined;
    if (type.startsWith('multipart/form-data')) {
      const form = await c.req.parseBody();
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
      const body = await readJsonObject(c);
      onlyMembers(body, ['mapping', 'csv', 'fileName']);
      if (typeof body.csv !== 'string') throw new ValidationError({ code: 'import.missing-file', message: '"csv" must hold the CSV text.', details: [{ pointer: '/csv', message: body.csv === undefined ? 'is required' : 'must be a string' }] });
      csv = body.csv;
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
  });

  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    const row = isUuid(id) ? await db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
    if (!row) throw new NotFoundError(`There is no import "${id}".`);
    return c.json(row.report);
  });

  return app;
}

/** OpenAPI paths of the import routes. */
export const importPaths = {
  '/api/imports': {
    post: {
      operationId: 'importCsv',
      summary: 'Import a CSV into an entity through a column mapping (atomic, with a report)',
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: { type: 'object', required: ['mapping', 'csv'], properties: { mapping: { type: 'object' }, csv: { type: 'string' }, fileName: { type: 'string' } } } },
          'multipart/form-data': { schema: { type: 'object', required: ['mapping', 'file'], properties: { mapping: { type: 'string' }, file: { type: 'string', format: 'binary' } } } },
        },
      },
      responses: {
        '201': { description: 'Imported; the report accounts for every row', content: { 'application/json': { schema: { type: 'object' } } } },
        '413': { description: 'File too large', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
        '422': { description: 'Rows rejected (nothing written) or bad mapping', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      },
    },
  },
  '/api/imports/{id}': {
    get: {
      operationId: 'getImport',
      summary: 'A stored import report',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      responses: {
        '200': { description: 'The report', content: { 'application/json': { schema: { type: 'object' } } } },
        '404': { description: 'No such import', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      },
    },
  },
};
