import type { RuleContext } from './types';

/**
 * Runtime helpers shared by the compiled functions and the interpreter, so both have exactly
 * json-logic-js 2.0.5's semantics, except that `var` reads only own properties and never
 * follows `__proto__`, `constructor` or `prototype`.
 */

/** Path segments never followed, neither at check time nor at evaluation time. */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Whether `segment` is in {@link FORBIDDEN_SEGMENTS}, by plain comparisons (a `Set` lookup has
 * to hash every freshly split path segment first).
 *
 * @example
 * ```ts
 * isForbiddenSegment('__proto__'); // true
 * ```
 */
export function isForbiddenSegment(segment: string): boolean {
  return segment === '__proto__' || segment === 'constructor' || segment === 'prototype';
}

const hasOwn = Object.hasOwn;
/**
 * Whether `value`, just read as `holder[key]` (`holder?.[key]`), is an own property of `holder`:
 * the check behind every static `var` read of the generated code, which passes
 * `Object.prototype[key]` and `Array.prototype[key]` (the prototypes of JSON objects and arrays)
 * too. A value is accepted without `Object.hasOwn` when it is neither of them and the holder is an
 * object, so a polluted prototype is never read. All loads stay in the generated code, where the
 * key is a constant of that one function: there the prototype loads fold away once optimized, and
 * this helper is inlined.
 *
 * @example
 * ```ts
 * const data: Record<string, unknown> = { a: 1 };
 * found(data['a'], Object.prototype['a' as never], Array.prototype['a' as never], data, 'a'); // true
 * found(data['toString'], Object.prototype.toString, Array.prototype.toString, data, 'toString'); // false
 * ```
 */
export function found(value: unknown, objectProto: unknown, arrayProto: unknown, holder: unknown, key: string): boolean {
  return value !== undefined && ((value !== objectProto && value !== arrayProto && typeof holder === 'object') || hasOwn(holder as object, key));
}

/**
 * {@link found} returning the value itself, or `null` when it is absent or inherited: a static
 * `var` read without fallback (`null` is also what a found JSON null reads as).
 *
 * @example
 * ```ts
 * const data: Record<string, unknown> = { a: 1 };
 * ownValue(data?.['a'], Object.prototype['a' as never], Array.prototype['a' as never], data, 'a'); // 1
 * ```
 */
export function ownValue(value: unknown, objectProto: unknown, arrayProto: unknown, holder: unknown, key: string): unknown {
  return value !== undefined && ((value !== objectProto && value !== arrayProto && typeof holder === 'object') || hasOwn(holder as object, key)) ? value : null;
}

/**
 * json-logic truthiness: like JavaScript, except that an empty array is falsy.
 *
 * @example
 * ```ts
 * truthy([]); // false
 * truthy('0'); // true
 * ```
 */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value) && value.length === 0) return false;
  return !!value;
}

/** Reads one own property; `undefined` when absent or forbidden. */
function own(data: unknown, key: string): unknown {
  if (data === null || data === undefined || isForbiddenSegment(key)) return undefined;
  return hasOwn(data as object, key) ? (data as Record<string, unknown>)[key] : undefined;
}

/** `var` with pre-split segments. */
export function readSegments(data: unknown, segments: readonly string[], fallback: unknown): unknown {
  const notFound = fallback === undefined ? null : fallback;
  let current = data;
  for (const segment of segments) {
    if (current === null || current === undefined) return notFound;
    current = own(current, segment);
    if (current === undefined) return notFound;
  }
  return current;
}

/** `var` with a computed path (json-logic: `String(path).split('.')`). */
export function readPath(data: unknown, path: unknown, fallback: unknown): unknown {
  if (path === undefined || path === '' || path === null) return data;
  return readSegments(data, String(path).split('.'), fallback);
}

/** `missing`: keys whose value is null, absent or `""`. */
export function missing(data: unknown, args: readonly unknown[]): unknown[] {
  const first = args[0];
  const keys: readonly unknown[] = Array.isArray(first) ? first : args;
  const result: unknown[] = [];
  for (const key of keys) {
    const value = Array.isArray(key) ? readPath(data, key[0], key[1]) : readPath(data, key, undefined);
    if (value === null || value === '') result.push(key);
  }
  return result;
}

/** `missing_some`: `[]` when at least `need` of `options` are present, else the missing ones. */
export function missingSome(data: unknown, need: unknown, options: unknown): unknown[] {
  const found = missing(data, Array.isArray(options) ? options : [options]);
  const length = (options as { length?: unknown }).length as number;
  return length - found.length >= (need as number) ? [] : found;
}

