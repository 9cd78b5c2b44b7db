import { PipewrightError, ValidationError } from '@pipewright/core';
import type { Context } from 'hono';
import { checkJsonValue } from './input-limits';

const JSON_TYPES = ['application/json', 'application/merge-patch+json', 'application/problem+json'];

/**
 * Reads a JSON object body. Wrong media type is 415, malformed JSON 400, a non-object 422,
 * a body nested too deep or holding text that cannot be stored 422 (see {@link checkJsonValue}).
 * The size limit is enforced before this by the body-limit middleware (chunked bodies too).
 *
 * @example
 * ```ts
 * const body = await readJsonObject(c);
 * ```
 */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!JSON_TYPES.includes(type)) {
    throw new PipewrightError({ code: 'unsupported-media-type', status: 415, message: `Send JSON (Content-Type: application/json); got "${type || 'nothing'}".` });
  }
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PipewrightError({ code: 'malformed-json', status: 400, message: `The body is not valid JSON: ${(err as Error).message}` });
  }
  checkJsonValue(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError({ code: 'body.not-object', message: 'The body must be a JSON object.', details: [{ pointer: '', message: 'must be an object', code: 'type' }] });
  }
  return value as Record<string, unknown>;
}

/**
 * Checks a body has only the given members, answering 422 with one detail per unknown member.
 *
 * @example
 * ```ts
 * onlyMembers(body, ['data', 'owner']);
 * ```
 */
export function onlyMembers(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length) {
    throw new ValidationError({
      code: 'body.unknown-member',
      message: `Unknown member${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; allowed: ${allowed.join(', ')}.`,
      details: unknown.map((k) => ({ pointer: `/${k}`, message: 'is not a known member', code: 'additionalProperties' })),
    });
  }
}
