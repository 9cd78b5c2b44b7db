import { checkStageMapping, planMigration } from '@pipewright/core';
import type { MigrationReport } from '@pipewright/core/api';
import type { MigrationFate } from '@pipewright/core';
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/tables';
import type { JobQueue } from '../jobs/queue';
import { toView } from '../records/view';
import { migrateRecord } from '../records/writer';
import type { ProcessDefinitions } from './definitions';

/** A version migration request. */
export interface MigrationRequest {
  processId: string;
  fromVersion: number;
  toVersion: number;
  stageMapping: Record<string, string>;
  dryRun: boolean;
  actor: Principal;
  /** At most this many records are moved by one real run (the studio migrates in batches with progress). */
  limit?: number;
}

export type { MigrationReport };

const BATCH = 500;

/**
 * Moves the records on one version of a process to another with a stage mapping. A dry run
 * only plans. A real run locks each batch, re-plans on the locked rows, and moves only the
 * records valid under the new version: stage and version updated, stage history closed and
 * reopened when the stage changes (with the new stage's SLA timers), a `process.migrate` event.
 *
 * @example
 * ```ts
 * const report = await migrateRecords(db, definitions, queue, { processId: 'new_business', fromVersion: 1, toVersion: 2, stageMapping: { qualified: 'engaging' }, dryRun: true, actor });
 * ```
 */
export async function migrateRecords(db: Kysely<Database>, definitions: ProcessDefinitions, queue: JobQueue | null, r: MigrationRequest, now: () => Date = () => new Date()): Promise<MigrationReport> {
  const from = await definitions.version(r.processId, r.fromVersion);
  const to = await definitions.version(r.processId, r.toVersion);
  checkStageMapping(from, to, r.stageMapping);
  const fates: MigrationFate[] = [];
  let moved = 0;
  let remaining = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const full = r.limit !== undefined && moved >= r.limit;
    const batch = await db.transaction().execute(async (tx) => {
      let q = tx.selectFrom('records').selectAll().where('process_id', '=', r.processId).where('process_version', '=', r.fromVersion).where('deleted_at', 'is', null).where('id', '>', after).orderBy('id').limit(BATCH);
      // Once the limit is reached the rest is only counted, without locks.
      if (!r.dryRun && !full) q = q.forUpdate();
      const rows = await q.execute();
      for (const row of rows) {
        const view = toView(row);
        const fate = planMigration({ id: row.id, stage: row.stage, data: view.data }, to, r.stageMapping);
        fates.push(fate);
        if (r.dryRun || fate.status !== 'migrate' || fate.toStage === null) continue;
        if (r.limit !== undefined && moved >= r.limit) {
          remaining++;
          continue;
        }
        const meta = { process: r.processId, fromVersion: r.fromVersion, toVersion: r.toVersion, fromStage: row.stage, toStage: fate.toStage };
        await migrateRecord(tx, queue, row, { process: to, processId: r.processId, version: r.toVersion, stage: fate.toStage }, { actor: r.actor, at: now(), meta });
        moved++;
      }
      return rows;
    });
    const last = batch[batch.length - 1];
    if (!last || batch.length < BATCH) break;
    after = last.id;
  }
  const count = (s: MigrationFate['status']) => fates.filter((f) => f.status === s).length;
  return { process: r.processId, fromVersion: r.fromVersion, toVersion: r.toVersion, dryRun: r.dryRun, counts: { migrate: count('migrate'), unmapped: count('unmapped'), invalid: count('invalid') }, moved, remaining, records: fates };
}
