import type { ErrorSchema } from '@rjsf/utils';
import type { ProblemDocument } from '../api/types';

/**
 * Splits a problem document's located errors into rjsf `extraErrors` (pointers under
 * `prefix`, e.g. `/data/amount/currency` -> `{ amount: { currency: { __errors: [...] } } }`)
 * and the messages that belong to no field.
 *
 * @example
 * ```ts
 * const { errorSchema, general } = problemToErrorSchema(problem);
 * <Form extraErrors={errorSchema} />
 * ```
 */
export function problemToErrorSchema(problem: ProblemDocument, prefix = '/data'): { errorSchema: ErrorSchema; general: string[] } {
  const errorSchema: Record<string, unknown> = {};
  const general: string[] = [];
  for (const e of problem.errors ?? []) {
    if (e.pointer !== prefix && !e.pointer.startsWith(`${prefix}/`)) {
      general.push(e.parameter ? `${e.parameter}: ${e.message}` : e.message);
      continue;
    }
    const path = e.pointer.slice(prefix.length).split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node = errorSchema;
    for (const seg of path) {
      if (seg === '__proto__' || seg === 'constructor' || seg === 'prototype') break;
      node = (node[seg] ??= {}) as Record<string, unknown>;
    }
    const list = ((node.__errors as string[] | undefined) ??= []);
    list.push(e.message);
    node.__errors = list;
  }
  return { errorSchema: errorSchema as ErrorSchema, general };
}
