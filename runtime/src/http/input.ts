import { ValidationError } from '@pipewright/core';

const invalid = (key: string, message: string, code = 'type'): ValidationError =>
  new ValidationError({ code: 'body.invalid', message: `"${key}" ${message}.`, details: [{ pointer: `/${key}`, message, code }] });

/**
 * Reads a string member: required unless `optional`, trimmed, 1..max characters, matching
 * `pattern` if given. Answers 422 naming the member otherwise.
 *
 * @example
 * ```ts
 * const email = stringMember(body, 'email', { max: 254, pattern: /^[^@\s]+@[^@\s]+$/ });
 * ```
 */
export function stringMember(body: Record<string, unknown>, key: string, o: { max?: number; pattern?: RegExp; optional: true; trim?: boolean }): string | undefined;
export function stringMember(body: Record<string, unknown>, key: string, o?: { max?: number; pattern?: RegExp; optional?: false; trim?: boolean }): string;
export function stringMember(body: Record<string, unknown>, key: string, o: { max?: number; pattern?: RegExp; optional?: boolean; trim?: boolean } = {}): string | undefined {
  const v = body[key];
  if (v === undefined && o.optional) return undefined;
  if (v === undefined) throw invalid(key, 'is required', 'required');
  if (typeof v !== 'string') throw invalid(key, 'must be a string');
  const s = o.trim === false ? v : v.trim();
  if (s.length === 0 || s.length > (o.max ?? 200)) throw invalid(key, `must be 1 to ${o.max ?? 200} characters`, 'length');
  if (o.pattern && !o.pattern.test(s)) throw invalid(key, `does not have the expected form (${o.pattern.source})`, 'pattern');
  return s;
}

/**
 * Reads an array of allowed strings (deduplicated), 422 otherwise.
 *
 * @example
 * ```ts
 * const roles = enumArrayMember(body, 'roles', ROLES);
 * ```
 */
export function enumArrayMember<T extends string>(body: Record<string, unknown>, key: string, allowed: readonly T[], o: { optional?: boolean; nonEmpty?: boolean } = {}): T[] | undefined {
  const v = body[key];
  if (v === undefined && o.optional) return undefined;
  if (!Array.isArray(v)) throw invalid(key, `must be an array of ${allowed.join(', ')}`, v === undefined ? 'required' : 'type');
  const bad = v.filter((x) => !(allowed as readonly unknown[]).includes(x));
  if (bad.length) throw invalid(key, `must hold only ${allowed.join(', ')}; got ${bad.map((b) => JSON.stringify(b)).join(', ')}`, 'enum');
  if (o.nonEmpty && v.length === 0) throw invalid(key, 'must not be empty', 'minItems');
  return [...new Set(v as T[])];
}

/**
 * Reads a boolean member, 422 otherwise.
 *
 * @example
 * ```ts
 * const active = booleanMember(body, 'active');
 * ```
 */
export function booleanMember(body: Record<string, unknown>, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw invalid(key, 'must be true or false');
  return v;
}

/** Email addresses: one @, no spaces; the rest is the mail server's business. */
export const EMAIL = /^[^@\s]{1,64}@[^@\s]{1,190}$/;
/** Ids of users and org units: lower-case slugs like `dustin-brinkmann`. */
export const SLUG = /^[a-z0-9][a-z0-9._-]{0,99}$/;
