import { NotFoundError, PipewrightError, PluginError, assertDashboard, checkDashboard, todayIn, type DashboardContext, type DashboardDocument, type HomeRole, type Registry } from '@pipewright/core';
import type { DashboardSummary, DashboardView } from '@pipewright/core/api';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Principal } from '../auth/principal';
import type { Database, DashboardTable } from '../db/tables';
import { isoTime } from '../db/time';
import { appendEvent } from '../records/store';
import type { Selectable } from 'kysely';

type Row = Selectable<DashboardTable>;
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

/** Whose home a dashboard is first: admins, then managers, then everyone else. */
const HOME_ORDER: readonly HomeRole[] = ['admin', 'manager', 'rep', 'marketing', 'presales'];

const notFound = (id: string) => new NotFoundError(`There is no dashboard "${id}".`, { dashboard: id });
const stale = (current: number, expected: number) =>
  new PipewrightError({ code: 'dashboard.stale-revision', status: 412, message: `The dashboard changed since you read it: you sent revision ${expected}, it is at ${current}. Reload and retry.`, extensions: { currentRevision: current } });

/**
 * Dashboards stored as documents, checked against the loaded plugins' metrics on every write
 * (422 naming the member by JSON pointer), with a revision for If-Match and an audit event per
 * change. Plugin dashboards are added once as `<plugin>.<id>`; deleting keeps a tombstone so a
 * restart does not bring a deleted default back.
 *
 * @example
 * ```ts
 * const dashboards = new DashboardStore(db, registry, 'Asia/Shanghai');
 * await dashboards.syncPluginDashboards();
 * const home = await dashboards.home(principal);
 * ```
 */
export class DashboardStore {
  readonly #metrics: DashboardContext['metrics'];

  /**
   * `metrics` describes each metric as the metric layer resolves it (dimensions, grains), so
   * a widget is refused before it would fail at query time; default: the registry's metrics,
   * checked by id only.
   */
  constructor(
    readonly db: Kysely<Database>,
    readonly registry: Registry,
    readonly timeZone: string = 'UTC',
    readonly now: () => Date = () => new Date(),
    metrics?: DashboardContext['metrics'],
  ) {
    this.#metrics = metrics ?? new Map([...registry.metrics].map(([id, m]) => [id, { entity: m.entity }]));
  }

