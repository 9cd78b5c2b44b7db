import type { Selectable } from 'kysely';
import type { RecordTable } from '../db/tables';
import type { RecordView } from '@pipewright/core/api';
import { isoTime, isoTimeOrNull } from '../db/time';

export type { RecordView } from '@pipewright/core/api';

/**
 * Maps a `records` row to its API shape.
 *
 * @example
 * ```ts
 * const view = toView(await db.selectFrom('records').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
 * ```
 */
export function toView(row: Selectable<RecordTable>): RecordView {
  return {
    id: row.id,
    type: row.type,
    version: row.version,
    owner: row.owner_id,
    orgUnit: row.org_unit_id,
    stage: row.stage,
    process: row.process_id !== null && row.process_version !== null ? { id: row.process_id, version: row.process_version } : null,
    data: typeof row.data === 'string' ? (JSON.parse(row.data) as Record<string, unknown>) : row.data,
    createdAt: isoTime(row.created_at),
    updatedAt: isoTime(row.updated_at),
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    deletedAt: isoTimeOrNull(row.deleted_at),
  };
}

/** The strong ETag of a record version. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Reads the version out of an `If-Match` header (`"3"`, `W/"3"`); `undefined` if absent,
 * `null` if present but unusable.
 *
 * @example
 * ```ts
 * parseIfMatch('"3"'); // 3
 * ```
 */
export function parseIfMatch(header: string | undefined | null): number | null | undefined {
  if (header === undefined || header === null || header.trim() === '') return undefined;
  const m = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header) ?? /^\s*(\d{1,9})\s*$/.exec(header);
  return m ? Number(m[1]) : null;
}
