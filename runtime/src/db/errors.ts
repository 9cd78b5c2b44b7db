import { PipewrightError, ValidationError, type ErrorDetail, type Registry } from '@pipewright/core';
import { entityIndexName } from './entity-indexes';

/**
 * What PostgreSQL (through `pg`) and PGlite both report about a failed statement: the SQLSTATE
 * `code` and, for constraint violations, the constraint's name. The two drivers throw different
 * classes with different messages, so errors are told apart by these two fields only.
 */
export interface DatabaseFailure {
  code: string;
  constraint?: string;
  table?: string;
  column?: string;
  message: string;
}

/**
 * The database failure an error is, if it is one: an object with a five-character SQLSTATE.
 *
 * @example
 * ```ts
 * if (databaseFailure(err)?.code === '23505') { ... }
 * ```
 */
export function databaseFailure(err: unknown): DatabaseFailure | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as Record<string, unknown>;
  if (typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code) || typeof e.message !== 'string') return undefined;
  // Our own typed errors carry codes like `not-found`; a SQLSTATE never has a dash or a dot.
  if ('kind' in e && 'status' in e) return undefined;
  return {
    code: e.code,
    message: e.message,
    ...(typeof e.constraint === 'string' ? { constraint: e.constraint } : {}),
    ...(typeof e.table === 'string' ? { table: e.table } : {}),
    ...(typeof e.column === 'string' ? { column: e.column } : {}),
  };
}

/** What a constraint protects, in the API's terms: the request members it is about. */
export interface ConstraintMeaning {
  /** JSON pointers of the members, e.g. `/data/name`, `/owner`. */
  pointers: string[];
  /** For unique indexes of plugin entities: the entity and its fields. */
  entity?: string;
  fields?: string[];
}

/**
 * The platform's own constraints, by name, with the request member each concerns. Names follow
 * PostgreSQL's defaults (`<table>_<column>_fkey`, `<table>_<column>_key`, `<table>_pkey`).
 */
const SYSTEM_CONSTRAINTS: Record<string, string[]> = {
  users_pkey: ['/id'],
  users_email_key: ['/email'],
  users_org_unit_id_fkey: ['/orgUnit'],
  org_units_pkey: ['/id'],
  org_units_parent_id_fkey: ['/parent'],
  org_units_kind_check: ['/kind'],
  records_pkey: ['/id'],
  records_owner_id_fkey: ['/owner'],
  records_org_unit_id_fkey: ['/orgUnit'],
  record_shares_pk: ['/userId'],
  record_shares_user_id_fkey: ['/userId'],
  record_shares_record_id_fkey: ['/recordId'],
  record_shares_access_check: ['/access'],
  api_tokens_user_id_fkey: ['/userId'],
  sessions_user_id_fkey: ['/userId'],
  process_definitions_pkey: ['/id'],
  process_versions_process_id_fkey: ['/id'],
};

/**
 * Every constraint a request can run into, named in the API's terms: the platform's own and
 * the unique indexes that entity definitions ask for (whose names are derived from the
 * definition, see `entity-indexes.ts`).
 *
 * @example
 * ```ts
 * const catalog = constraintCatalog(registry);
 * catalog.get('users_email_key'); // { pointers: ['/email'] }
 * ```
 */
export function constraintCatalog(registry: Registry): Map<string, ConstraintMeaning> {
  const catalog = new Map<string, ConstraintMeaning>(Object.entries(SYSTEM_CONSTRAINTS).map(([name, pointers]) => [name, { pointers }]));
  for (const entity of registry.entities.values()) {
    for (const index of entity.indexes ?? []) {
      if (!index.unique) continue;
      catalog.set(entityIndexName(entity.fullId, index), { pointers: index.fields.map((f) => `/data/${f}`), entity: entity.fullId, fields: [...index.fields] });
    }
  }
  return catalog;
}

