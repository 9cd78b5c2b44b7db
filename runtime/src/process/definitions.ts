import { CompiledProcess, PipewrightError, checkProcess, compileProcess, invalidProcess, type ProcessDefinition, type ProcessProblem, type Registry } from '@pipewright/core';
import { isDeepStrictEqual } from 'node:util';
import { sql, type Kysely, type Transaction } from 'kysely';
import { systemPrincipal, type Principal } from '../auth/principal';
import type { Database } from '../db/tables';
import { appendEvent } from '../records/writer';
import { processContextOf, processNotFound, staleRevision, versionNotFound } from './context';
import type { ProcessSummary } from '@pipewright/core/api';
import { isoTime } from '../db/time';
import { latestRules, lockRules, pinnedRules, processRuleIds, resolverOf, ruleLock, type RuleSet } from '../rules/saved-rules';

type Db = Kysely<Database> | Transaction<Database>;

export type { ProcessSummary } from '@pipewright/core/api';

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

/**
 * Process definitions: drafts (editable, with a revision for If-Match) and published versions
 * (immutable; the table refuses updates). Compiled versions are cached by id and version, which
 * is safe because a version never changes. Every change is audited.
 *
 * @example
 * ```ts
 * const defs = new ProcessDefinitions(db, registry);
 * const v = await defs.publish('new_business', principal);
 * const compiled = await defs.version('new_business', v.version);
 * ```
 */
export class ProcessDefinitions {
  readonly #cache = new Map<string, Promise<CompiledProcess>>();

  constructor(
    readonly db: Kysely<Database>,
    readonly registry: Registry,
    readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Checks a candidate definition against the loaded plugins and the latest saved rules its
   * guards reference (ADR 032); never writes. Inside a transaction pass it as `db`.
   */
  async check(doc: unknown, db: Db = this.db): Promise<{ definition: ProcessDefinition | null; problems: ProcessProblem[] }> {
    return this.#checkWith(doc, await latestRules(db));
  }

  #checkWith(doc: unknown, rules: RuleSet): { definition: ProcessDefinition | null; problems: ProcessProblem[] } {
    return checkProcess(stripVersion(doc), { ...processContextOf(this.registry), rules: resolverOf(rules) });
  }

