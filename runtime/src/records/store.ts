import { randomUUID } from 'node:crypto';
import { NotFoundError, PipewrightError, ProcessError, ValidationError, assertNoForbiddenMembers, assertValidBody, textIn, type CompiledProcess, type EntityApproval, type LoadedEntity, type LocalizableText, type Registry } from '@pipewright/core';
import { lockedMessage } from '../process/messages';
import { CompiledQuery, sql, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import { forbidden } from '../auth/errors';
import { principalOf, type Principal } from '../auth/principal';
import type { Database, RecordTable } from '../db/tables';
import type { JobQueue } from '../jobs/queue';
import { AccessPolicy } from './access';
import { checkReferences, isUuid, type VisibleRecords } from './references';
import { listStageColumn, STAGE_ENTRY_SORT } from './stage-column';
import { afterCursor, encodeCursor, filterCondition, orderBy, sortValuesOf, type ListQuery } from './query';
import { uniqueProblem } from './unique';
import { trigramName, trigramSchema } from '../db/trigram';
import { PREPARE, PREPARE_SQL } from '../db/database';
import { toView, type RecordView } from './view';
import { insertRecord, updateRecord, type Actor } from './writer';

// Who a change is recorded as (the event `actor`): the store's methods take the request's
// Principal; a bare actor is accepted only as `system:<name>` (unrestricted). The writer owns
// the type and `appendEvent` (ADR 016); they stay exported here for existing importers.
export type { Actor } from './writer';
export { appendEvent } from './writer';
export { isUuid } from './references';

export interface CreateInput {
  data: Record<string, unknown>;
  owner?: string | null;
  orgUnit?: string | null;
  /** Only the start stage of the record's process may be named (anything else is 422). */
  stage?: string | null;
  /** Process to start in (default: the entity's default process); stageful entities only. */
  process?: string;
  /** Preset id (imports keep ids stable on resume). */
  id?: string;
}

export interface PatchInput {
  /** JSON merge patch (RFC 7396) of the body: `null` removes a field. */
  data?: Record<string, unknown>;
  owner?: string | null;
  orgUnit?: string | null;
}

export interface ListResult {
  items: RecordView[];
  nextCursor: string | null;
  total?: number;
}

/** Where a new record of a stageful entity starts: a published process version and its start stage. */
export interface StageStart {
  processId: string;
  version: number;
  stage: string;
  /** The compiled version (its start stage's SLA decides the first stay's deadline and timers). */
  process: CompiledProcess;
}

/**
 * What the record store asks the process runtime (a port, so records do not depend on
 * processes): where a new stageful record starts (the writer opens its first stay, with SLA
 * timers on the gate's queue), and which locked fields an edit would change.
 */
export interface StageGate {
  readonly queue: JobQueue | null;
  start(tx: Transaction<Database>, entity: LoadedEntity, request: { process?: string; stage?: string | null }, data: Record<string, unknown>): Promise<StageStart>;
  locked(tx: Transaction<Database>, at: { processId: string; version: number; stage: string }, before: Record<string, unknown>, after: Record<string, unknown>): Promise<{ label: LocalizableText; fields: string[] }>;
}

/** An entity approval a change needs, with the changed fields before and after it. */
export interface NeededApproval {
  approval: EntityApproval;
  change: { before: Record<string, unknown>; after: Record<string, unknown> };
}

/**
 * Approvals of record changes outside transitions (ADR 028 addendum; a port, so records do not
 * depend on processes): which declared approval a change needs, and holding it as a request.
 */
export interface EditApprovals {
  /** The first entity approval one of whose fields the change changes and whose `when` holds on `{ old, new }`; null when none. */
  needs(entity: LoadedEntity, before: Record<string, unknown>, after: Record<string, unknown>): NeededApproval | null;
  /** Writes the request (in the update's transaction): the answer's `approval`. */
  hold(tx: Transaction<Database>, held: NeededApproval & { entity: LoadedEntity; row: Selectable<RecordTable>; patch: PatchInput; actor: Principal; now: Date }): Promise<unknown>;
}

/** How {@link RecordStore.update} treats a change an entity approval applies to. */
export interface UpdateOptions {
  /** The id of the approved request being applied: no approval is asked for again. */
  approval?: string;
}

/** An update's outcome through {@link RecordStore.updateOrHold}: the record written, or unchanged with the request holding the change. */
export interface UpdateOutcome {
  record: RecordView;
  /** Set when the change waits for approvers (nothing was written). */
  approval?: unknown;
}

/** One write as record hooks see it (see {@link WriteHooks}). */
export interface WriteChange {
  operation: 'create' | 'update' | 'delete';
  type: string;
  before: RecordView | null;
  data: Record<string, unknown>;
  actor: Principal;
  /** Set when the update is a stage transition: the stage left, the stage entered, the transition's id. */
  transition?: { from: string | null; to: string; id: string | null };
}

/**
 * Record hooks plugins contribute (a port, so records do not depend on plugins), run inside the
 * write's transaction: `beforeChange` may replace the body, then the schema and `validate`
 * check it, then the row and its event are written, then `afterChange` runs. Any of them
 * throwing rolls the write back.
 */
/**
 * Values plugins compute on read (a port, so records do not depend on plugins): the records API
 * passes each page it answers through {@link ComputedReads.attach}.
 */
export interface ComputedReads {
  has(type: string): boolean;
  /** The views with their `computed` member, in the same order. */
  attach(type: string, views: RecordView[], reader: Principal): Promise<RecordView[]>;
}

export interface WriteHooks {
  has(type: string): boolean;
  /** Whether any plugin's hooks want this change (their `when`); false: none of them runs for it. */
  wants(change: WriteChange): boolean;
  beforeChange(tx: Transaction<Database>, change: WriteChange): Promise<Record<string, unknown>>;
  validate(tx: Transaction<Database>, change: WriteChange): Promise<void>;
  afterChange(tx: Transaction<Database>, change: WriteChange & { after: RecordView }): Promise<void>;
}

/**
 * Applies a JSON merge patch (RFC 7396) to a plain object. A patch holding a member named
 * `__proto__`, `constructor` or `prototype` at any depth is refused (422 naming it under
 * `pointer`) before anything is merged: assigning one would swap or shadow the result's
 * prototype, and checks reading the result would then see values that are never stored.
 *
 * @example
 * ```ts
 * mergePatch({ a: 1, b: { c: 2 } }, { a: null, b: { d: 3 } }); // { b: { c: 2, d: 3 } }
 * ```
 */
export function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>, pointer = '/data'): Record<string, unknown> {
  assertNoForbiddenMembers(patch, pointer);
  return merge(target, patch);
}

