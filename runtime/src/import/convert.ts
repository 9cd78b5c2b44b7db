import type { FieldInfo } from '@pipewright/core';
import type { FieldMapping } from './mapping';

export type Converted = { ok: true; value: unknown } | { ok: false; reason: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The conversion a target needs when the mapping does not say. */
export function defaultType(field: FieldInfo | undefined): NonNullable<FieldMapping['type']> {
  if (!field) return 'string';
  if (field.format === 'money') return 'money';
  if (field.format === 'date') return 'date';
  if (field.format === 'date-time') return 'datetime';
  if (field.type === 'number') return 'number';
  if (field.type === 'boolean') return 'boolean';
  return 'string';
}

/**
 * Converts one non-empty CSV cell. Failures carry a reason a person can act on.
 *
 * @example
 * ```ts
 * convertCell('1,234.5', { type: 'number' }); // { ok: false, reason: 'not a number: "1,234.5"' }
 * ```
 */
export function convertCell(raw: string, type: NonNullable<FieldMapping['type']>, m: FieldMapping): Converted {
  const s = raw.trim();
  switch (type) {
    case 'string':
      return { ok: true, value: s };
    case 'number':
    case 'integer':
    case 'money': {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return { ok: false, reason: `not a number: "${raw}"` };
      let n = Number(s) * (m.scale ?? 1);
      if (!Number.isFinite(n)) return { ok: false, reason: `number out of range: "${raw}"` };
      if (m.scale !== undefined) n = Math.round(n * 1e6) / 1e6;
      if (type === 'integer' && !Number.isInteger(n)) return { ok: false, reason: `not a whole number: "${raw}"` };
      return { ok: true, value: type === 'money' ? { amount: n, currency: m.currency ?? 'USD' } : n };
    }
    case 'date': {
      if (!DATE.test(s)) return { ok: false, reason: `not a date (YYYY-MM-DD): "${raw}"` };
      const d = new Date(`${s}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) return { ok: false, reason: `not a real date: "${raw}"` };
      return { ok: true, value: s };
    }
    case 'datetime': {
      const t = Date.parse(s);
      if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}T/.test(s)) return { ok: false, reason: `not an ISO date-time: "${raw}"` };
      return { ok: true, value: new Date(t).toISOString() };
    }
    case 'boolean': {
      const v = s.toLowerCase();
      if (['true', 'yes', '1', 'y'].includes(v)) return { ok: true, value: true };
      if (['false', 'no', '0', 'n'].includes(v)) return { ok: true, value: false };
      return { ok: false, reason: `not a yes/no value: "${raw}"` };
    }
  }
}

/**
 * Fills a `{column}` / `{column|fallback}` template from a row.
 *
 * @example
 * ```ts
 * fillTemplate('{product} for {account|no account}', { product: 'GTX', account: '' }); // 'GTX for no account'
 * ```
 */
export function fillTemplate(template: string, row: Record<string, string>): string {
  return template.replace(/\{([^{}|]+)(?:\|([^{}]*))?\}/g, (_, col: string, fallback?: string) => {
    const v = (row[col] ?? '').trim();
    return v === '' ? (fallback ?? '') : v;
  });
}

/** Columns a template reads. */
export function templateColumns(template: string): string[] {
  return [...template.matchAll(/\{([^{}|]+)(?:\|[^{}]*)?\}/g)].map((m) => m[1] as string);
}
