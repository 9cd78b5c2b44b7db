import type { EntityInfo, FieldInfo } from '../api/types';

/**
 * Human label of an enum value or key: `marketing_campaign` -> `Marketing campaign`.
 *
 * @example
 * ```ts
 * humanize('no_budget'); // 'No budget'
 * ```
 */
export function humanize(value: string): string {
  const s = value.replace(/[_-]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The title of a field: its schema title, else its humanized name. */
export function fieldLabel(entity: EntityInfo, name: string): string {
  return entity.fields.find((f) => f.name === name)?.title ?? humanize(name);
}

/**
 * Columns of an entity's list: `ui.listColumns`, else the first six scalar fields.
 *
 * @example
 * ```ts
 * listColumns(deal); // ['name', 'account_id', ...]
 * ```
 */
export function listColumns(entity: EntityInfo): FieldInfo[] {
  const byName = new Map(entity.fields.map((f) => [f.name, f]));
  const names = entity.ui?.listColumns ?? entity.fields.filter((f) => isSortable(f)).slice(0, 6).map((f) => f.name);
  return names.map((n) => byName.get(n)).filter((f): f is FieldInfo => f !== undefined);
}

/** Whether the API can sort and filter by a field (scalars and money). */
export function isSortable(field: FieldInfo): boolean {
  return field.format === 'money' || (field.type !== 'array' && field.type !== 'object');
}

/**
 * Formats a body value for display in the given locale; references are left to the caller.
 *
 * @example
 * ```ts
 * formatValue({ name: 'amount', type: 'object', format: 'money', required: false }, { amount: 5, currency: 'USD' }, 'en'); // '$5.00'
 * formatValue({ name: 'to_user', type: 'string', format: 'user', required: false }, 'rick-rep', 'en', undefined, names); // 'Rick Rep'
 * ```
 */
export function formatValue(field: FieldInfo | undefined, value: unknown, locale: string, yesNo: [string, string] = ['Yes', 'No'], users?: ReadonlyMap<string, string>): string {
  if (value === undefined || value === null || value === '') return '';
  if (field?.format === 'user' && typeof value === 'string') return users?.get(value) ?? value;
  if (field?.format === 'money' && typeof value === 'object') {
    const m = value as { amount?: unknown; currency?: unknown };
    if (typeof m.amount === 'number' && typeof m.currency === 'string') {
      try {
        return new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency }).format(m.amount);
      } catch {
        return `${m.amount} ${m.currency}`;
      }
    }
  }
  if (field?.format === 'date' && typeof value === 'string') {
    const d = new Date(`${value}T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? value : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
  }
  if (field?.format === 'date-time' && typeof value === 'string') return formatDateTime(value, locale);
  if (typeof value === 'boolean') return value ? yesNo[0] : yesNo[1];
  if (typeof value === 'number') return new Intl.NumberFormat(locale).format(value);
  if (typeof value === 'string') return field?.enum ? (field.enumLabels?.[value] ?? humanize(value)) : value;
  return JSON.stringify(value);
}

/** Formats an ISO timestamp for display. */
export function formatDateTime(iso: string, locale: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/**
 * The display title of a record of an entity: its `titleField`, else its id.
 *
 * @example
 * ```ts
 * recordTitle(deal, { name: 'Big deal' }, 'b9f…'); // 'Big deal'
 * ```
 */
export function recordTitle(entity: EntityInfo | undefined, data: Record<string, unknown>, id: string, lookup?: string): string {
  const key = entity?.titleField ?? lookup;
  const v = key ? data[key] : undefined;
  return typeof v === 'string' && v ? v : id.slice(0, 8);
}