function merge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (typeof value === 'object' && !Array.isArray(value)) {
      const prior = Object.hasOwn(out, key) ? out[key] : undefined;
      out[key] = merge(typeof prior === 'object' && prior !== null && !Array.isArray(prior) ? (prior as Record<string, unknown>) : {}, value as Record<string, unknown>);
    } else out[key] = value;
  }
  return out;
}

/**
 * Records of every plugin entity. Each write validates the body against the entity schema and
 * appends an event (actor, before, after) in the same transaction. Every read and write is
 * narrowed by the {@link AccessPolicy} for the principal: an invisible record is 404, a visible
 * one the principal may not change is 403.
 *
 * @example
 * ```ts
 * const store = new RecordStore(db, registry);
 * const deal = await store.create('acme.ticket', { data: { name: 'Big deal' } }, principal);
 * ```
 */
export class RecordStore {
  readonly access: AccessPolicy;
  /** Set by the process runtime; without it stageful records cannot be created. */
  stages: StageGate | null = null;
  /** Set by the plugin host when a plugin hooks writes of some entity. */
  hooks: WriteHooks | null = null;
  /** Set by the plugin host when a plugin computes values of some entity on read. */
  computed: ComputedReads | null = null;
  /** Set by the process runtime: approvals of changes outside transitions (ADR 028 addendum). */
  edits: EditApprovals | null = null;
  /** {@link visible} as a function, for the reference check. */
  readonly #visible: VisibleRecords = (type, by, db) => this.visible(type, by, db);

