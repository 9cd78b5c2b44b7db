import { ValidationError, type ErrorDetail, type FieldInfo, type LoadedEntity } from '@pipewright/core';
import { sql, type RawBuilder } from 'kysely';

export type FilterOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'contains' | 'exists';
const OPS: readonly FilterOp[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'exists'];

/** Kind of a sortable/filterable expression, which decides casts and value parsing. */
type Kind = 'text' | 'uuid' | 'number' | 'boolean' | 'timestamp' | 'date';

interface Target {
  name: string;
  kind: Kind;
  expr: RawBuilder<unknown>;
}

export interface Filter {
  target: Target;
  op: FilterOp;
  values: unknown[];
}

export interface SortKey {
  target: Target;
  desc: boolean;
}

export interface ListQuery {
  filters: Filter[];
  sort: SortKey[];
  limit: number;
  cursor: unknown[] | null;
  search: string | null;
  includeDeleted: boolean;
  withTotal: boolean;
}

const SYSTEM: Record<string, { column: string; kind: Kind }> = {
  id: { column: 'id', kind: 'uuid' },
  owner: { column: 'owner_id', kind: 'text' },
  orgUnit: { column: 'org_unit_id', kind: 'text' },
  stage: { column: 'stage', kind: 'text' },
  process: { column: 'process_id', kind: 'text' },
  version: { column: 'version', kind: 'number' },
  createdAt: { column: 'created_at', kind: 'timestamp' },
  updatedAt: { column: 'updated_at', kind: 'timestamp' },
  createdBy: { column: 'created_by', kind: 'text' },
  updatedBy: { column: 'updated_by', kind: 'text' },
};

/**
 * The SQL expression of a body field, as the entity's expression indexes define it. Field names
 * are checked against the schema (and match `^[a-z][a-z0-9_]*$`) before they reach SQL.
 */
export function fieldExpression(field: FieldInfo): { kind: Kind; expr: RawBuilder<unknown> } {
  const key = sql.lit(field.name);
  if (field.format === 'money') return { kind: 'number', expr: sql`((data->${key}->>'amount')::numeric)` };
  if (field.type === 'number') return { kind: 'number', expr: sql`((data->>${key})::numeric)` };
  if (field.type === 'boolean') return { kind: 'boolean', expr: sql`((data->>${key})::boolean)` };
  if (field.format === 'date') return { kind: 'date', expr: sql`(data->>${key})` };
  if (field.format === 'date-time') return { kind: 'timestamp', expr: sql`((data->>${key})::timestamptz)` };
  return { kind: 'text', expr: sql`(data->>${key})` };
}

function target(entity: LoadedEntity, name: string): Target | null {
  const sys = SYSTEM[name];
  if (sys) return { name, kind: sys.kind, expr: sql`${sql.ref(sys.column)}` };
  const field = entity.fields.get(name);
  if (!field || field.type === 'array' || (field.type === 'object' && field.format !== 'money')) return null;
  return { name, ...fieldExpression(field) };
}

/** Parses one filter value by the target's kind; `null` when it does not parse. */
export function parseValue(kind: Kind, raw: string): unknown {
  switch (kind) {
    case 'number': {
      if (raw.trim() === '') return null;
      const n = Number(raw);
      return Number.isFinite(n) ? n : null;
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : null;
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(raw)) ? raw : null;
    case 'uuid':
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw) ? raw.toLowerCase() : null;
    case 'timestamp':
      return Number.isNaN(Date.parse(raw)) ? null : new Date(raw).toISOString();
    default:
      return raw;
  }
}

const KIND_WORD: Record<Kind, string> = { text: 'text', uuid: 'a record id (UUID)', number: 'a number', boolean: 'true or false', timestamp: 'a date-time', date: 'a date (YYYY-MM-DD)' };

/**
 * Parses list parameters: `filter[field]=v`, `filter[field][op]=v`, `sort=-a,b`, `limit`,
 * `cursor`, `q`, `includeDeleted`, `total`. Every problem names its parameter.
 *
 * @example
 * ```ts
 * parseListQuery(entity, new URLSearchParams('filter[amount][gte]=1000&sort=-amount&limit=20'));
 * ```
 */