  /**
   * Adds the processes plugins ship as drafts, once (concurrent starts are harmless), then
   * publishes those a plugin lists in `contributes.publishProcesses` that have no published
   * version yet (a new install, or an upgrade that adds them). Two runtimes starting at once:
   * publishing locks the process row, and the second finds it published (409, ignored).
   */
  async syncPluginProcesses(): Promise<string[]> {
    const now = this.now();
    let position = 0;
    for (const p of this.registry.processes.values()) {
      const doc = stripVersion(p.document) as ProcessDefinition;
      await this.db
        .insertInto('process_definitions')
        .values({ id: doc.id, entity: doc.entity, draft: JSON.stringify(doc), draft_revision: 1, latest_version: null, source: `plugin:${p.plugin}`, position: position++, created_at: now, updated_at: now, updated_by: 'system:plugins' })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
    const wanted = this.registry.plugins.flatMap((p) => p.manifest.contributes?.publishProcesses ?? []);
    if (wanted.length === 0) return [];
    const absent = await this.db.selectFrom('process_definitions').select('id').where('id', 'in', wanted).where('latest_version', 'is', null).execute();
    const published: string[] = [];
    for (const { id } of absent) {
      try {
        await this.publish(id, systemPrincipal('plugins'));
        published.push(id);
      } catch (err) {
        if (!(err instanceof PipewrightError && err.code === 'process.nothing-to-publish')) throw err;
      }
    }
    return published;
  }

  async list(entity?: string): Promise<ProcessSummary[]> {
    let q = this.db.selectFrom('process_definitions').selectAll().orderBy('entity').orderBy('position').orderBy('created_at');
    if (entity) q = q.where('entity', '=', entity);
    return (await q.execute()).map((r) => ({ id: r.id, entity: r.entity, label: json<ProcessDefinition>(r.draft).label, source: r.source, draftRevision: r.draft_revision, latestVersion: r.latest_version, updatedAt: isoTime(r.updated_at), updatedBy: r.updated_by }));
  }

  async get(id: string) {
    const row = await this.db.selectFrom('process_definitions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw processNotFound(id);
    const versions = await this.db.selectFrom('process_versions').select(['version', 'published_at', 'published_by']).where('process_id', '=', id).orderBy('version').execute();
    return {
      id: row.id,
      entity: row.entity,
      source: row.source,
      draft: json<ProcessDefinition>(row.draft),
      draftRevision: row.draft_revision,
      latestVersion: row.latest_version,
      updatedAt: isoTime(row.updated_at),
      updatedBy: row.updated_by,
      versions: versions.map((v) => ({ version: v.version, publishedAt: isoTime(v.published_at), publishedBy: v.published_by })),
      ...(await this.#shippedBeside(row.source, json<ProcessDefinition>(row.draft))),
    };
  }

  /**
   * What the process's plugin ships now, offered beside the draft when a start kept an admin's
   * draft over a changed plugin document (`process.plugin-conflict`, ADR 029 addendum) and no
   * draft has been saved since.
   */
  async #shippedBeside(source: string, draft: ProcessDefinition): Promise<{ shipped?: ProcessDefinition }> {
    const shipped = [...this.registry.processes.values()].find((p) => (p.document as { id?: unknown }).id === draft.id);
    if (!shipped || source !== `plugin:${shipped.plugin}`) return {};
    const doc = stripVersion(shipped.document) as ProcessDefinition;
    if (isDeepStrictEqual(doc, draft)) return {};
    const last = await this.db
      .selectFrom('events')
      .select('action')
      .where('subject', '=', `process:${draft.id}`)
      .where('action', 'in', ['process.create', 'process.update', 'process.plugin-update', 'process.plugin-conflict'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return last?.action === 'process.plugin-conflict' ? { shipped: doc } : {};
  }

  /** Creates a new process from a checked definition (409 if the id is taken). */
  async create(doc: unknown, actor: Principal) {
    const def = await this.#checked(doc);
    const now = this.now();
    await this.db.transaction().execute(async (tx) => {
      const taken = await tx.selectFrom('process_definitions').select('id').where('id', '=', def.id).executeTakeFirst();
      if (taken) throw new PipewrightError({ code: 'process.exists', status: 409, message: `A process "${def.id}" already exists.`, details: [{ pointer: '/id', message: 'already taken', code: 'conflict' }] });
      const position = (await tx.selectFrom('process_definitions').select(sql<number>`coalesce(max(position), -1) + 1`.as('n')).where('entity', '=', def.entity).executeTakeFirstOrThrow()).n;
      await lockRules(tx, processRuleIds(def));
      await tx.insertInto('process_definitions').values({ id: def.id, entity: def.entity, draft: JSON.stringify(def), draft_revision: 1, latest_version: null, source: 'api', position, created_at: now, updated_at: now, updated_by: actor.id }).execute();
      await audit(tx, 'process.create', def.id, actor, now, null, def);
    });
    return this.get(def.id);
  }

  /** Replaces the draft at an expected revision (412 if stale); the id and entity cannot change. */
  async saveDraft(id: string, doc: unknown, expectedRevision: number, actor: Principal) {
    const def = await this.#checked(doc);
    const now = this.now();
    await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('process_definitions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!row) throw processNotFound(id);
      if (row.draft_revision !== expectedRevision) throw staleRevision('draft', row.draft_revision, expectedRevision);
      if (def.id !== id) throw invalidProcess([{ pointer: '/id', code: 'id-changed', message: `The id must stay "${id}".` }]);
      if (def.entity !== row.entity) throw invalidProcess([{ pointer: '/entity', code: 'entity-changed', message: `The entity must stay "${row.entity}"; create a new process instead.` }]);
      await lockRules(tx, processRuleIds(def));
      await tx.updateTable('process_definitions').set({ draft: JSON.stringify(def), draft_revision: row.draft_revision + 1, updated_at: now, updated_by: actor.id }).where('id', '=', id).execute();
      await audit(tx, 'process.update', id, actor, now, json(row.draft), def);
    });
    return this.get(id);
  }

  /** Publishes the draft as the next immutable version (409 when it equals the latest version). */
  async publish(id: string, actor: Principal, expectedRevision?: number) {
    const now = this.now();
    return this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('process_definitions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!row) throw processNotFound(id);
      if (expectedRevision !== undefined && row.draft_revision !== expectedRevision) throw staleRevision('draft', row.draft_revision, expectedRevision);
      // The saved rules the guards reference are pinned at their latest versions (ADR 032).
      const rules = await latestRules(tx);
      const draft = this.#checkedWith(json(row.draft), rules);
      const lock = ruleLock(draft, resolverOf(rules));
      await lockRules(tx, Object.keys(lock));
      if (row.latest_version !== null) {
        const latest = await tx.selectFrom('process_versions').select(['definition', 'rules']).where('process_id', '=', id).where('version', '=', row.latest_version).executeTakeFirstOrThrow();
        if (JSON.stringify(stripVersion(json(latest.definition))) === JSON.stringify(draft) && JSON.stringify(json(latest.rules)) === JSON.stringify(lock)) {
          throw new PipewrightError({ code: 'process.nothing-to-publish', status: 409, message: `The draft equals version ${row.latest_version} and the saved rules it uses are unchanged; change it before publishing.` });
        }
      }
      const version = (row.latest_version ?? 0) + 1;
      const definition = { ...draft, version };
      await tx.insertInto('process_versions').values({ process_id: id, version, definition: JSON.stringify(definition), published_at: now, published_by: actor.id, rules: JSON.stringify(lock) }).execute();
      await tx.updateTable('process_definitions').set({ latest_version: version, updated_at: now }).where('id', '=', id).execute();
      await audit(tx, 'process.publish', id, actor, now, null, { version });
      return { id, version, publishedAt: now.toISOString(), publishedBy: actor.id, definition, rules: lock };
    });
  }

  /** The definition of a published version (404 if none). */
  async definition(id: string, version: number, db: Db = this.db): Promise<ProcessDefinition> {
    const row = await db.selectFrom('process_versions').select('definition').where('process_id', '=', id).where('version', '=', version).executeTakeFirst();
    if (!row) throw versionNotFound(id, version);
    return json<ProcessDefinition>(row.definition);
  }

  /**
   * A published version, compiled once per process. Inside a transaction pass it as `db`: on
   * PGlite a second connection would wait for the transaction forever.
   */
  version(id: string, version: number, db: Db = this.db): Promise<CompiledProcess> {
    const key = `${id}@${version}`;
    let hit = this.#cache.get(key);
    if (!hit) {
      hit = this.#pinned(id, version, db);
      hit.catch(() => this.#cache.delete(key));
      this.#cache.set(key, hit);
    }
    return hit;
  }

  /** A published version compiled with the saved-rule versions it pinned at publish. */
  async #pinned(id: string, version: number, db: Db): Promise<CompiledProcess> {
    const row = await db.selectFrom('process_versions').select(['definition', 'rules']).where('process_id', '=', id).where('version', '=', version).executeTakeFirst();
    if (!row) throw versionNotFound(id, version);
    const rules = await pinnedRules(db, json<Record<string, number>>(row.rules));
    return new CompiledProcess(json<ProcessDefinition>(row.definition), { ...processContextOf(this.registry), rules: resolverOf(rules) });
  }

  /** The saved-rule versions a published version pinned (id to version; ADR 032). */
  async pinnedRuleVersions(id: string, version: number, db: Db = this.db): Promise<Record<string, number>> {
    const row = await db.selectFrom('process_versions').select('rules').where('process_id', '=', id).where('version', '=', version).executeTakeFirst();
    if (!row) throw versionNotFound(id, version);
    return json<Record<string, number>>(row.rules);
  }

  /** Compiles the current draft (or a given candidate) for simulation, with the latest saved rules. */
  async draft(id: string, candidate?: unknown): Promise<CompiledProcess> {
    const doc = candidate ?? (await this.get(id)).draft;
    return compileProcess(stripVersion(doc), { ...processContextOf(this.registry), rules: resolverOf(await latestRules(this.db)) });
  }

  /** The latest published version of a process, or of the entity's default process. */
  /** Published processes of an entity with their latest versions, by position (the first is the default). */
  async published(entity: string, db: Db = this.db): Promise<{ id: string; version: number }[]> {
    const rows = await db.selectFrom('process_definitions').select(['id', 'latest_version']).where('entity', '=', entity).where('latest_version', 'is not', null).orderBy('position').orderBy('created_at').execute();
    return rows.flatMap((r) => (r.latest_version !== null ? [{ id: r.id, version: r.latest_version }] : []));
  }

  async latest(opts: { process?: string; entity: string }, db: Db = this.db): Promise<{ id: string; version: number } | null> {
    let q = db.selectFrom('process_definitions').select(['id', 'latest_version']).where('entity', '=', opts.entity).where('latest_version', 'is not', null);
    q = opts.process ? q.where('id', '=', opts.process) : q.orderBy('position').orderBy('created_at').limit(1);
    const row = await q.executeTakeFirst();
    return row && row.latest_version !== null ? { id: row.id, version: row.latest_version } : null;
  }

  async #checked(doc: unknown): Promise<ProcessDefinition> {
    return this.#checkedWith(doc, await latestRules(this.db));
  }

  #checkedWith(doc: unknown, rules: RuleSet): ProcessDefinition {
    const { definition, problems } = this.#checkWith(doc, rules);
    if (!definition) throw invalidProcess(problems);
    return definition;
  }
}

function stripVersion(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return doc;
  const { version: _v, $schema: _s, ...rest } = doc as Record<string, unknown>;
  return rest;
}

async function audit(tx: Transaction<Database>, action: string, id: string, actor: Principal, at: Date, before: unknown, after: unknown): Promise<void> {
  await appendEvent(tx, { record: null, recordType: 'process', subject: `process:${id}`, action, actor, at, before, after });
}
