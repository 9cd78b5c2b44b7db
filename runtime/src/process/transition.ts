import { NotFoundError, ProcessError, assertNoForbiddenMembers, assertValidBody, lockedChanges, textIn, type Move, type Registry } from '@pipewright/core';
import { guardMessage, requirementsMessage } from './messages';
import { sql, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import { forbidden } from '../auth/errors';
import { isUnrestricted, type Principal } from '../auth/principal';
import { PREPARE_SQL } from '../db/database';
import type { Database, RecordTable } from '../db/tables';
import type { JobQueue } from '../jobs/queue';
import { checkReferences, isUuid } from '../records/references';
import { lockedFields, mergePatch, type RecordStore } from '../records/store';
import { toView, type RecordView } from '../records/view';
import { writeTransition } from '../records/writer';
import { holdMove } from './approvals';
import type { ActionJob } from '../jobs/payloads';
import { staleRevision } from './context';
import type { ProcessDefinitions } from './definitions';
import { RecordCache } from './record-cache';
import { DEFAULT_IDEMPOTENCY_TTL_MS, claimKey, storeResponse, type StoredResponse } from './idempotency';

/** What a client asks for: the target stage, optionally which transition, and fields to set on the way. */
export interface TransitionRequest {
  type: string;
  id: string;
  to: string;
  transition?: string;
  /** JSON merge patch of the body, applied before the guard and requirements are checked. */
  data?: Record<string, unknown>;
  /** Process to enter when the record has none yet (default: the entity's default process). */
  process?: string;
  expectedVersion: number;
  principal: Principal;
  idempotency?: { key: string; hash: string };
  /** Language of a refused move's guard explanation (the request's Accept-Language; default English). */
  locale?: string;
  /** The approval request this move carries out (its approvers agreed): the approval is not asked again. */
  approval?: string;
}

// The action job's payload and key live with the workers that read them (runtime/src/jobs/payloads.ts).
export { actionKey, type ActionJob } from '../jobs/payloads';

/** A record with the process it is on. */
export type ProcessRecordView = RecordView & { process: { id: string; version: number } | null };

/**
 * Runs a transition in one transaction: lock the record (invisible: 404, not editable: 403),
 * check its version (412), resolve the move and the transition's roles, apply the field patch,
 * evaluate the guard (422 with the explanation), check the target stage's entry requirements
 * (422 listing the fields, with a schema for exactly them), update the stage, close and open
 * stage history, append the audit event, enqueue the actions and SLA timers. With an
 * Idempotency-Key the response is stored in the same transaction.
 *
 * @example
 * ```ts
 * const res = await transitions.execute({ type: 'acme.ticket', id, to: 'proposal', expectedVersion: 3, principal });
 * ```
 */
export class TransitionService {
  constructor(
    readonly db: Kysely<Database>,
    readonly registry: Registry,
    readonly store: RecordStore,
    readonly definitions: ProcessDefinitions,
    readonly queue: JobQueue | null,
    readonly now: () => Date = () => new Date(),
    cacheCapacity = 5000,
    /** How long an Idempotency-Key's response is replayed; an older key is a new request. */
    readonly idempotencyTtlMs = DEFAULT_IDEMPOTENCY_TTL_MS,
  ) {
    this.#cache = new RecordCache(cacheCapacity);
  }

  readonly #cache: RecordCache;

  async execute(r: TransitionRequest): Promise<StoredResponse> {
    const entity = this.registry.entity(r.type);
    if (!entity.stageful) throw new ProcessError({ code: 'process.not-stageful', message: `${entity.fullId} records have no stages.` });
    if (!isUuid(r.id)) throw notFound(r.type, r.id);
    const idempotency = r.idempotency;
    // Without an Idempotency-Key a transition needs no explicit transaction: a read (skipped
    // when the record is cached), then one compare-and-set write (see writeTransition). With a
    // key, the claim, the transition and the stored response commit together.
    // Record hooks of the entity run inside the move's transaction (ADR 015 addendum 3).
    // A move that no hook wants (their `when`) stays on that path; one that some hook wants
    // stops before writing anything and runs again in a transaction (ADR 007 addendum 3).
    if (!idempotency) {
      if (!this.store.hooks?.has(r.type)) return this.#run(this.db, r);
      try {
        return await this.#run(this.db, r);
      } catch (err) {
        if (err !== HOOKS_WANT_TRANSACTION) throw err;
      }
      return this.#inTransaction((tx, committed) => this.#run(tx, r, committed));
    }
    return this.#inTransaction(async (tx, committed) => {
      const scope = `transition:${r.principal.id}`;
      const replay = await claimKey(tx, scope, idempotency.key, idempotency.hash, this.now(), this.idempotencyTtlMs);
      if (replay) return { ...replay, headers: { ...replay.headers, 'Idempotent-Replayed': 'true' } };
      const response = await this.#run(tx, r, committed);
      await storeResponse(tx, scope, idempotency.key, response);
      return response;
    });
  }

  /** Runs `fn` in a transaction of its own; the record it moved is cached once that commits. */
  async #inTransaction(fn: (tx: Transaction<Database>, committed: Committed) => Promise<StoredResponse>): Promise<StoredResponse> {
    const committed: Committed = {};
    const response = await this.db.transaction().execute((tx) => fn(tx, committed));
    if (committed.row) this.#cache.set(committed.row);
    return response;
  }

  /**
   * Runs a transition inside the caller's transaction (a plugin route's or hook's), or as
   * {@link execute} does without one. No Idempotency-Key: the caller's own write is what repeats.
   */
  async executeIn(tx: Transaction<Database> | undefined, r: Omit<TransitionRequest, 'idempotency'>): Promise<StoredResponse> {
    if (!tx) return this.execute(r);
    const entity = this.registry.entity(r.type);
    if (!entity.stageful) throw new ProcessError({ code: 'process.not-stageful', message: `${entity.fullId} records have no stages.` });
    if (!isUuid(r.id)) throw notFound(r.type, r.id);
    return this.#run(tx, r);
  }

  /**
   * Runs a transition. With a cached copy of the record at the version the client expects
   * (see {@link RecordCache}) it skips reading the record: the write is then conditional on the
   * principal still seeing and being allowed to change it, besides the version. Should that
   * write not happen, or the cached copy lead to any refusal (guard, requirements, roles...),
   * the transition runs again from a fresh read, so every answer is the one the database's
   * current state gives.
   */
  async #run(db: Kysely<Database> | Transaction<Database>, r: TransitionRequest, committed?: Committed): Promise<StoredResponse> {
    const cached = this.#cache.get(r.id, r.type, r.expectedVersion);
    if (cached) {
      try {
        const done = await this.#attempt(db, r, cached, committed);
        if (done) return done;
      } catch (err) {
        if (err === HOOKS_WANT_TRANSACTION) throw err;
        // Decided on the cached copy: answer from a fresh read instead (below).
      }
      this.#cache.delete(r.id);
    }
    return (await this.#attempt(db, r, undefined, committed)) as StoredResponse;
  }

  /** One attempt; null when the write found the record changed (only with a cached row). */
  async #attempt(db: Kysely<Database> | Transaction<Database>, r: TransitionRequest, cached: Selectable<RecordTable> | undefined, committed?: Committed): Promise<StoredResponse | null> {
    const entity = this.registry.entity(r.type);
    const now = this.now();
    let row: Selectable<RecordTable>;
    let condition: RawBuilder<boolean> | null = null;
    if (cached) {
      row = cached;
      const read = this.store.access.read(r.principal);
      const edit = this.store.access.edit(r.principal);
      condition = read && edit ? sql<boolean>`${read} and ${edit}` : (read ?? edit);
    } else {
      const editable = this.store.access.edit(r.principal) ?? sql<boolean>`true`;
      const found = await this.store.visible(r.type, r.principal, db).modifyFront(PREPARE_SQL).selectAll().select(editable.as('editable')).where('id', '=', r.id).where('deleted_at', 'is', null).executeTakeFirst();
      if (!found) throw notFound(r.type, r.id);
      const { editable: mayEdit, ...fresh } = found;
      row = fresh;
      this.#cache.set(row);
      if (!mayEdit) throw forbidden(`You can see this ${r.type} record but not move it.`);
      if (row.version !== r.expectedVersion) throw staleRevision('record', row.version, r.expectedVersion);
    }
    const attached = await this.#processOf(db, row, r);
    const compiled = await this.definitions.version(attached.id, attached.version, db);
    const before = toView(row);
    let data = r.data ? mergePatch(before.data, r.data) : before.data;
    // An unchanged body was valid when it was written; a patched one is checked like an edit.
    if (r.data) {
      assertValidBody(entity, data);
      await checkReferences(db, (type, by, q) => this.store.visible(type, by, q), entity, r.data, {}, r.principal);
    }
    compiled.stage(r.to);
    const from = row.stage;
    let move: Move | null = null;
    if (from === null) {
      if (r.to !== compiled.definition.initialStage) throw new ProcessError({ code: 'process.transition-not-allowed', message: `A record entering process "${attached.id}" starts in "${compiled.definition.initialStage}".`, details: [{ pointer: '/to', message: 'not the initial stage', code: 'transition-not-allowed' }], extensions: { from, to: r.to, allowed: [compiled.definition.initialStage] } });
    } else {
      if (!compiled.stages.has(from)) throw new ProcessError({ code: 'process.stage-not-in-process', status: 409, message: `The record is in stage "${from}", which version ${attached.version} of "${attached.id}" does not have; migrate it first.` });
      move = compiled.resolveMove(from, r.to, r.transition);
      // A field patch on the way out may not change what the current stage locks: reopen first.
      const locked = r.data ? lockedChanges(compiled.stages.get(from), before.data, data) : [];
      if (locked.length > 0) throw lockedFields(compiled.stage(from).label, locked);
    }
    const t = move?.transition;
    if (t?.roles && !isUnrestricted(r.principal) && !t.roles.some((role) => (r.principal.roles as readonly string[]).includes(role))) {
      throw forbidden(`The move "${t.id ?? `${from}->${r.to}`}" needs the role ${t.roles.map((x) => `"${x}"`).join(' or ')}.`);
    }
    // Record hooks of the entity see the move as an update with its transition, in its transaction.
    const change = { operation: 'update' as const, type: r.type, before, actor: r.principal, transition: { from, to: r.to, id: t?.id ?? null } };
    const hooks = this.store.hooks?.has(r.type) && this.store.hooks.wants({ ...change, data }) ? this.store.hooks : null;
    if (hooks) {
      // Nothing is written yet: run again in a transaction. Hooks never run on a cached copy, so
      // a compare-and-set that fails after them throws (rolling their writes back) instead of
      // retrying and running them twice.
      if (!db.isTransaction) throw HOOKS_WANT_TRANSACTION;
      if (cached) return null;
      const tx = db as Transaction<Database>;
      const hooked = await hooks.beforeChange(tx, { ...change, data });
      if (hooked !== data) {
        assertNoForbiddenMembers(hooked, '/data');
        assertValidBody(entity, hooked);
        const locked = from !== null ? lockedChanges(compiled.stages.get(from), before.data, hooked) : [];
        if (locked.length > 0) throw lockedFields(compiled.stage(from as string).label, locked);
        await checkReferences(tx, (type, by, q) => this.store.visible(type, by, q), entity, hooked, {}, r.principal);
        data = hooked;
      }
      await hooks.validate(tx, { ...change, data });
    }
    const guard = compiled.evaluateGuard(t, data, { now: () => now }, r.locale);
    if (!guard.passed) {
      const message = guardMessage(guard.message, guard.explanation.sentence);
      throw new ProcessError({ code: 'process.guard-failed', message: textIn(message, 'en'), ...(typeof message === 'object' ? { localizedMessage: message } : {}), details: [{ pointer: '', message: guard.explanation.sentence, code: 'guard' }], extensions: { transition: t?.id ?? null, explanation: guard.explanation } });
    }
    const unmet = compiled.checkRequirements(r.to, data);
    if (unmet) {
      const message = requirementsMessage(compiled.stage(r.to).label, entity.label, unmet.fields, 'enter');
      throw new ProcessError({ code: 'process.requirements-unmet', message: textIn(message, 'en'), localizedMessage: message, details: unmet.details, extensions: { stage: r.to, fields: unmet.fields, schema: unmet.schema } });
    }
    // A move whose transition asks for approval here is held, not made (ADR 027).
    if (t?.approval && r.approval === undefined && compiled.needsApproval(t, data, { now: () => now })) {
      if (cached) return null;
      return holdMove(db, { r, row, process: attached, transition: t, from, stageLabel: compiled.stage(r.to).label, ...(from !== null && compiled.stages.get(from) ? { fromLabel: compiled.stage(from).label } : {}), title: recordTitleOf(entity, data, r.id), now });
    }
    const after: RecordView = { ...before, stage: r.to, process: attached, data, version: row.version + 1, updatedBy: r.principal.id, updatedAt: now.toISOString() };
    const meta = { process: attached.id, version: attached.version, from, to: r.to, transition: t?.id ?? null, move: move?.kind ?? 'enter' };
    // Action keys are `<historyId>:<action id or index>`; the worker derives them from the
    // job's historyId, which the write statement adds to the payload.
    const actions = (t?.actions ?? []).map((a, i) => ({ id: a.id ?? String(i), type: a.type, config: a.config ?? {} }));
    const actionJob: Omit<ActionJob, 'historyId'> | null = actions.length > 0 && this.queue ? { record: { id: r.id, type: r.type }, process: attached, transition: t?.id ?? `${from}->${r.to}`, from, to: r.to, actor: r.principal.id, at: now.toISOString(), actions } : null;
    const stay = await writeTransition(db, this.queue, { record: { id: r.id, type: r.type, createdAt: new Date(row.created_at), createdBy: row.created_by }, before, after, process: compiled, processId: attached.id, version: attached.version, from, to: r.to, transitionId: t?.id ?? null, actor: r.principal.id, at: now, meta, actionJob, condition });
    if (!stay && cached) return null;
    if (!stay) {
      // A concurrent change won the compare-and-set: report what the record is now.
      const current = await db.selectFrom('records').select(['version', 'deleted_at']).where('id', '=', r.id).executeTakeFirst();
      if (!current || current.deleted_at !== null) throw notFound(r.type, r.id);
      throw staleRevision('record', current.version, r.expectedVersion);
    }
    if (hooks) await hooks.afterChange(db as Transaction<Database>, { ...change, data, after });
    // Only what committed may be cached: inside a transaction (Idempotency-Key) the caller
    // commits later, so the entry is left out (the next transition reads the record).
    const moved = { ...row, stage: r.to, data: after.data, version: after.version, updated_by: after.updatedBy, updated_at: now, process_id: attached.id, process_version: attached.version };
    if (db === this.db) this.#cache.set(moved);
    else if (committed) committed.row = moved;
    return {
      status: 200,
      body: { record: { ...after, process: attached }, transition: { ...meta, historyId: stay.historyId, at: now.toISOString(), actor: r.principal.id, dueAt: stay.dueAt?.toISOString() ?? null, actions: actions.length } },
      headers: { ETag: `"${after.version}"` },
    };
  }

  async #processOf(tx: Kysely<Database> | Transaction<Database>, row: Selectable<RecordTable>, r: TransitionRequest): Promise<{ id: string; version: number }> {
    if (row.process_id !== null && row.process_version !== null) {
      if (r.process !== undefined && r.process !== row.process_id) throw new ProcessError({ code: 'process.already-attached', status: 409, message: `The record already moves through "${row.process_id}"; migrate it to change process.` });
      return { id: row.process_id, version: row.process_version };
    }
    const latest = await this.definitions.latest({ entity: r.type, ...(r.process ? { process: r.process } : {}) }, tx);
    if (!latest) throw new ProcessError({ code: 'process.none-published', status: 409, message: r.process ? `Process "${r.process}" has no published version for ${r.type}.` : `No process is published for ${r.type}; an admin must publish one.` });
    return latest;
  }
}

/** The record a move wrote in a transaction of the service's own, cached once it commits. */
interface Committed {
  row?: Selectable<RecordTable>;
}

/** Thrown (before any write) by a move outside a transaction that a record hook wants. */
const HOOKS_WANT_TRANSACTION = Symbol('hooks want a transaction');

function notFound(type: string, id: string): NotFoundError {
  return new NotFoundError(`There is no ${type} record "${id}".`, { entity: type, id });
}

function recordTitleOf(entity: { titleField?: string }, data: Record<string, unknown>, id: string): string {
  const v = entity.titleField ? data[entity.titleField] : undefined;
  return typeof v === 'string' && v !== '' ? v : id;
}
