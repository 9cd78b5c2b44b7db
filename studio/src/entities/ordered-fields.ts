import type { EntityInfo, FieldInfo } from '../api/types';

/**
 * The entity's fields in form order (`ui.form["ui:order"]`, then the rest in schema order).
 *
 * @example
 * ```ts
 * orderedFields(deal).map((f) => f.name); // ['name', 'account_id', ...]
 * ```
 */
export function orderedFields(entity: EntityInfo): FieldInfo[] {
  const order = entity.ui?.form?.['ui:order'];
  const names = Array.isArray(order) ? order.filter((n): n is string => typeof n === 'string' && n !== '*') : [];
  const rank = (name: string) => {
    const i = names.indexOf(name);
    return i === -1 ? names.length + entity.fields.findIndex((f) => f.name === name) : i;
  };
  return [...entity.fields].sort((a, b) => rank(a.name) - rank(b.name));
}
