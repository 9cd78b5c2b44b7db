import type { LoadedEntity } from '@pipewright/core';
import type { Insertable, Transaction } from 'kysely';
import type { Database, StageHistoryTable } from '../db/tables';
import { importRecords, type Actor } from '../records/writer';
import type { PreparedRow } from './rows';
import { importStays, type ImportProcess } from './stages';

/**
 * Writes prepared rows through the record writer (`importRecords`): one `import` event each, in
 * batches, inside the caller's transaction. Records of a stageful entity join `o.process` with
 * their stage history (`o.history`, else one open stay each). With `o.recordsWritten` (rows
 * already written one by one through plugins' hooks) only the stays are inserted.
 *
 * @example
 * ```ts
 * await db.transaction().execute((tx) => writeRows(tx, entity, rows, { importId, actor, at: new Date() }));
 * ```
 */
export async function writeRows(
  tx: Transaction<Database>,
  entity: LoadedEntity,
  rows: PreparedRow[],
  o: { importId: string; actor: Actor; at: Date; process?: ImportProcess; history?: ((rows: readonly PreparedRow[], p: ImportProcess) => Insertable<StageHistoryTable>[]) | undefined; onProgress?: (done: number, total: number) => void; recordsWritten?: boolean },
): Promise<void> {
  const records = o.recordsWritten ? [] : rows.map((r) => ({ id: r.id, owner: r.owner, orgUnit: r.orgUnit, stage: r.stage, data: r.data, row: r.row }));
  const stays = o.process ? (o.history ? o.history(rows, o.process) : importStays(rows, o.process, o.actor.id, o.at)) : [];
  await importRecords(tx, entity.fullId, records, stays, { importId: o.importId, actor: o.actor, at: o.at, process: o.process ? { processId: o.process.processId, version: o.process.version } : null, ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
}