/** `in`: substring of a string or member (`===`) of an array. */
export function inOp(needle: unknown, haystack: unknown): boolean {
  if (typeof haystack === 'string') return haystack !== '' && haystack.indexOf(needle as string) !== -1;
  if (Array.isArray(haystack)) return haystack.indexOf(needle) !== -1;
  return false;
}

/** `cat`. */
export function cat(args: readonly unknown[]): string {
  return args.join('');
}

/** `substr`, with PHP-like negative length. */
export function substr(source: unknown, start: unknown, end: unknown): string {
  const s = String(source);
  if ((end as number) < 0) {
    const temp = s.substr(start as number);
    return temp.substr(0, temp.length + (end as number));
  }
  return s.substr(start as number, end as number);
}

/** json-logic's `parseFloat` coercion, fast on numbers (`parseFloat(-0)` is `0`). */
export function toFloat(value: unknown): number {
  return typeof value === 'number' ? value + 0 : parseFloat(value as string);
}

/** `+`. */
export function plus(args: readonly unknown[]): number {
  let sum = 0;
  for (const value of args) sum = sum + toFloat(value);
  return sum;
}

/** `*` (a single argument is returned unconverted, as json-logic does). */
export function times(args: readonly unknown[]): unknown {
  if (args.length === 0) throw new TypeError('Reduce of empty array with no initial value');
  let product: unknown = args[0];
  for (let i = 1; i < args.length; i++) product = toFloat(product) * toFloat(args[i]);
  return product;
}

/** `-`. */
export function minus(a: unknown, b: unknown): number {
  return b === undefined ? -(a as number) : (a as number) - (b as number);
}

/** `merge`. */
export function merge(args: readonly unknown[]): unknown[] {
  let result: unknown[] = [];
  for (const value of args) result = result.concat(value);
  return result;
}

/** `min` / `max`. */
export const min = (args: readonly unknown[]): number => Math.min(...(args as number[]));
export const max = (args: readonly unknown[]): number => Math.max(...(args as number[]));

/** `log`: hands the value to `ctx.log` (never stdout) and returns it. */
export function log(ctx: RuleContext | undefined, value: unknown): unknown {
  ctx?.log?.(value);
  return value;
}

/** Body of a scoped operator, already compiled or interpreted. */
export type ScopedBody = (datum: unknown, ctx: RuleContext) => unknown;

/** `map`. */
export function mapOp(items: unknown, body: ScopedBody, ctx: RuleContext): unknown[] {
  if (!Array.isArray(items)) return [];
  const out = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = body(items[i], ctx);
  return out;
}

/** `filter` (`test` returns json-logic truthiness already). */
export function filterOp(items: unknown, test: ScopedBody, ctx: RuleContext): unknown[] {
  if (!Array.isArray(items)) return [];
  const out: unknown[] = [];
  for (const item of items) if (test(item, ctx) === true) out.push(item);
  return out;
}

/** `reduce`: the body sees `{ current, accumulator }`. */
export function reduceOp(items: unknown, body: ScopedBody, ctx: RuleContext, initial: unknown): unknown {
  if (!Array.isArray(items)) return initial;
  let accumulator = initial;
  for (const current of items) accumulator = body({ current, accumulator }, ctx);
  return accumulator;
}

/** `all` (false on an empty or non-array collection). */
export function allOp(items: unknown, test: ScopedBody, ctx: RuleContext): boolean {
  if (!Array.isArray(items) || items.length === 0) return false;
  for (const item of items) if (test(item, ctx) !== true) return false;
  return true;
}

/** `some`. */
export function someOp(items: unknown, test: ScopedBody, ctx: RuleContext): boolean {
  if (!Array.isArray(items)) return false;
  for (const item of items) if (test(item, ctx) === true) return true;
  return false;
}

/** `none`. */
export function noneOp(items: unknown, test: ScopedBody, ctx: RuleContext): boolean {
  return !someOp(items, test, ctx);
}

/**
 * Current time of a context in epoch milliseconds (system clock when none is injected).
 *
 * @example
 * ```ts
 * nowMillis({ now: () => new Date('2025-01-01T00:00:00Z') }); // 1735689600000
 * ```
 */
export function nowMillis(ctx: RuleContext | undefined): number {
  const now = ctx?.now?.();
  if (now === undefined) return Date.now();
  return typeof now === 'number' ? now : now.getTime();
}
