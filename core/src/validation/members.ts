import { ValidationError, type ErrorDetail } from '../errors';
import { isForbiddenSegment } from '../rules/runtime';
import { escapePointer } from './ajv';

/** Most offending members reported in one error (the walk stops there). */
const MAX_REPORTED = 20;

/**
 * The members named `__proto__`, `constructor` or `prototype` anywhere in a JSON value, as JSON
 * pointers under `prefix`. Assigning such a member to a plain object changes or shadows its
 * prototype (`obj["__proto__"] = fake` makes `fake`'s values readable as the object's own), so a
 * record body may not hold one at any depth, as rules may not read one. The walk is iterative
 * (any depth, no stack overflow) and reads own members only.
 *
 * @example
 * ```ts
 * forbiddenMembers(JSON.parse('{"a":[{"__proto__":{}}]}'), '/data'); // ['/data/a/0/__proto__']
 * ```
 */
export function forbiddenMembers(value: unknown, prefix = ''): string[] {
  const found: string[] = [];
  const stack: [unknown, string][] = [[value, prefix]];
  while (stack.length > 0 && found.length < MAX_REPORTED) {
    const [v, at] = stack.pop() as [unknown, string];
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}/${i}`]);
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      const pointer = `${at}/${escapePointer(key)}`;
      if (isForbiddenSegment(key)) found.push(pointer);
      else stack.push([(v as Record<string, unknown>)[key], pointer]);
    }
  }
  return found.sort();
}

/**
 * Throws a 422 {@link ValidationError} `record.forbidden-member` naming every `__proto__`,
 * `constructor` or `prototype` member in `value` (see {@link forbiddenMembers}). Call it on a
 * record body or merge patch before anything reads or merges it.
 *
 * @example
 * ```ts
 * assertNoForbiddenMembers(body.data, '/data');
 * ```
 */
export function assertNoForbiddenMembers(value: unknown, prefix = ''): void {
  const found = forbiddenMembers(value, prefix);
  if (found.length === 0) return;
  const details: ErrorDetail[] = found.map((pointer) => ({ pointer, message: 'is a reserved name (__proto__, constructor and prototype are never record fields)', code: 'forbidden-member' }));
  throw new ValidationError({ code: 'record.forbidden-member', message: `A record may not hold members named __proto__, constructor or prototype; found ${found.join(', ')}.`, details, pointer: found[0] as string });
}