export function parseListQuery(entity: LoadedEntity, params: URLSearchParams): ListQuery {
  const problems: ErrorDetail[] = [];
  const bad = (parameter: string, message: string) => problems.push({ pointer: '', parameter, message, code: 'invalid-parameter' });
  const filters: Filter[] = [];
  const known = new Set(['sort', 'limit', 'cursor', 'q', 'includeDeleted', 'total']);
  for (const [key, raw] of params) {
    const m = /^filter\[([A-Za-z0-9_]+)\](?:\[([a-z]+)\])?$/.exec(key);
    if (!m) {
      if (!known.has(key)) bad(key, `unknown query parameter; use filter[field], filter[field][op], sort, limit, cursor, q, includeDeleted or total`);
      continue;
    }
    const [, name = '', opRaw] = m;
    const op = (opRaw ?? 'eq') as FilterOp;
    const t = target(entity, name);
    if (!t) {
      bad(key, `"${name}" is not a filterable field of ${entity.fullId}`);
      continue;
    }
    if (!OPS.includes(op)) {
      bad(key, `unknown operator "${opRaw}"; use one of ${OPS.join(', ')}`);
      continue;
    }
    if (op === 'exists') {
      const v = parseValue('boolean', raw);
      if (v === null) bad(key, 'must be true or false');
      else filters.push({ target: t, op, values: [v] });
      continue;
    }
    if (op === 'contains' && t.kind !== 'text') {
      bad(key, `contains works on text fields; "${name}" is ${KIND_WORD[t.kind]}`);
      continue;
    }
    const parts = op === 'in' ? raw.split(',') : [raw];
    const values = parts.map((p) => parseValue(t.kind, p));
    if (values.some((v) => v === null)) bad(key, `must be ${KIND_WORD[t.kind]}${op === 'in' ? ' (comma-separated)' : ''}; got "${raw}"`);
    else if (op === 'in' && values.length > 500) bad(key, 'at most 500 values');
    else filters.push({ target: t, op, values });
  }
  const sort: SortKey[] = [];
  for (const item of (params.get('sort') ?? '-createdAt').split(',').filter(Boolean)) {
    if (item === '-enteredStageAt') {
      // A board column: one stage, most recently entered first (answered from the open stays).
      const stageFilter = filters.filter((f) => f.target.name === 'stage');
      if (stageFilter.length !== 1 || stageFilter[0]?.op !== 'eq' || params.get('sort') !== item || params.get('q') !== null || !entity.stageful) {
        bad('sort', '-enteredStageAt sorts one stage of a stageful entity: it needs filter[stage]=<stage>, no other sort key and no q');
      } else sort.push({ target: { name: 'enteredStageAt', kind: 'timestamp', expr: sql`entered_stage_at` }, desc: true });
      continue;
    }
    const desc = item.startsWith('-');
    const t = target(entity, desc ? item.slice(1) : item);
    if (!t) bad('sort', `"${item}" is not a sortable field of ${entity.fullId}`);
    else sort.push({ target: t, desc });
  }
  if (sort.length > 4) bad('sort', 'at most 4 sort fields');
  const limitRaw = params.get('limit');
  const limit = limitRaw === null ? 50 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) bad('limit', 'must be an integer from 1 to 1000');
  let cursor: unknown[] | null = null;
  const cursorRaw = params.get('cursor');
  if (cursorRaw) {
    cursor = decodeCursor(cursorRaw, sort);
    if (!cursor) bad('cursor', 'is not a cursor of this listing (it was issued for another sort, or is damaged)');
  }
  const includeDeleted = params.get('includeDeleted') === 'true';
  const withTotal = params.get('total') === 'true';
  const q = params.get('q');
  if (q !== null && q.length > 200) bad('q', 'at most 200 characters');
  if (problems.length) throw new ValidationError({ code: 'query.invalid', status: 400, message: 'The list parameters are invalid.', details: problems });
  return { filters, sort, limit, cursor, search: q && q.trim() ? q.trim() : null, includeDeleted, withTotal };
}

const sortSignature = (sort: SortKey[]) => sort.map((s) => (s.desc ? '-' : '') + s.target.name).join(',');

/** Opaque cursor: the last row's sort values and id, bound to the sort it was made for. */
export function encodeCursor(sort: SortKey[], values: unknown[]): string {
  return Buffer.from(JSON.stringify({ s: sortSignature(sort), v: values })).toString('base64url');
}

