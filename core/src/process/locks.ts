import type { StageDefinition } from './types';

/**
 * Fields a change from `before` to `after` alters that the stage locks (empty when none, or the
 * stage locks nothing). A field counts as changed when it is added, removed or given a different
 * value (deep comparison, key order ignored).
 *
 * @example
 * ```ts
 * const won = { id: 'won', label: 'Won', kind: 'won', lockedFields: ['close_value'] } as const;
 * lockedChanges(won, { close_value: { amount: 5, currency: 'USD' } }, { close_value: { amount: 9, currency: 'USD' } }); // ['close_value']
 * ```
 */
export function lockedChanges(stage: Pick<StageDefinition, 'lockedFields'> | undefined, before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const locked = stage?.lockedFields;
  if (!locked) return [];
  const fields = Array.isArray(locked) ? locked : [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => !locked.allExcept.includes(f));
  return fields.filter((f) => !sameValue(before[f], after[f])).sort();
}

/**
 * Whether the stage locks a field.
 *
 * @example
 * ```ts
 * isLocked({ lockedFields: { allExcept: ['notes'] } }, 'amount'); // true
 * ```
 */
export function isLocked(stage: Pick<StageDefinition, 'lockedFields'> | undefined, field: string): boolean {
  const locked = stage?.lockedFields;
  if (!locked) return false;
  return Array.isArray(locked) ? locked.includes(field) : !locked.allExcept.includes(field);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
