import { createHash } from 'node:crypto';
import { PipewrightError, type EntityDefinition, type Registry } from '@pipewright/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import { systemPrincipal } from '../auth/principal';
import type { Database } from '../db/tables';
import type { ProcessDefinitions } from '../process/definitions';
import { appendEvent } from '../records/store';
import { updateRecord } from '../records/writer';
import { toView } from '../records/view';

/** What a start noticed about plugin documents that changed since the previous start. */
export interface PluginChanges {
  /** Plugin processes whose file changed: a new draft revision, or kept admin edits (`conflict`). */
  processes: { id: string; plugin: string; outcome: 'new-draft' | 'conflict' | 'refused'; draftRevision?: number; problems?: string[]; publishedVersion?: number }[];
  /** Entities whose definition changed: records filled by a default, records now invalid. */
  entities: { type: string; plugin: string; filled: { field: string; records: number }[]; invalid: { id: string; pointer: string; message: string }[] }[];
}

const ACTOR = systemPrincipal('plugins');
/** At most this many invalid records are listed per entity (the count is always complete). */
const LIST_MAX = 1000;

const stable = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : x));
const digestOf = (v: unknown): string => createHash('sha256').update(stable(v)).digest('hex');
const requiredOf = (schema: unknown): string[] => {
  const r = (schema as { required?: unknown }).required;
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : [];
};
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

function withoutVersion(doc: unknown): Record<string, unknown> {
  const { version: _v, $schema: _s, ...rest } = doc as Record<string, unknown>;
  return rest;
}

function entityDocument(registry: Registry, type: string): EntityDefinition {
  const { fullId: _f, plugin: _p, file: _file, fields: _fields, validate: _v, ...def } = registry.entity(type) as unknown as EntityDefinition & Record<string, unknown>;
  return withoutVersion(def) as unknown as EntityDefinition;
}

/**
 * Compares the processes and entity definitions plugins ship with what the previous start saw
 * (table `plugin_documents`), so nothing a plugin changes is silently ignored:
 *
 * - a changed process becomes the process's new draft (revision + 1) for an admin to publish,
 *   audited as `process.plugin-update`; a process the plugin publishes itself
 *   (`contributes.publishProcesses`) and no admin has published is published as well; if an
 *   admin edited the draft since, their draft is kept and the plugin's version is audited as
 *   `process.plugin-conflict` (its document in `after`; the designer offers it, `shipped`);
 * - a changed entity definition fills each newly required field that has a `default` in records
 *   lacking it (version + 1 and an `entity.migrate` event per record), then checks every live
 *   record against the new schema and reports the invalid ones (`entity.schema-check` event).
 *
 * Every outcome is logged. The first start only records what it sees.
 *
 * @example
 * ```ts
 * const changes = await noticePluginChanges(db, registry, processes.definitions, console.log);
 * ```
 */