  /** Adds the dashboards plugins ship, once (concurrent starts are harmless). */
  async syncPluginDashboards(): Promise<void> {
    const now = this.now();
    let position = 0;
    for (const d of this.registry.dashboards.values()) {
      const { $schema: _s, ...doc } = d.document as DashboardDocument & { $schema?: string };
      const { problems } = checkDashboard(doc, this.#context());
      if (problems.length) throw new PluginError({ code: 'plugin.invalid-dashboard', plugin: d.plugin, file: d.file, pointer: problems[0]?.pointer ?? '', details: problems, message: `Dashboard "${d.fullId}" (${d.file}) is refused: ${problems.map((p) => `${p.pointer} ${p.message}`).join('; ')}` });
      await this.db
        .insertInto('dashboards')
        .values({ id: d.fullId, document: JSON.stringify({ ...doc, id: d.fullId }), revision: 1, source: `plugin:${d.plugin}`, position: position++, created_at: now, updated_at: now, updated_by: 'system:plugins' })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
  }

  /** Every dashboard: plugin defaults first, then by creation. */
  async list(): Promise<DashboardSummary[]> {
    return (await this.#rows()).map((r) => this.#summary(r));
  }

  async get(id: string): Promise<DashboardView> {
    const row = await this.db.selectFrom('dashboards').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    if (!row) throw notFound(id);
    return this.#view(row);
  }

  /**
   * The home dashboard of a user: the first dashboard whose `homeFor` names the user's highest
   * role (admin, manager, rep, marketing, presales); 404 when none does.
   */
  async home(p: Principal): Promise<DashboardView> {
    const rows = await this.#rows();
    for (const role of HOME_ORDER) {
      if (!p.roles.includes(role)) continue;
      const row = rows.find((r) => (json<DashboardDocument>(r.document).homeFor ?? []).includes(role));
      if (row) return this.#view(row);
    }
    throw new NotFoundError('No dashboard is the home page of your role.', { dashboard: 'home' });
  }

  /** Creates a dashboard (409 when the id is taken). */
  async create(doc: unknown, actor: Principal): Promise<DashboardView> {
    const d = this.#checked(doc);
    const now = this.now();
    await this.db.transaction().execute(async (tx) => {
      const prior = await tx.selectFrom('dashboards').select(['id', 'deleted_at', 'revision']).where('id', '=', d.id).forUpdate().executeTakeFirst();
      if (prior && prior.deleted_at === null) throw new PipewrightError({ code: 'dashboard.exists', status: 409, message: `A dashboard "${d.id}" already exists.`, details: [{ pointer: '/id', message: 'already taken', code: 'conflict' }] });
      if (prior) {
        await tx.updateTable('dashboards').set({ document: JSON.stringify(d), revision: prior.revision + 1, source: 'api', updated_at: now, updated_by: actor.id, deleted_at: null }).where('id', '=', d.id).execute();
      } else {
        const position = (await tx.selectFrom('dashboards').select(sql<number>`coalesce(max(position), -1) + 1`.as('n')).executeTakeFirstOrThrow()).n;
        await tx.insertInto('dashboards').values({ id: d.id, document: JSON.stringify(d), revision: 1, source: 'api', position, created_at: now, updated_at: now, updated_by: actor.id }).execute();
      }
      await audit(tx, 'dashboard.create', d.id, actor, now, null, d);
    });
    return this.get(d.id);
  }

  /** Replaces a dashboard at an expected revision (412 if stale); the id cannot change. */
  async update(id: string, doc: unknown, expectedRevision: number, actor: Principal): Promise<DashboardView> {
    const d = this.#checked(doc);
    const now = this.now();
    await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('dashboards').selectAll().where('id', '=', id).where('deleted_at', 'is', null).forUpdate().executeTakeFirst();
      if (!row) throw notFound(id);
      if (row.revision !== expectedRevision) throw stale(row.revision, expectedRevision);
      if (d.id !== id) throw new PipewrightError({ code: 'dashboard.invalid', status: 422, message: `The id must stay "${id}".`, details: [{ pointer: '/id', message: `must stay "${id}"`, code: 'id-changed' }] });
      await tx.updateTable('dashboards').set({ document: JSON.stringify(d), revision: row.revision + 1, updated_at: now, updated_by: actor.id }).where('id', '=', id).execute();
      await audit(tx, 'dashboard.update', id, actor, now, json(row.document), d);
    });
    return this.get(id);
  }

  /** Deletes a dashboard (kept as a tombstone); with a revision, 412 when it changed since. */
  async remove(id: string, actor: Principal, expectedRevision?: number): Promise<void> {
    const now = this.now();
    await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('dashboards').selectAll().where('id', '=', id).where('deleted_at', 'is', null).forUpdate().executeTakeFirst();
      if (!row) throw notFound(id);
      if (expectedRevision !== undefined && row.revision !== expectedRevision) throw stale(row.revision, expectedRevision);
      await tx.updateTable('dashboards').set({ deleted_at: now, revision: row.revision + 1, updated_at: now, updated_by: actor.id }).where('id', '=', id).execute();
      await audit(tx, 'dashboard.delete', id, actor, now, json(row.document), null);
    });
  }

  #rows(): Promise<Row[]> {
    return this.db.selectFrom('dashboards').selectAll().where('deleted_at', 'is', null).orderBy('position').orderBy('created_at').orderBy('id').execute();
  }

  #checked(doc: unknown): DashboardDocument {
    const { $schema: _s, ...rest } = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
    return assertDashboard(typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? rest : doc, this.#context());
  }

  #context(): DashboardContext {
    return { metrics: this.#metrics, operators: this.registry.ruleOperators, entitySchema: (e) => this.registry.entities.get(e)?.schema };
  }

  #summary(r: Row): DashboardSummary {
    const d = json<DashboardDocument>(r.document);
    return { id: r.id, title: d.title, ...(d.description ? { description: d.description } : {}), homeFor: d.homeFor ?? [], source: r.source, revision: r.revision, widgets: d.widgets.length, updatedAt: isoTime(r.updated_at), updatedBy: r.updated_by };
  }

  #view(r: Row): DashboardView {
    return { ...this.#summary(r), dashboard: json<DashboardDocument>(r.document), today: todayIn(this.timeZone, this.now()), timeZone: this.timeZone };
  }
}

async function audit(tx: Transaction<Database>, action: string, id: string, actor: Principal, at: Date, before: unknown, after: unknown): Promise<void> {
  await appendEvent(tx, { record: null, recordType: 'dashboard', subject: `dashboard:${id}`, action, actor, at, before, after });
}
