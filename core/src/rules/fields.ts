import { parseRule, type ParseOptions } from './parse';
import type { RuleNode } from './types';

/** Marker returned by {@link fieldsRead} when a rule reads a computed path or the whole record. */
export const ANY_FIELD = '*';

/**
 * Every record field path a rule reads, sorted and deduplicated: `var` paths (dotted), field names
 * given to `missing` / `missing_some` (also through `merge` / `if`), and for
 * map/filter/reduce/all/some/none only the collection path (their bodies read elements, not
 * record fields). A computed path or a whole-record read yields {@link ANY_FIELD}.
 *
 * @example
 * ```ts
 * fieldsRead({ and: [{ '>=': [{ var: 'amount' }, 1] }, { missing: ['contact.email'] }, { some: [{ var: 'items' }, { var: 'x' }] }] });
 * // ['amount', 'contact.email', 'items']
 * ```
 */
export function fieldsRead(rule: unknown, options: ParseOptions = {}): string[] {
  const fields = new Set<string>();
  walk(parseRule(rule, options), fields);
  return [...fields].sort();
}

function walk(node: RuleNode, fields: Set<string>): void {
  switch (node.kind) {
    case 'literal':
      return;
    case 'array':
      node.items.forEach((item) => walk(item, fields));
      return;
    case 'var':
      if (node.scope > 0) return;
      if (node.path !== null) fields.add(node.path.join('.'));
      else fields.add(ANY_FIELD);
      if (node.dynamic !== undefined) walk(node.dynamic, fields);
      if (node.fallback !== undefined) walk(node.fallback, fields);
      return;
    case 'op':
      if (node.scope > 0) return;
      if (node.op === 'missing' || node.op === 'missing_some') {
        const keyArgs = node.op === 'missing' ? node.args : node.args.slice(1);
        keyArgs.forEach((arg) => keys(arg, fields));
      }
      node.args.forEach((arg, i) => {
        if (!(isScoped(node.op) && i === 1)) walk(arg, fields);
      });
  }
}

function isScoped(op: string): boolean {
  return op === 'map' || op === 'filter' || op === 'reduce' || op === 'all' || op === 'some' || op === 'none';
}

/** Field names a `missing` argument can produce. */
function keys(node: RuleNode, fields: Set<string>): void {
  if (node.kind === 'literal') {
    if (typeof node.value === 'string' || typeof node.value === 'number') fields.add(String(node.value) === '' ? ANY_FIELD : String(node.value));
    return;
  }
  if (node.kind === 'array') {
    node.items.forEach((item) => keys(item, fields));
    return;
  }
  if (node.kind === 'op' && node.op === 'merge') {
    node.args.forEach((arg) => keys(arg, fields));
    return;
  }
  if (node.kind === 'op' && (node.op === 'if' || node.op === '?:')) {
    node.args.forEach((arg, i) => {
      if (i % 2 === 1 || i === node.args.length - 1) keys(arg, fields);
    });
    return;
  }
  fields.add(ANY_FIELD);
}