/**
 * The problem a database failure is for the client, or `undefined` when it is not the client's
 * doing (lost connection, out of memory...), which stays a 500/503. Mapped by SQLSTATE class and
 * constraint name, never by message text, so PostgreSQL and PGlite answer alike:
 *
 * - `23505` unique violation: 409 `record.duplicate` (entity index) or `conflict`, naming the fields;
 * - `23503` foreign key, `23502` not null, `23514` check: 422 naming the field;
 * - class `22` (invalid text, NUL bytes, dates out of range, numbers too large...): 400 `invalid-value`;
 * - `54000` (a value too large for an index): 422 `value-too-large`; `54001` (too complex): 400;
 * - `40001` / `40P01` (serialization failure, deadlock) and `55P03` (lock not available): 503, retry.
 *
 * The database's own message is not passed on: it can quote values of rows the caller cannot see.
 *
 * @example
 * ```ts
 * const mapped = databaseProblem(err, catalog);
 * if (mapped) throw mapped;
 * ```
 */
export function databaseProblem(err: unknown, catalog: Map<string, ConstraintMeaning>): PipewrightError | undefined {
  const f = databaseFailure(err);
  if (!f) return undefined;
  const meaning = f.constraint ? catalog.get(f.constraint) : undefined;
  const pointers = meaning?.pointers ?? (f.column ? [`/${f.column}`] : ['']);
  const details = (message: string, code: string): ErrorDetail[] => pointers.map((pointer) => ({ pointer, message, code }));
  switch (f.code) {
    case '23505':
      if (meaning?.entity && meaning.fields) return duplicateRecord(meaning.entity, meaning.fields);
      return new PipewrightError({ code: 'conflict', status: 409, message: 'Another item already has this value.', details: details('is already taken', 'unique'), cause: err });
    case '23503':
      return new ValidationError({ code: 'unknown-reference', message: 'The request refers to something that does not exist (or no longer does).', details: details('refers to something that does not exist', 'unknown-reference'), cause: err });
    case '23502':
      return new ValidationError({ code: 'required', message: 'A required value is missing.', details: details('is required', 'required'), cause: err });
    case '23514':
    case '23P01':
      return new ValidationError({ code: 'invalid-value', message: 'A value is not allowed here.', details: details('is not allowed', 'check'), cause: err });
    case '54000':
      return new ValidationError({ code: 'value-too-large', message: 'A value is too large to be stored or indexed.', details: details('is too large', 'too-large'), cause: err });
    case '54001':
      return new PipewrightError({ code: 'request.too-complex', status: 400, message: 'The request is too complex (too deeply nested or too many conditions).', cause: err });
    case '40001':
    case '40P01':
    case '55P03':
      return new PipewrightError({ code: 'retry', kind: 'operational', status: 503, message: 'The change collided with another one; retry it.', extensions: { retryAfter: 1 }, cause: err });
  }
  if (f.code.startsWith('22')) {
    return new PipewrightError({ code: 'invalid-value', status: 400, message: invalidValueMessage(f.code), details: details(invalidValueMessage(f.code), f.code === '22021' || f.code === '22P05' ? 'text' : 'value'), cause: err });
  }
  return undefined;
}

/**
 * The 409 of a value an entity's unique index already holds. It names the fields and nothing of
 * the record holding them: callers that may see that record add it as `existing`.
 *
 * @example
 * ```ts
 * throw duplicateRecord('acme.ticket', ['title']);
 * ```
 */
export function duplicateRecord(entity: string, fields: string[], existing?: { id: string; type: string }): PipewrightError {
  const message = fields.length === 1 ? 'another record already has this value' : `another record already has this combination of ${fields.join(', ')}`;
  return new PipewrightError({
    code: 'record.duplicate',
    status: 409,
    message: fields.length === 1 ? `Another ${entity} record already has this ${fields[0]}.` : `Another ${entity} record already has this combination of ${fields.join(', ')}.`,
    details: fields.map((f) => ({ pointer: `/data/${f}`, message, code: 'unique' })),
    extensions: { entity, fields, ...(existing ? { existing } : {}) },
  });
}

function invalidValueMessage(code: string): string {
  switch (code) {
    case '22021':
    case '22P05':
      return 'A text holds a character that cannot be stored (a NUL byte or an unpaired surrogate).';
    case '22007':
    case '22008':
      return 'A date or time is out of the supported range (years 1 to 9999).';
    case '22003':
      return 'A number is out of range.';
    case '22001':
      return 'A text is too long.';
    default:
      return 'A value in the request has the wrong form for where it is used.';
  }
}
