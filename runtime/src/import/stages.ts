import { ProcessError, type CompiledProcess, type LoadedEntity } from '@pipewright/core';
import type { Insertable, Kysely } from 'kysely';
import type { Database, StageHistoryTable } from '../db/tables';
import type { ProcessDefinitions } from '../process/definitions';
import { stayOf } from '../records/writer';
import type { PreparedRow } from './rows';

/** The process version imported records of a stageful entity join. */
export interface ImportProcess {
  processId: string;
  version: number;
  process: CompiledProcess;
}

/**
 * How an import brings in stage history: the definitions to find the entity's default process
 * in, and optionally the history to write for the imported rows (the demo seed derives stays
 * from the data set's dates). By default each record gets one open stay in its stage, entered
 * at the time of the import by the importing actor.
 */
export interface ImportStages {
  definitions: ProcessDefinitions;
  history?: (rows: readonly PreparedRow[], p: ImportProcess) => Insertable<StageHistoryTable>[];
}

/**
 * The published process version a stageful entity's imported records join (409 when none is
 * published: records of a stageful entity always belong to a process version).
 *
 * @example
 * ```ts
 * const p = await importProcess(db, entity, { definitions });
 * ```
 */
export async function importProcess(db: Kysely<Database>, entity: LoadedEntity, stages: ImportStages | undefined): Promise<ImportProcess | null> {
  if (!entity.stageful) return null;
  const latest = stages ? await stages.definitions.latest({ entity: entity.fullId }, db) : null;
  if (!stages || !latest) throw new ProcessError({ code: 'process.none-published', status: 409, message: `No process is published for ${entity.fullId}; an admin must publish one before its records can be imported.` });
  return { processId: latest.id, version: latest.version, process: await stages.definitions.version(latest.id, latest.version, db) };
}

/**
 * Puts each row in a stage of the process: its `$stage`, else the start stage. A stage the
 * version does not have is a row problem naming it. Entry requirements are not checked: an
 * import brings in history as it was.
 *
 * @example
 * ```ts
 * assignStages(rows, p); // rows[3].problems: [{ field: '$stage', reason: 'unknown stage "stage_7" ...' }]
 * ```
 */
export function assignStages(rows: PreparedRow[], p: ImportProcess): void {
  const known = [...p.process.stages.keys()];
  for (const r of rows) {
    if (r.stage === null) {
      r.stage = p.process.definition.initialStage;
      continue;
    }
    if (!p.process.stages.has(r.stage)) {
      r.problems.push({ row: r.row, field: '$stage', value: r.stage, reason: `unknown stage "${r.stage}": process "${p.processId}" version ${p.version} has ${known.map((s) => `"${s}"`).join(', ')}` });
    }
  }
}

/**
 * The default history of imported records: one open stay in the record's stage from `at`, as the
 * writer's {@link stayOf} defines a stay (with the stage's SLA deadline; its timers are not
 * scheduled: the stuck query reports overdue stays).
 *
 * @example
 * ```ts
 * await importRecords(tx, entity.fullId, records, importStays(rows, p, actor.id, now), options);
 * ```
 */
export function importStays(rows: readonly PreparedRow[], p: ImportProcess, actor: string, at: Date): Insertable<StageHistoryTable>[] {
  const type = p.process.definition.entity;
  return rows.map((r) => ({
    ...stayOf({ record: { id: r.id, type }, process: p.process, processId: p.processId, version: p.version, stage: r.stage as string, from: null, transitionId: null, at, actor }).row,
    snapshot: JSON.stringify(r.data),
  }));
}