function decodeCursor(raw: string, sort: SortKey[]): unknown[] | null {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { s?: unknown; v?: unknown };
    if (parsed.s !== sortSignature(sort) || !Array.isArray(parsed.v) || parsed.v.length !== sort.length + 1) return null;
    const ok = parsed.v.every((v, i) => v === null || (i < sort.length ? ['string', 'number', 'boolean'].includes(typeof v) : typeof v === 'string'));
    return ok ? parsed.v : null;
  } catch {
    return null;
  }
}

function typed(kind: Kind, value: unknown): RawBuilder<unknown> {
  if (kind === 'number') return sql`${String(value)}::numeric`;
  if (kind === 'timestamp') return sql`${value}::timestamptz`;
  if (kind === 'boolean') return sql`${value}::boolean`;
  if (kind === 'uuid') return sql`${value}::uuid`;
  return sql`${value}::text`;
}

/** SQL condition of one filter. */
export function filterCondition(f: Filter): RawBuilder<unknown> {
  const e = f.target.expr;
  const v = (i = 0) => typed(f.target.kind, f.values[i]);
  switch (f.op) {
    case 'eq':
      return sql`${e} = ${v()}`;
    case 'ne':
      return sql`${e} is distinct from ${v()}`;
    case 'gt':
      return sql`${e} > ${v()}`;
    case 'gte':
      return sql`${e} >= ${v()}`;
    case 'lt':
      return sql`${e} < ${v()}`;
    case 'lte':
      return sql`${e} <= ${v()}`;
    case 'in':
      return sql`${e} in (${sql.join(f.values.map((_, i) => v(i)))})`;
    case 'contains':
      return sql`${e} ilike ${'%' + String(f.values[0]).replace(/[\\%_]/g, (c) => '\\' + c) + '%'}`;
    case 'exists':
      return f.values[0] ? sql`${e} is not null` : sql`${e} is null`;
  }
}

/**
 * Keyset condition "after this cursor" for `ORDER BY k1 [desc] NULLS LAST, ..., id`.
 *
 * @example
 * ```ts
 * query.where(afterCursor(sort, cursor));
 * ```
 */
export function afterCursor(sort: SortKey[], cursor: unknown[]): RawBuilder<unknown> {
  const alternatives: RawBuilder<unknown>[] = [];
  for (let i = 0; i <= sort.length; i++) {
    const equal = sort.slice(0, i).map((s, j) => (cursor[j] === null ? sql`${s.target.expr} is null` : sql`${s.target.expr} = ${typed(s.target.kind, cursor[j])}`));
    let after: RawBuilder<unknown> | null;
    if (i === sort.length) after = sql`id > ${cursor[i]}::uuid`;
    else {
      const s = sort[i] as SortKey;
      const v = cursor[i];
      after = v === null ? null : s.desc ? sql`(${s.target.expr} < ${typed(s.target.kind, v)} or ${s.target.expr} is null)` : sql`(${s.target.expr} > ${typed(s.target.kind, v)} or ${s.target.expr} is null)`;
    }
    if (after) alternatives.push(sql`(${sql.join([...equal, after], sql` and `)})`);
  }
  return sql`(${sql.join(alternatives, sql` or `)})`;
}

/** ORDER BY for the sort keys, ending with the id tiebreak. */
export function orderBy(sort: SortKey[]): RawBuilder<unknown> {
  return sql.join([...sort.map((s) => (s.desc ? sql`${s.target.expr} desc nulls last` : sql`${s.target.expr} asc nulls last`)), sql`id asc`]);
}

/** The sort values of a row, for its cursor. */
export function sortValuesOf(sort: SortKey[], row: { id: string; data: Record<string, unknown>; [k: string]: unknown }): unknown[] {
  const values = sort.map((s) => {
    const sys = SYSTEM[s.target.name];
    const raw = sys ? row[sys.column] : row.data[s.target.name];
    if (raw === undefined || raw === null) return null;
    if (raw instanceof Date) return raw.toISOString();
    if (typeof raw === 'object' && raw !== null && 'amount' in raw) return (raw as { amount: unknown }).amount ?? null;
    return raw;
  });
  return [...values, row.id];
}
