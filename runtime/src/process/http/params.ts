import { PipewrightError, ValidationError } from '@pipewright/core';
import { storableInstant } from '../../db/time';
import { parseIfMatch } from '../../records/view';

/**
 * A positive integer from a path or query parameter, 400 otherwise.
 *
 * @example
 * ```ts
 * const v = intParam(c.req.param('version'), 'version');
 * ```
 */
export function intParam(raw: string | undefined, name: string, o: { optional?: boolean; max?: number } = {}): number | undefined {
  if (raw === undefined || raw === '') {
    if (o.optional) return undefined;
    throw new ValidationError({ code: 'query.invalid', status: 400, message: `"${name}" is required.`, details: [{ pointer: '', parameter: name, message: 'is required' }] });
  }
  const n = Number(raw);
  if (!/^\d{1,9}$/.test(raw) || n < 1 || (o.max !== undefined && n > o.max)) {
    throw new ValidationError({ code: 'query.invalid', status: 400, message: `"${name}" must be a whole number from 1${o.max ? ` to ${o.max}` : ''}.`, details: [{ pointer: '', parameter: name, message: 'must be a positive integer' }] });
  }
  return n;
}

/**
 * An instant from a query parameter (ISO date or date-time), 400 otherwise.
 *
 * @example
 * ```ts
 * const asOf = dateParam(url.searchParams.get('asOf'), 'asOf') ?? new Date();
 * ```
 */
export function dateParam(raw: string | null | undefined, name: string): Date | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  const t = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(t) || !storableInstant(new Date(t))) throw new ValidationError({ code: 'query.invalid', status: 400, message: `"${name}" must be an ISO date or date-time from year 1 to 9999.`, details: [{ pointer: '', parameter: name, message: 'not an ISO date from year 1 to 9999' }] });
  return new Date(t);
}

/**
 * The version an If-Match header names: 428 when absent, 400 when malformed.
 *
 * @example
 * ```ts
 * const expected = requiredIfMatch(c.req.header('if-match'));
 * ```
 */
export function requiredIfMatch(header: string | undefined): number {
  const v = parseIfMatch(header);
  if (v === undefined) throw new PipewrightError({ code: 'precondition-required', status: 428, message: 'Send the If-Match header with the ETag you read (e.g. If-Match: "3") so concurrent changes are not lost.' });
  if (v === null) throw new PipewrightError({ code: 'invalid-if-match', status: 400, message: 'If-Match must be an ETag such as "3".', extensions: { header: 'If-Match' } });
  return v;
}
