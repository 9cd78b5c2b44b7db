import type { LoadedEntity } from '@pipewright/core';
import type { Insertable, Transaction } from 'kysely';
import type { Database, StageHistoryTable } from '../db/tables';
import type { Actor } from '../records/store';
import { toView } from '../records/view';
import type { PreparedRow } from './rows';
import { importStays, type ImportProcess } from './stages';

const BATCH = 500;

/**
 * Inserts prepared rows and one `import` event each, in batches, inside the caller's transaction.
 * Records of a stageful entity join `o.process` with their stage history (`o.history`, else one
 * open stay each).
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
  o: { importId: string; actor: Actor; at: Date; process?: ImportProcess; history?: ((rows: readonly PreparedRow[], p: ImportProcess) => Insertable<StageHistoryTable>[]) | undefined; onProgress?: (done: number, total: number) => void },
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const inserted = await tx
      .insertInto('records')
      .values(
        batch.map((r) => ({
          id: r.id,
          type: entity.fullId,
          owner_id: r.owner,
          org_unit_id: r.orgUnit,
          stage: r.stage,
          process_id: o.process?.processId ?? null,
          process_version: o.process?.version ?? null,
          version: 1,
          data: JSON.stringify(r.data),
          created_by: o.actor.id,
          updated_by: o.actor.id,
          created_at: o.at,
          updated_at: o.at,
        })),
      )
      .returningAll()
      .execute();
    const rowOf = new Map(batch.map((r) => [r.id, r.row]));
    await tx
      .insertInto('events')
      .values(
        inserted.map((rec) => ({
          record_id: rec.id,
          record_type: entity.fullId,
          action: 'import',
          actor: o.actor.id,
          at: o.at,
          before: null,
          after: JSON.stringify(toView(rec)),
          meta: JSON.stringify({ importId: o.importId, row: rowOf.get(rec.id) }),
        })),
      )
      .execute();
    o.onProgress?.(Math.min(i + BATCH, rows.length), rows.length);
  }
  if (o.process) {
    const stays = o.history ? o.history(rows, o.process) : importStays(rows, o.process, o.actor.id, o.at);
    for (let i = 0; i < stays.length; i += 1000) await tx.insertInto('stage_history').values(stays.slice(i, i + 1000)).execute();
  }
}