  constructor(
    readonly db: Kysely<Database>,
    readonly registry: Registry,
    readonly now: () => Date = () => new Date(),
  ) {
    const audience = new Map<string, readonly string[]>();
    for (const [type, entity] of registry.entities) if (entity.audience?.length) audience.set(type, entity.audience);
    this.access = new AccessPolicy(() => audience);
  }

  /**
   * The records of a type the principal may see: the base every reader (list, search,
   * aggregates, exports) starts from.
   */
  visible(type: string, by: Principal | Actor, db: Kysely<Database> | Transaction<Database> = this.db) {
    const condition = this.access.read(principalOf(by), type);
    const q = db.selectFrom('records').where('records.type', '=', type);
    return condition ? q.where(condition) : q;
  }

  /**
   * All records of a type, the type written into the statement's text (an entity id, checked by
   * the registry): what a prepared statement needs for PostgreSQL's generic plan to use the
   * entity's partial indexes (`where type = '<type>'`), which a parameter cannot prove.
   */
  #ofType(type: string, db: Kysely<Database> | Transaction<Database>) {
    this.entity(type);
    return db.selectFrom('records').where(sql<boolean>`records.type = ${sql.lit(type)}` as never);
  }

  entity(type: string): LoadedEntity {
    return this.registry.entity(type);
  }

  /** Validates and inserts one record with its `create` event, inside `trx` if given. */
  async create(type: string, input: CreateInput, by: Principal | Actor, trx?: Transaction<Database>): Promise<RecordView> {
    const actor = principalOf(by);
    const entity = this.entity(type);
    assertNoForbiddenMembers(input.data, '/data');
    const hooked = this.hooks?.has(type) ? this.hooks : null;
    if (!hooked) assertValidBody(entity, input.data);
    if (!entity.stageful && ((input.stage !== undefined && input.stage !== null) || input.process !== undefined)) {
      const member = input.process !== undefined ? 'process' : 'stage';
      throw new ValidationError({ code: 'record.not-stageful', message: `${entity.fullId} records have no stage.`, details: [{ pointer: `/${member}`, message: 'this entity has no stages' }] });
    }
    const run = async (tx: Transaction<Database>) => {
      let data = input.data;
      if (hooked) {
        data = await hooked.beforeChange(tx, { operation: 'create', type, before: null, data, actor });
        assertNoForbiddenMembers(data, '/data');
        assertValidBody(entity, data);
        await hooked.validate(tx, { operation: 'create', type, before: null, data, actor });
      }
      const owner = input.owner === undefined ? actor.userId : input.owner;
      // A record defaults to its owner's unit; the acting user's own unit is already known.
      const orgUnit =
        input.orgUnit !== undefined ? input.orgUnit : owner && owner === actor.userId ? actor.orgUnitId : owner ? ((await tx.selectFrom('users').select('org_unit_id').where('id', '=', owner).executeTakeFirst())?.org_unit_id ?? null) : null;
      await checkReferences(tx, this.#visible, entity, data, { owner, orgUnit }, actor);
      await this.access.assertAssignable(tx, actor, { owner, orgUnit });
      const gate = entity.stageful ? this.#stageGate() : null;
      const start = gate ? await gate.start(tx, entity, { ...(input.process ? { process: input.process } : {}), ...(input.stage !== undefined ? { stage: input.stage } : {}) }, data) : null;
      const view = await insertRecord(tx, { id: input.id ?? randomUUID(), type, owner, orgUnit, data, start: start && gate ? { ...start, queue: gate.queue } : null }, { actor, at: this.now() });
      // Written first, then judged: the policy reads the stored row (the transaction rolls back).
      if (!(await this.access.holds(tx, view.id, this.access.edit(actor)))) throw forbidden('You cannot create a record you would not be allowed to edit.');
      if (hooked) await hooked.afterChange(tx, { operation: 'create', type, before: null, data, actor, after: view });
      return view;
    };
    // A unique violation aborts the transaction; the record holding the value is looked up after it.
    return trx ? run(trx).catch(async (err: unknown) => Promise.reject(await uniqueProblem(err, entity, input.data))) : this.db.transaction().execute(run).catch(async (err: unknown) => Promise.reject(await uniqueProblem(err, entity, input.data, this.findVisible(type, actor))));
  }

  /** The views with the values plugins compute for them on read (unchanged for other entities). */
  async withComputed(type: string, views: RecordView[], by: Principal | Actor): Promise<RecordView[]> {
    return this.computed?.has(type) && views.length > 0 ? this.computed.attach(type, views, principalOf(by)) : views;
  }

  /** One live record the principal may see, or 404 (existence is not revealed). */
  async get(type: string, id: string, by: Principal | Actor, options: { includeDeleted?: boolean } = {}, trx?: Transaction<Database>): Promise<RecordView> {
    const actor = principalOf(by);
    this.entity(type);
    if (!isUuid(id)) throw notFound(type, id);
    let q = this.visible(type, actor, trx ?? this.db).selectAll().where('id', '=', id);
    if (!options.includeDeleted) q = q.where('deleted_at', 'is', null);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound(type, id);
    return toView(row);
  }

  /**
   * The live records among `ids` the principal may see, in one read, in no particular order;
   * ids that are not uuids, unknown, deleted or hidden are left out (existence is not revealed).
   */
  async getMany(type: string, ids: readonly string[], by: Principal | Actor, trx?: Transaction<Database>): Promise<RecordView[]> {
    const actor = principalOf(by);
    this.entity(type);
    const wanted = [...new Set(ids.filter(isUuid))];
    if (wanted.length === 0) return [];
    const rows = await this.visible(type, actor, trx ?? this.db).selectAll().where('id', 'in', wanted).where('deleted_at', 'is', null).execute();
    return rows.map(toView);
  }

  /**
   * Filtered, sorted, cursor-paginated listing. With `options.prepared` (plugin code's reads: a
   * shape fixed by the code, e.g. a hook's lookup on every write), a read nobody's visibility
   * narrows and that searches no text is a prepared statement with the type written into its
   * text, so PostgreSQL plans it once per connection, its entity's partial indexes included.
   */
  async list(type: string, query: ListQuery, by: Principal | Actor, trx?: Transaction<Database>, options: { prepared?: boolean } = {}): Promise<ListResult> {
    const actor = principalOf(by);
    const entity = this.entity(type);
    const stage = query.filters.find((f) => f.target.name === 'stage');
    if (query.sort[0]?.target.name === STAGE_ENTRY_SORT && stage) return listStageColumn(trx ?? this.db, this.access, type, String(stage.values[0]), query, actor);
    const prepared = options.prepared === true && !query.search && this.access.read(actor, type) === null;
    let q = prepared ? this.#ofType(type, trx ?? this.db).modifyFront(PREPARE_SQL) : this.visible(type, actor, trx ?? this.db);
    if (!query.includeDeleted) q = q.where('deleted_at', 'is', null);
    for (const f of query.filters) q = q.where(filterCondition(f) as never);
    if (query.search) {
      const fields = entity.ui?.searchFields ?? (entity.titleField ? [entity.titleField] : []);
      if (fields.length === 0) throw new ValidationError({ code: 'query.invalid', status: 400, message: `${entity.fullId} has no search fields.`, details: [{ pointer: '', parameter: 'q', message: 'this entity is not searchable' }] });
      const pattern = '%' + query.search.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
      q = q.where(sql`(${sql.join(fields.map((f) => sql`(data->>${sql.lit(f)}) ilike ${pattern}`), sql` or `)})` as never);
    }
    const total = query.withTotal ? Number((await q.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n) : undefined;
    let page = q.selectAll();
    if (query.cursor) page = page.where(afterCursor(query.sort, query.cursor) as never);
    const rows = await page.orderBy(orderBy(query.sort) as never).limit(query.limit + 1).execute();
    const more = rows.length > query.limit;
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    const nextCursor = more && last ? encodeCursor(query.sort, sortValuesOf(query.sort, { ...last, data: toView(last).data })) : null;
    return { items: items.map(toView), nextCursor, ...(total === undefined ? {} : { total }) };
  }

  /**
   * Live records of `type` the principal sees whose text `field` is similar to `value` by
   * pg_trgm, most similar first, through the field's trigram index (`%` with the threshold set
   * for this transaction only). 422 when the entity declares no trigram index on the field or
   * the options are out of range.
   */
  async similar(type: string, field: string, value: string, options: { limit?: number; threshold?: number; exclude?: string; includeHidden?: boolean }, by: Principal | Actor, trx?: Transaction<Database>): Promise<{ view: RecordView; similarity: number; hidden: boolean }[]> {
    const actor = principalOf(by);
    const entity = this.entity(type);
    const bad = (pointer: string, message: string) => new ValidationError({ code: 'record.similar-invalid', message: `Cannot look for similar ${type} records: ${pointer} ${message}.`, details: [{ pointer, message }] });
    if (!(entity.indexes ?? []).some((i) => i.method === 'trigram' && i.fields[0] === field)) throw bad('/field', `${type} has no trigram index on "${field}"`);
    const threshold = options.threshold ?? 0.3;
    const limit = options.limit ?? 10;
    if (!(threshold > 0 && threshold <= 1)) throw bad('/threshold', 'must be above 0 and at most 1');
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw bad('/limit', 'must be an integer from 1 to 100');
    if (value.trim() === '') return [];
    const run = async (tx: Transaction<Database>) => {
      const schema = (this.#trigram ??= await trigramSchema(tx as unknown as Kysely<unknown>));
      if (!schema) throw new Error('pg_trgm is not installed');
      // One round trip reads the settings and sets the threshold (a select list is evaluated in
      // order; not at all when it already is the threshold, e.g. pg_trgm's default 0.3) and turns
      // plain index scans off for the search: with the type's row count out of date (a table
      // growing faster than autoanalyze samples it) the planner read every record of the type
      // through one of its partial btree indexes, filtering each by `%`, instead of the
      // trigram index's bitmap scan (ADR 007, addendum 4). A bitmap scan is what the trigram
      // (GIN) index offers, so the search keeps it whatever the statistics say.
      // With includeHidden the statements' texts are fixed per entity and field (the type written
      // into the search's text), so they are prepared: PostgreSQL plans the search once per
      // connection (a custom plan of the search took 1.5 ms at 700 accounts, more than running it).
      const prepare = options.includeHidden ? PREPARE_SQL : sql``;
      const wanted = String(threshold);
      const settings = (await sql<{ v: string | null; scan: string }>`${prepare}select current_setting('pg_trgm.similarity_threshold', true) as v, current_setting('enable_indexscan') as scan, set_config('enable_indexscan', 'off', true) as off, case when current_setting('pg_trgm.similarity_threshold', true) is distinct from ${wanted} then set_config('pg_trgm.similarity_threshold', ${wanted}, true) end as set`.execute(tx)).rows[0];
      const previous = settings?.v ?? null;
      const text = sql`(data->>${sql.lit(field)})`;
      const similarity = sql<number>`${trigramName(schema, 'similarity')}(${text}, ${value})`;
      const base = options.includeHidden ? this.#ofType(type, tx).modifyFront(PREPARE_SQL) : this.visible(type, actor, tx);
      let q = base.selectAll().select(similarity.as('similarity')).where('deleted_at', 'is', null).where(sql`${text} operator(${sql.id(schema)}.%) ${value}` as never);
      if (options.exclude && isUuid(options.exclude)) q = q.where('id', '!=', options.exclude);
      const search = q.orderBy(sql`similarity desc, id`).limit(limit);
      // Inside the caller's transaction the settings are put back for what follows there. When
      // only enable_indexscan is to be put back (the threshold was already the wanted one), that
      // travels in the search statement: the setting matters only while a statement is planned,
      // and the search is planned before it runs. The left join yields the restoring row even
      // when nothing is found (a row of nulls, dropped here), so the setting is always put back.
      let rows: Awaited<ReturnType<typeof search.execute>>;
      if (trx && previous === wanted) {
        const inner = search.compile();
        const text = `${options.includeHidden ? PREPARE : ''}select s.* from (select set_config('enable_indexscan', $${inner.parameters.length + 1}, true) as v) as restore left join lateral (${inner.sql}) as s on true order by s.similarity desc, s.id`;
        rows = (await tx.executeQuery<(typeof rows)[number]>(CompiledQuery.raw(text, [...inner.parameters, settings?.scan ?? 'on']))).rows.filter((r) => r.id !== null);
      } else {
        rows = await search.execute();
        if (trx) await sql`${prepare}select set_config('enable_indexscan', ${settings?.scan ?? 'on'}, true), set_config('pg_trgm.similarity_threshold', ${previous ?? '0.3'}, true)`.execute(tx);
      }
      const ids = rows.map((r) => r.id);
      const seen = !options.includeHidden || ids.length === 0 ? null : new Set((await this.visible(type, actor, tx).select('id').where('id', 'in', ids).execute()).map((r) => r.id));
      return rows.map((r) => ({ view: toView(r), similarity: Number(r.similarity), hidden: seen !== null && !seen.has(r.id) }));
    };
    return trx ? run(trx) : this.db.transaction().execute(run);
  }

  #trigram: string | null = null;

  /**
   * Merge-patches a record at an expected version: 404 if missing, 412 if stale. A user's change
   * that an entity approval applies to is refused (409 `approval.required`: it goes through
   * {@link updateOrHold}), unless `options.approval` names the approved request applying it.
   */
  async update(type: string, id: string, patch: PatchInput, expectedVersion: number, by: Principal | Actor, trx?: Transaction<Database>, options: UpdateOptions = {}): Promise<RecordView> {
    return (await this.#update(type, id, patch, expectedVersion, by, trx, options.approval ? { apply: options.approval } : 'refuse')).record;
  }

  /**
   * {@link update} as the records API asks it: a user's change that an entity approval applies to
   * (ADR 028 addendum) is not written but held as a request, in one transaction, after every
   * check of the change passed; the outcome then carries the request and the unchanged record.
   */
  async updateOrHold(type: string, id: string, patch: PatchInput, expectedVersion: number, by: Principal | Actor): Promise<UpdateOutcome> {
    return this.#update(type, id, patch, expectedVersion, by, undefined, 'hold');
  }

  async #update(type: string, id: string, patch: PatchInput, expectedVersion: number, by: Principal | Actor, trx: Transaction<Database> | undefined, approvals: 'hold' | 'refuse' | { apply: string }): Promise<UpdateOutcome> {
    const actor = principalOf(by);
    const entity = this.entity(type);
    if (!isUuid(id)) throw notFound(type, id);
    let attempted: Record<string, unknown> | undefined;
    const run = async (tx: Transaction<Database>): Promise<UpdateOutcome> => {
      const current = await this.lockEditable(tx, type, id, actor);
      if (current.version !== expectedVersion) throw stale(current.version, expectedVersion);
      const before = toView(current);
      let data = patch.data ? mergePatch(before.data, patch.data) : before.data;
      const hooked = this.hooks?.has(type) ? this.hooks : null;
      if (hooked) {
        data = await hooked.beforeChange(tx, { operation: 'update', type, before, data, actor });
        assertNoForbiddenMembers(data, '/data');
      }
      attempted = data;
      assertValidBody(entity, data);
      if (hooked) await hooked.validate(tx, { operation: 'update', type, before, data, actor });
      if (data !== before.data && current.stage !== null && current.process_id !== null && current.process_version !== null) {
        const locked = await this.#stageGate().locked(tx, { processId: current.process_id, version: current.process_version, stage: current.stage }, before.data, data);
        if (locked.fields.length > 0) throw lockedFields(locked.label, locked.fields);
      }
      await checkReferences(tx, this.#visible, entity, hooked ? data : (patch.data ?? {}), patch, actor);
      const changed = { owner: patch.owner !== undefined && patch.owner !== current.owner_id, orgUnit: patch.orgUnit !== undefined && patch.orgUnit !== current.org_unit_id };
      await this.access.assertMayReassign(tx, actor, current, changed);
      await this.access.assertAssignable(tx, actor, { ...(changed.owner ? { owner: patch.owner } : {}), ...(changed.orgUnit ? { orgUnit: patch.orgUnit } : {}) });
      // Every check passed: a user's change an entity approval applies to waits for its approvers.
      const needed = typeof approvals === 'string' && actor.userId && this.edits && data !== before.data ? this.edits.needs(entity, before.data, data) : null;
      if (needed && this.edits) {
        if (approvals === 'refuse') throw approvalRequired(needed.approval);
        return { record: before, approval: await this.edits.hold(tx, { ...needed, entity, row: current, patch, actor, now: this.now() }) };
      }
      const written = await updateRecord(tx, current, { data, ...(patch.owner !== undefined ? { owner: patch.owner } : {}), ...(patch.orgUnit !== undefined ? { orgUnit: patch.orgUnit } : {}) }, { action: 'update', actor, at: this.now(), ...(typeof approvals === 'object' ? { meta: { approval: approvals.apply } } : {}) });
      // The row is locked, so the compare-and-set cannot lose; a null would be a broken lock.
      if (!written) throw stale(current.version + 1, expectedVersion);
      if (!(await this.access.holds(tx, id, this.access.edit(actor)))) throw forbidden('This change would take the record out of your reach.');
      if (hooked) await hooked.afterChange(tx, { operation: 'update', type, before, data, actor, after: written.after });
      return { record: written.after };
    };
    if (trx) return run(trx).catch(async (err: unknown) => Promise.reject(await uniqueProblem(err, entity, attempted)));
    return this.db.transaction().execute(run).catch(async (err: unknown) => Promise.reject(await uniqueProblem(err, entity, attempted, this.findVisible(type, actor, id))));
  }

  /** Finds a live record the principal sees that matches every condition (other than `self`). */
  private findVisible(type: string, actor: Principal, self?: string) {
    return async (conditions: RawBuilder<unknown>[]): Promise<string | undefined> => {
      let q = this.visible(type, actor).select('id').where('deleted_at', 'is', null);
      for (const c of conditions) q = q.where(c as never);
      if (self) q = q.where('id', '!=', self);
      return (await q.limit(1).executeTakeFirst())?.id;
    };
  }

  /** Soft delete: the record leaves listings but keeps its history; 412 if a version is given and stale. */
  async softDelete(type: string, id: string, expectedVersion: number | undefined, by: Principal | Actor, trx?: Transaction<Database>): Promise<RecordView> {
    const actor = principalOf(by);
    this.entity(type);
    if (!isUuid(id)) throw notFound(type, id);
    const hooked = this.hooks?.has(type) ? this.hooks : null;
    const run = async (tx: Transaction<Database>) => {
      const current = await this.lockEditable(tx, type, id, actor);
      if (expectedVersion !== undefined && current.version !== expectedVersion) throw stale(current.version, expectedVersion);
      const before = toView(current);
      if (hooked) await hooked.validate(tx, { operation: 'delete', type, before, data: before.data, actor });
      const written = await updateRecord(tx, current, { deleted: true }, { action: 'delete', actor, at: this.now() });
      if (!written) throw stale(current.version + 1, expectedVersion ?? current.version);
      if (hooked) await hooked.afterChange(tx, { operation: 'delete', type, before, data: before.data, actor, after: written.after });
      return written.after;
    };
    return trx ? run(trx) : this.db.transaction().execute(run);
  }

  /**
   * Brings a soft-deleted record back (version + 1, a `restore` event): 404 when there is no
   * deleted record the principal sees, 403 when he may not change it; a unique value taken
   * meanwhile is 409 as for any write.
   */
  async restore(type: string, id: string, by: Principal | Actor, trx?: Transaction<Database>): Promise<RecordView> {
    const actor = principalOf(by);
    const entity = this.entity(type);
    if (!isUuid(id)) throw notFound(type, id);
    const run = async (tx: Transaction<Database>) => {
      const current = await this.visible(type, actor, tx).selectAll().where('id', '=', id).where('deleted_at', 'is not', null).forUpdate().executeTakeFirst();
      if (!current) throw notFound(type, id);
      if (!(await this.access.holds(tx, id, this.access.edit(actor)))) throw forbidden(`You can see this ${type} record but not change it.`);
      const written = await updateRecord(tx, current, { deleted: false }, { action: 'restore', actor, at: this.now() });
      if (!written) throw stale(current.version + 1, current.version);
      return written.after;
    };
    if (trx) return run(trx).catch(async (err: unknown) => Promise.reject(await uniqueProblem(err, entity, undefined)));
    return this.db.transaction().execute(run).catch(async (err: unknown) => Promise.reject(await uniqueProblem(err, entity, undefined, this.findVisible(type, actor, id))));
  }

  #stageGate(): StageGate {
    if (!this.stages) throw new Error('RecordStore.stages is not set: stageful records need the process runtime');
    return this.stages;
  }

  /** Locks a live record the principal sees (else 404) and may change (else 403). */
  private async lockEditable(tx: Transaction<Database>, type: string, id: string, actor: Principal) {
    const row = await this.visible(type, actor, tx).selectAll().where('id', '=', id).where('deleted_at', 'is', null).forUpdate().executeTakeFirst();
    if (!row) throw notFound(type, id);
    if (!(await this.access.holds(tx, id, this.access.edit(actor)))) throw forbidden(`You can see this ${type} record but not change it.`);
    return row;
  }
}

function notFound(type: string, id: string): NotFoundError {
  return new NotFoundError(`There is no ${type} record "${id}".`, { entity: type, id });
}

/**
 * 422 for an edit that would change fields the record's stage locks.
 *
 * @example
 * ```ts
 * throw lockedFields('Won', ['close_value']);
 * ```
 */
export function lockedFields(stageLabel: LocalizableText, fields: string[]): ValidationError {
  const message = lockedMessage(stageLabel, fields);
  return new ValidationError({
    code: 'record.locked-fields',
    message: textIn(message, 'en'),
    localizedMessage: message,
    details: fields.map((f) => ({ pointer: `/data/${f}`, message: `locked in "${textIn(stageLabel, 'en')}"`, code: 'locked', params: { stage: stageLabel } })),
  });
}

/** 409 for a change an entity approval applies to, made where it cannot be held (a plugin's write). */
function approvalRequired(approval: EntityApproval): ProcessError {
  const label = { en: textIn(approval.label, 'en'), 'zh-CN': textIn(approval.label, 'zh-CN') };
  const message = { en: `This change needs approval (${label.en}); make it through PATCH /api/records, which holds it for the approvers.`, 'zh-CN': `此修改需要审批（${label['zh-CN']}）；请通过记录编辑提交，等待审批人审批。` };
  return new ProcessError({ code: 'approval.required', status: 409, message: message.en, localizedMessage: message, extensions: { rule: approval.id } });
}

function stale(current: number, expected: number): PipewrightError {
  return new PipewrightError({
    code: 'record.stale-version',
    status: 412,
    message: `The record changed since you read it: you sent version ${expected}, it is at version ${current}. Reload and retry.`,
    extensions: { currentVersion: current },
  });
}
