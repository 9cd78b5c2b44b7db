import type { ProcessDefinition } from './types';

/**
 * Whether a new record's body matches a process's `startsWhen` (no `startsWhen`: every body does).
 * Returns the first field that does not match, or null when the body matches.
 *
 * @example
 * ```ts
 * startsWhenMismatch({ kind: 'sales_to_success' }, { kind: 'presales_to_sales' }); // 'kind'
 * ```
 */
export function startsWhenMismatch(startsWhen: ProcessDefinition['startsWhen'], data: Record<string, unknown>): string | null {
  for (const [field, expected] of Object.entries(startsWhen ?? {})) {
    const value = data[field];
    if (Array.isArray(expected) ? !expected.some((e) => e === value) : expected !== value) return field;
  }
  return null;
}
