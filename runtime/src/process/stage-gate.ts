import { ProcessError, lockedChanges, startsWhenMismatch, textIn, type CompiledProcess, type LoadedEntity, type LocalizableText } from '@pipewright/core';
import { requirementsMessage } from './messages';
import type { Transaction } from 'kysely';
import type { Database } from '../db/tables';
import type { JobQueue } from '../jobs/queue';
import type { StageGate, StageStart } from '../records/store';
import type { ProcessDefinitions } from './definitions';

/**
 * Where the process decides for the record store: a new record of a stageful entity starts in
 * the start stage of a published process version (the entity's default process unless one is
 * named), and the record writer opens its first stay (and SLA timers on this gate's queue) in the
 * create's transaction; an edit may
 * not change the fields the record's stage locks. `stage` is never a free field: only
 * transitions (and the admin-only importer and migrations) move a record.
 *
 * @example
 * ```ts
 * store.stages = new ProcessStageGate(definitions, queue);
 * ```
 */
export class ProcessStageGate implements StageGate {
  constructor(
    readonly definitions: ProcessDefinitions,
    readonly queue: JobQueue | null,
  ) {}

  async start(tx: Transaction<Database>, entity: LoadedEntity, request: { process?: string; stage?: string | null }, data: Record<string, unknown>): Promise<StageStart> {
    const chosen = await this.#choose(tx, entity, request.process, data);
    const latest = chosen?.latest ?? null;
    if (!latest) {
      throw new ProcessError({
        code: 'process.none-published',
        status: request.process ? 422 : 409,
        message: request.process ? `Process "${request.process}" has no published version for ${entity.fullId}.` : `No process is published for ${entity.fullId}; an admin must publish one before records can be created.`,
        ...(request.process ? { details: [{ pointer: '/process', message: 'no published process with this id for this entity', code: 'unknown-process' }] } : {}),
      });
    }
    const compiled = chosen?.compiled ?? (await this.definitions.version(latest.id, latest.version, tx));
    const mismatch = startsWhenMismatch(compiled.definition.startsWhen, data);
    if (mismatch !== null) {
      const wanted = compiled.definition.startsWhen?.[mismatch];
      throw new ProcessError({
        code: 'process.not-for-record',
        status: 422,
        message: `Process "${latest.id}" takes ${entity.label.toLowerCase()} records whose "${mismatch}" is ${JSON.stringify(wanted)}.`,
        details: [{ pointer: `/data/${mismatch}`, message: `must be ${JSON.stringify(wanted)} for process "${latest.id}"`, code: 'not-for-process' }],
        extensions: { process: latest.id, field: mismatch },
      });
    }
    const start = compiled.definition.initialStage;
    const asked = request.stage ?? null;
    if (asked !== null && !compiled.stages.has(asked)) {
      throw new ProcessError({ code: 'process.unknown-stage', message: `Process "${latest.id}" (version ${latest.version}) has no stage "${asked}".`, details: [{ pointer: '/stage', message: `no stage "${asked}"`, code: 'unknown-stage' }], extensions: { stage: asked, stages: [...compiled.stages.keys()] } });
    }
    if (asked !== null && asked !== start) {
      throw new ProcessError({ code: 'record.stage-not-settable', message: `A new ${entity.label.toLowerCase()} starts in "${start}"; only a transition can move it to "${asked}".`, details: [{ pointer: '/stage', message: `a new record starts in "${start}"`, code: 'stage-not-settable' }], extensions: { stage: asked, start } });
    }
    const unmet = compiled.checkRequirements(start, data);
    if (unmet) {
      const message = requirementsMessage(compiled.stage(start).label, entity.label, unmet.fields, 'start');
      throw new ProcessError({ code: 'process.requirements-unmet', message: textIn(message, 'en'), localizedMessage: message, details: unmet.details, extensions: { stage: start, fields: unmet.fields, schema: unmet.schema } });
    }
    return { processId: latest.id, version: latest.version, stage: start, process: compiled };
  }

  /**
   * The process a new record starts in: the named one, else the first published one (by position)
   * whose `startsWhen` the body matches; when none matches, the first one (its refusal names the field).
   */
  async #choose(tx: Transaction<Database>, entity: LoadedEntity, process: string | undefined, data: Record<string, unknown>): Promise<{ latest: { id: string; version: number }; compiled: CompiledProcess | null } | null> {
    if (process) {
      const latest = await this.definitions.latest({ entity: entity.fullId, process }, tx);
      return latest ? { latest, compiled: null } : null;
    }
    const all = await this.definitions.published(entity.fullId, tx);
    const first = all[0];
    if (!first) return null;
    // One process (the common case) needs no look at its definition here.
    if (all.length === 1) return { latest: first, compiled: null };
    for (const latest of all) {
      const compiled = await this.definitions.version(latest.id, latest.version, tx);
      if (startsWhenMismatch(compiled.definition.startsWhen, data) === null) return { latest, compiled };
    }
    return { latest: first, compiled: null };
  }

  async locked(tx: Transaction<Database>, at: { processId: string; version: number; stage: string }, before: Record<string, unknown>, after: Record<string, unknown>): Promise<{ label: LocalizableText; fields: string[] }> {
    const process = await this.definitions.version(at.processId, at.version, tx);
    const stage = process.stages.get(at.stage);
    return { label: stage?.label ?? at.stage, fields: lockedChanges(stage, before, after) };
  }
}
