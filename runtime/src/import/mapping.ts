import { ValidationError, ajvDetails, createAjv } from '@pipewright/core';

/** How one target (a body field, or `$owner` / `$orgUnit` / `$stage`) is filled from the CSV. */
export interface FieldMapping {
  /** Source column. */
  column?: string;
  /** Build a string from several columns: `{product} for {account|unknown account}`. */
  template?: string;
  /** Conversion; defaults to the target field's type. */
  type?: 'string' | 'number' | 'integer' | 'date' | 'datetime' | 'boolean' | 'money';
  /** ISO currency for `money` (default USD). */
  currency?: string;
  /** Multiply numbers (e.g. revenue in millions -> 1000000). */
  scale?: number;
  /** Value aliases applied before conversion, e.g. `{ "GTXPro": "GTX Pro" }`; each use is counted in the report. */
  aliases?: Record<string, string>;
  /** Resolve the value to a record id by a field of another entity (references default to the entity's `references`). */
  lookup?: { entity: string; by: string; take?: string };
  /** Value when the cell is empty; without it an empty cell leaves the field unset. */
  default?: unknown;
  /** Why empty cells are acceptable here; an empty cell without `default` or `emptyNote` is still allowed but reported. */
  emptyNote?: string;
}

export interface ImportMapping {
  entity: string;
  fields: Record<string, FieldMapping | string>;
  /** `abort` (default): any rejected row means nothing is written. `skip`: valid rows are written, rejected rows reported. */
  onError?: 'abort' | 'skip';
  /** Body field that identifies a row (e.g. external_id); rows whose key already exists are reported as duplicates, not inserted twice. */
  key?: string;
}

const mappingSchema = {
  $id: 'https://pipewright.dev/schemas/runtime/import-mapping.schema.json',
  type: 'object',
  required: ['entity', 'fields'],
  additionalProperties: false,
  properties: {
    entity: { type: 'string', pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$' },
    onError: { enum: ['abort', 'skip'] },
    key: { type: 'string' },
    fields: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^(\\$owner|\\$orgUnit|\\$stage|[a-z][a-z0-9_]{0,62})$' },
      additionalProperties: {
        oneOf: [
          { type: 'string', minLength: 1 },
          {
            type: 'object',
            additionalProperties: false,
            properties: {
              column: { type: 'string', minLength: 1 },
              template: { type: 'string', minLength: 1 },
              type: { enum: ['string', 'number', 'integer', 'date', 'datetime', 'boolean', 'money'] },
              currency: { type: 'string', pattern: '^[A-Z]{3}$' },
              scale: { type: 'number' },
              aliases: { type: 'object', additionalProperties: { type: 'string' } },
              lookup: {
                type: 'object',
                required: ['entity', 'by'],
                additionalProperties: false,
                properties: { entity: { type: 'string' }, by: { type: 'string' }, take: { type: 'string' } },
              },
              default: {},
              emptyNote: { type: 'string' },
            },
          },
        ],
      },
    },
  },
} as const;

let validateMapping: ReturnType<ReturnType<typeof createAjv>['compile']> | undefined;

/**
 * Checks an import mapping's shape, answering 422 with pointers into it.
 *
 * @example
 * ```ts
 * const mapping = parseMapping({ entity: 'acme.ticket', fields: { title: 'subject' } });
 * ```
 */
export function parseMapping(value: unknown, prefix = ''): ImportMapping {
  validateMapping ??= createAjv().compile(mappingSchema);
  if (!validateMapping(value)) {
    throw new ValidationError({ code: 'import.invalid-mapping', message: 'The column mapping is invalid.', details: ajvDetails(validateMapping.errors, prefix) });
  }
  const mapping = value as ImportMapping;
  for (const [target, m] of Object.entries(mapping.fields)) {
    if (typeof m === 'object' && !m.column && !m.template && m.default === undefined) {
      throw new ValidationError({ code: 'import.invalid-mapping', message: `Mapping for "${target}" needs a column, a template or a default.`, details: [{ pointer: `${prefix}/fields/${target}`, message: 'needs column, template or default' }] });
    }
  }
  return mapping;
}

/** Normalises the string shorthand `"field": "column"`. */
export function fieldMapping(m: FieldMapping | string): FieldMapping {
  return typeof m === 'string' ? { column: m } : m;
}
