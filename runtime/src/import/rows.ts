import { randomUUID } from 'node:crypto';
import { ValidationError, type LoadedEntity, type Registry } from '@pipewright/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';
import { storableText, textProblem } from '../db/text';
import { convertCell, defaultType, fillTemplate } from './convert';
import type { RowProblem } from './importer';
import { addToLookup, loadLookup, loadUsers, type LookupTable } from './lookups';
import { fieldMapping, type FieldMapping, type ImportMapping } from './mapping';
import { markUniqueConflicts } from './unique';

/** A CSV row turned into a record body plus system columns, with its problems and notes. */
export interface PreparedRow {
  row: number;
  id: string;
  data: Record<string, unknown>;
  owner: string | null;
  orgUnit: string | null;
  stage: string | null;
  problems: RowProblem[];
  notes: string[];
}

interface Deferred {
  row: PreparedRow;
  target: string;
  m: FieldMapping;
  value: string;
  column: string;
}

/**
 * Converts every row: cells, aliases, templates, lookups (including lookups into the same file,
 * such as an account's parent account), owner and org unit. Duplicate keys are problems.
 *
 * @example
 * ```ts
 * const rows = await buildRows(db, registry, entity, mapping, header, csvRows);
 * ```
 */
export async function buildRows(db: Kysely<Database>, registry: Registry, entity: LoadedEntity, mapping: ImportMapping, header: string[], csvRows: { line: number; cells: string[] }[]): Promise<PreparedRow[]> {
  const targets = Object.entries(mapping.fields).map(([target, m]) => [target, withReference(entity, target, fieldMapping(m))] as const);
  const lookups = new Map<string, LookupTable>();
  for (const [, m] of targets) {
    if (!m.lookup) continue;
    registry.entity(m.lookup.entity);
    const key = `${m.lookup.entity}|${m.lookup.by}`;
    if (!lookups.has(key)) lookups.set(key, await loadLookup(db, m.lookup.entity, m.lookup.by));
  }
  const users = targets.some(([t]) => t === '$owner') ? await loadUsers(db) : undefined;
  const units = new Set((await db.selectFrom('org_units').select('id').execute()).map((u) => u.id));
  const defaults = systemDefaults(mapping, users, units);
  const deferred: Deferred[] = [];
  const rows: PreparedRow[] = csvRows.map(({ line, cells }) => {
    const row: PreparedRow = { row: line, id: randomUUID(), data: {}, owner: null, orgUnit: null, stage: null, problems: [], notes: [] };
    if (cells.length !== header.length) {
      row.problems.push({ row: line, reason: `has ${cells.length} cells; the header has ${header.length}` });
      return row;
    }
    const record: Record<string, string> = Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
    for (const [target, m] of targets) {
      const column = m.column ?? m.template ?? '';
      let raw = m.template ? fillTemplate(m.template, record) : (record[m.column ?? ''] ?? '').trim();
      if (raw !== '' && m.aliases && Object.hasOwn(m.aliases, raw)) {
        row.notes.push(`${column}: "${raw}" read as "${m.aliases[raw]}"`);
        raw = m.aliases[raw] as string;
      }
      const unstorable = textProblem(raw);
      if (unstorable) {
        row.problems.push({ row: line, column, field: target, value: storableText(raw), reason: `the cell ${unstorable}` });
        continue;
      }
      if (raw === '') {
        if (target === '$owner' && defaults.owner) {
          row.owner = defaults.owner.id;
          if (!mapping.fields.$orgUnit) row.orgUnit = defaults.owner.orgUnit;
        } else if (m.default !== undefined) assign(row, target, m.default);
        else row.notes.push(`${column} empty: ${m.emptyNote ?? `${target} left unset`}`);
        continue;
      }
      if (target === '$owner') {
        const user = users?.byKey.get(raw) ?? users?.byKey.get(raw.toLowerCase());
        if (!user || users?.ambiguous.has(raw)) row.problems.push({ row: line, column, field: '$owner', value: raw, reason: user ? `user "${raw}" is ambiguous` : `unknown user "${raw}"` });
        else {
          row.owner = user.id;
          if (!mapping.fields.$orgUnit) row.orgUnit = user.orgUnit;
        }
        continue;
      }
      if (target === '$orgUnit') {
        if (!units.has(raw)) row.problems.push({ row: line, column, field: '$orgUnit', value: raw, reason: `unknown org unit "${raw}"` });
        else row.orgUnit = raw;
        continue;
      }
      if (m.lookup) {
        if (m.lookup.entity === entity.fullId && !m.lookup.take) deferred.push({ row, target, m, value: raw, column });
        else resolveLookup(row, target, m, raw, column, lookups.get(`${m.lookup.entity}|${m.lookup.by}`) as LookupTable);
        continue;
      }
      const converted = convertCell(raw, m.type ?? (target === '$stage' ? 'string' : defaultType(entity.fields.get(target))), m);
      if (!converted.ok) row.problems.push({ row: line, column, field: target, value: raw, reason: converted.reason });
      else assign(row, target, converted.value);
    }
    return row;
  });
  if (deferred.length) {
    const self = deferred[0]?.m.lookup as { entity: string; by: string };
    const table = lookups.get(`${self.entity}|${self.by}`) as LookupTable;
    for (const r of rows) if (r.problems.length === 0) addToLookup(table, r.data[self.by], r.id, r.data);
    for (const d of deferred) resolveLookup(d.row, d.target, d.m, d.value, d.column, table);
  }
  if (mapping.key) markDuplicateKeys(rows, mapping.key, await loadLookup(db, entity.fullId, mapping.key));
  await markUniqueConflicts(db, entity, rows);
  return rows;
}

