import { ValidationError, type ErrorDetail } from '@pipewright/core';
import type { MiddlewareHandler } from 'hono';
import { textProblem } from '../db/text';

/**
 * Deepest nesting a request body may have. Rules nest two JSON levels per rule level (64 at
 * most, see core's `DEFAULT_RULE_LIMITS`) inside a process definition, so 200 leaves room for
 * every legitimate document while keeping far from what breaks things: PGlite's jsonb parser
 * runs out of stack around 3,000 levels and then fails every later query of the instance.
 */
export const MAX_JSON_DEPTH = 200;

const escapeToken = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Checks a parsed JSON value before anything else sees it: nesting at most
 * {@link MAX_JSON_DEPTH} levels (422 `body.too-deep` at the first member beyond it) and every
 * string and member name storable (422 `body.invalid-text` naming each, up to 20). Walks with an
 * explicit stack, so a body of any depth is checked without recursion.
 *
 * @example
 * ```ts
 * checkJsonValue(JSON.parse(text));
 * checkJsonValue(mapping, '/mapping');
 * ```
 */
export function checkJsonValue(value: unknown, prefix = ''): void {
  const bad: ErrorDetail[] = [];
  const stack: { value: unknown; pointer: string; depth: number }[] = [{ value, pointer: prefix, depth: 0 }];
  while (stack.length > 0 && bad.length < 20) {
    const { value: v, pointer, depth } = stack.pop() as { value: unknown; pointer: string; depth: number };
    if (typeof v === 'string') {
      const why = textProblem(v);
      if (why) bad.push({ pointer, message: why, code: 'text' });
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      const message = `is nested deeper than ${MAX_JSON_DEPTH} levels`;
      throw new ValidationError({ code: 'body.too-deep', message: `The body is nested deeper than ${MAX_JSON_DEPTH} levels.`, details: [{ pointer, message, code: 'too-deep', params: { maxDepth: MAX_JSON_DEPTH } }] });
    }
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as [string, unknown];
      const at = `${pointer}/${escapeToken(key)}`;
      if (!Array.isArray(v)) {
        const why = textProblem(key);
        if (why) bad.push({ pointer: at, message: `member name ${why}`, code: 'text' });
      }
      stack.push({ value: child, pointer: at, depth: depth + 1 });
    }
  }
  if (bad.length) throw new ValidationError({ code: 'body.invalid-text', message: 'The body holds text that cannot be stored.', details: bad });
}

/**
 * Middleware: every query parameter's name and value must be storable text (a NUL byte would
 * reach PostgreSQL, which refuses it); 400 naming the parameter otherwise. Percent-encoded bytes
 * that are not UTF-8 decode to U+FFFD (WHATWG URL parsing), which is harmless.
 *
 * @example
 * ```ts
 * app.use('/api/*', storableQuery());
 * ```
 */
export function storableQuery(): MiddlewareHandler {
  return async (c, next) => {
    const url = c.req.url;
    const at = url.indexOf('?');
    if (at >= 0) {
      const details: ErrorDetail[] = [];
      for (const [name, value] of new URLSearchParams(url.slice(at + 1))) {
        const why = textProblem(name) ?? textProblem(value);
        if (why) details.push({ pointer: '', parameter: textProblem(name) ? name.replace(/\u0000/g, '\ufffd') : name, message: why, code: 'text' });
      }
      if (details.length) throw new ValidationError({ code: 'query.invalid', status: 400, message: 'A query parameter holds text that cannot be used.', details });
    }
    await next();
  };
}