export async function noticePluginChanges(db: Kysely<Database>, registry: Registry, definitions: ProcessDefinitions, log: (line: string) => void = () => {}, now: () => Date = () => new Date()): Promise<PluginChanges> {
  const changes: PluginChanges = { processes: [], entities: [] };
  const seen = new Map((await db.selectFrom('plugin_documents').selectAll().execute()).map((r) => [`${r.kind}:${r.id}`, r]));
  const current = (tx: Transaction<Database>, kind: 'process' | 'entity', id: string) => tx.selectFrom('plugin_documents').selectAll().where('kind', '=', kind).where('id', '=', id).forUpdate().executeTakeFirst();
  const remember = (tx: Transaction<Database>, kind: 'process' | 'entity', id: string, plugin: string, document: unknown) =>
    tx
      .insertInto('plugin_documents')
      .values({ kind, id, plugin, digest: digestOf(document), document: JSON.stringify(document), seen_at: now() })
      .onConflict((oc) => oc.columns(['kind', 'id']).doUpdateSet({ plugin, digest: digestOf(document), document: JSON.stringify(document), seen_at: now() }))
      .execute();

  // New drafts of processes their plugin publishes itself (`contributes.publishProcesses`), to publish after their transaction
  const republish: PluginChanges['processes'][number][] = [];
  const selfPublished = new Set(registry.plugins.flatMap((p) => p.manifest.contributes?.publishProcesses ?? []));
  for (const p of registry.processes.values()) {
    const doc = withoutVersion(p.document);
    const id = doc.id as string;
    if (seen.get(`process:${id}`)?.digest === digestOf(doc)) continue;
    await db.transaction().execute(async (tx) => {
      // Re-read under a lock: of several runtimes starting together, one handles the change.
      const before = await current(tx, 'process', id);
      if (before?.digest === digestOf(doc)) return;
      await remember(tx, 'process', id, p.plugin, doc);
      if (!before) return;
      const row = await tx.selectFrom('process_definitions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!row || row.source !== `plugin:${p.plugin}`) return;
      const at = now();
      const { problems } = await definitions.check(doc, tx);
      if (problems.length) {
        const list = problems.map((x) => `${x.pointer || '/'} ${x.message}`);
        changes.processes.push({ id, plugin: p.plugin, outcome: 'refused', problems: list });
        await appendEvent(tx, { record: null, recordType: 'process', subject: `process:${id}`, action: 'process.plugin-refused', actor: ACTOR, at, before: null, after: doc, meta: { file: p.file, problems: list } });
        log(`plugin ${p.plugin}: process "${id}" (${p.file}) changed but is refused: ${list.join('; ')}; the draft is unchanged`);
        return;
      }
      if (digestOf(withoutVersion(json(row.draft))) !== before.digest) {
        changes.processes.push({ id, plugin: p.plugin, outcome: 'conflict' });
        await appendEvent(tx, { record: null, recordType: 'process', subject: `process:${id}`, action: 'process.plugin-conflict', actor: ACTOR, at, before: json(row.draft), after: doc, meta: { file: p.file } });
        log(`plugin ${p.plugin}: process "${id}" (${p.file}) changed, but an admin edited its draft since; the draft is kept and the plugin's version is in the audit log (process.plugin-conflict)`);
        return;
      }
      const draftRevision = row.draft_revision + 1;
      await tx.updateTable('process_definitions').set({ draft: JSON.stringify(doc), draft_revision: draftRevision, updated_at: at, updated_by: ACTOR.id }).where('id', '=', id).execute();
      await appendEvent(tx, { record: null, recordType: 'process', subject: `process:${id}`, action: 'process.plugin-update', actor: ACTOR, at, before: json(row.draft), after: doc, meta: { file: p.file, draftRevision } });
      const change = { id, plugin: p.plugin, outcome: 'new-draft' as const, draftRevision };
      changes.processes.push(change);
      // The plugin publishes it, and no admin has: its new draft is published too (ADR 029 addendum).
      const adminVersion = await tx.selectFrom('process_versions').select('version').where('process_id', '=', id).where('published_by', '!=', ACTOR.id).limit(1).executeTakeFirst();
      if (selfPublished.has(id) && row.latest_version !== null && !adminVersion) {
        republish.push(change);
        return;
      }
      log(`plugin ${p.plugin}: process "${id}" (${p.file}) changed: draft revision ${draftRevision} awaits an admin's publish (published: ${row.latest_version === null ? 'none' : `v${row.latest_version}`})`);
    });
  }
  for (const change of republish) {
    try {
      change.publishedVersion = (await definitions.publish(change.id, ACTOR)).version;
      log(`plugin ${change.plugin}: process "${change.id}" changed: draft revision ${change.draftRevision} published as version ${change.publishedVersion} (the plugin publishes it, and no admin has)`);
    } catch (err) {
      // another runtime starting at once published it first
      if (!(err instanceof PipewrightError && err.code === 'process.nothing-to-publish')) throw err;
    }
  }

  for (const type of registry.entities.keys()) {
    const entity = registry.entity(type);
    const doc = entityDocument(registry, type);
    if (seen.get(`entity:${type}`)?.digest === digestOf(doc)) continue;
    const report: PluginChanges['entities'][number] = { type, plugin: entity.plugin, filled: [], invalid: [] };
    let invalidCount = 0;
    const changed = await db.transaction().execute(async (tx) => {
      const before = await current(tx, 'entity', type);
      if (before?.digest === digestOf(doc)) return false;
      await remember(tx, 'entity', type, entity.plugin, doc);
      if (!before) return false;
      const old = json<EntityDefinition>(before.document).schema;
      const oldRequired = new Set(requiredOf(old));
      const properties = ((doc.schema as { properties?: unknown }).properties ?? {}) as Record<string, { default?: unknown }>;
      for (const field of requiredOf(doc.schema)) {
        if (oldRequired.has(field) || !Object.hasOwn(properties[field] ?? {}, 'default')) continue;
        const at = now();
        const rows = await tx
          .selectFrom('records')
          .selectAll()
          .where('type', '=', type)
          .where('deleted_at', 'is', null)
          .where(sql<boolean>`not (data ? ${field})`)
          .forUpdate()
          .execute();
        for (const row of rows) {
          const data = { ...toView(row).data, [field]: properties[field]?.default };
          // The row is locked (for update), so the writer's compare-and-set cannot lose.
          await updateRecord(tx, row, { data }, { action: 'entity.migrate', actor: ACTOR, at, meta: { field, default: properties[field]?.default } });
        }
        report.filled.push({ field, records: rows.length });
        log(`plugin ${entity.plugin}: entity ${type} now requires "${field}": filled its default in ${rows.length} record(s)`);
      }
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const batch = await tx.selectFrom('records').select(['id', 'data']).where('type', '=', type).where('deleted_at', 'is', null).where('id', '>', after).orderBy('id').limit(500).execute();
        for (const r of batch) {
          if (entity.validate(json(r.data))) continue;
          invalidCount++;
          const e = entity.validate.errors?.[0];
          if (report.invalid.length < LIST_MAX) report.invalid.push({ id: r.id, pointer: `/data${e?.instancePath ?? ''}${e?.keyword === 'required' ? `/${String((e.params as { missingProperty?: string }).missingProperty)}` : ''}`, message: e?.message ?? 'invalid' });
        }
        const last = batch.at(-1);
        if (!last || batch.length < 500) break;
        after = last.id;
      }
      await appendEvent(tx, { record: null, recordType: type, subject: `entity:${type}`, action: 'entity.schema-check', actor: ACTOR, at: now(), before: json(before.document), after: doc, meta: { filled: report.filled, invalidCount, invalid: report.invalid } });
      return true;
    });
    if (!changed) continue;
    changes.entities.push(report);
    log(`plugin ${entity.plugin}: entity ${type} changed (${entity.file}): ${invalidCount} stored record(s) do not match the new schema${invalidCount ? `, e.g. ${report.invalid.slice(0, 5).map((i) => `${i.id} ${i.pointer} ${i.message}`).join('; ')}; fix them or the schema (the full list is in the audit log, entity.schema-check)` : ''}`);
  }
  return changes;
}