/**
 * The `default` of `$owner` (a user by id, name or email, like a cell) and of `$orgUnit` must
 * name what exists: 422 pointing into the mapping otherwise, before any row is read.
 */
function systemDefaults(mapping: ImportMapping, users: Awaited<ReturnType<typeof loadUsers>> | undefined, units: Set<string>): { owner?: { id: string; orgUnit: string | null } } {
  const details: { pointer: string; message: string; code: string }[] = [];
  const out: { owner?: { id: string; orgUnit: string | null } } = {};
  const owner = mapping.fields.$owner;
  if (typeof owner === 'object' && owner.default !== undefined) {
    const key = String(owner.default);
    const user = users?.byKey.get(key) ?? users?.byKey.get(key.toLowerCase());
    if (typeof owner.default !== 'string' || !user || users?.ambiguous.has(key)) details.push({ pointer: '/mapping/fields/$owner/default', message: user ? `user "${key}" is ambiguous` : `no user "${key}" (by id, name or email)`, code: 'unknown-reference' });
    else out.owner = user;
  }
  const unit = mapping.fields.$orgUnit;
  if (typeof unit === 'object' && unit.default !== undefined && (typeof unit.default !== 'string' || !units.has(unit.default))) {
    details.push({ pointer: '/mapping/fields/$orgUnit/default', message: `no org unit "${String(unit.default)}"`, code: 'unknown-reference' });
  }
  if (details.length) throw new ValidationError({ code: 'import.invalid-mapping', message: 'The mapping names users or org units that do not exist.', details });
  return out;
}

function withReference(entity: LoadedEntity, target: string, m: FieldMapping): FieldMapping {
  const ref = entity.references?.[target];
  if (m.lookup || !ref?.lookup) return m;
  return { ...m, lookup: { entity: ref.entity, by: ref.lookup } };
}

function assign(row: PreparedRow, target: string, value: unknown): void {
  if (target === '$stage') row.stage = String(value);
  else if (target === '$owner') row.owner = String(value);
  else if (target === '$orgUnit') row.orgUnit = String(value);
  else row.data[target] = value;
}

function resolveLookup(row: PreparedRow, target: string, m: FieldMapping, raw: string, column: string, table: LookupTable): void {
  const hit = table.hits.get(raw);
  if (!hit || table.ambiguous.has(raw)) {
    row.problems.push({ row: row.row, column, field: target, value: raw, reason: hit ? `"${raw}" matches several ${table.entity} records by ${table.by}` : `unknown ${table.entity} "${raw}" (looked up by ${table.by})` });
    return;
  }
  if (m.lookup?.take) {
    const taken = hit.data[m.lookup.take];
    if (taken === undefined) row.notes.push(`${column}: ${table.entity} "${raw}" has no ${m.lookup.take}; ${target} left unset`);
    else assign(row, target, taken);
  } else assign(row, target, hit.id);
}

function markDuplicateKeys(rows: PreparedRow[], key: string, existing: LookupTable): void {
  const seen = new Map<string, number>();
  for (const r of rows) {
    const v = r.data[key];
    if (v === undefined || v === null) continue;
    const k = String(v);
    if (existing.hits.has(k)) r.problems.push({ row: r.row, field: key, value: k, reason: `a record with ${key} "${k}" already exists` });
    else if (seen.has(k)) r.problems.push({ row: r.row, field: key, value: k, reason: `${key} "${k}" repeats row ${seen.get(k)}` });
    else seen.set(k, r.row);
  }
}
