import { NotFoundError, PipewrightError, checkRule, errorDetails, expandRuleReferences, isPipewrightError, ValidationError, type ErrorDetail, type JsonSchema, type Registry } from '@pipewright/core';
import type { SavedRuleName as RuleName, SavedRuleSummary, SavedRuleVersion } from '@pipewright/core/api';
import type { Kysely, Transaction } from 'kysely';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/tables';
import { isoTime } from '../db/time';
import { appendEvent } from '../records/writer';
import { json, latestRules, lockRules, resolverOf } from './saved-rules';
import { describeUse, ruleUsedBy } from './used-by';


/** What create and update take (update also the version it was read at). */
export interface SavedRuleInput {
  id?: string;
  name?: RuleName;
  entity?: string | null;
  description?: string | null;
  logic: unknown;
  note?: string;
}

/** Ids the other `/api/rules` routes take; a saved rule cannot have them. */
const RESERVED = new Set(['operators', 'check', 'explain']);

const notFound = (id: string) => new NotFoundError(`There is no saved rule "${id}".`, { rule: id });

/**
 * The rule library (ADR 032): saved, named rules with immutable versions. Creating a rule saves
 * version 1; updating saves the next version, refused with 409 when the caller's version is not
 * the latest (someone saved in between). Every version is checked first: references to other
 * saved rules resolved (an unknown one or a cycle is refused), then the rule checker against
 * the entity schema when the rule names an entity. Every change is audited.
 *
 * @example
 * ```ts
 * const lib = new RuleLibrary(db, registry, () => new Date());
 * await lib.create({ id: 'big-discount', name: { en: 'Big discount' }, logic: { '>': [{ var: 'discount' }, 20] } }, admin);
 * ```
 */
export class RuleLibrary {
  constructor(
    readonly db: Kysely<Database>,
    readonly registry: Registry,
    readonly now: () => Date,
  ) {}

  /** Every saved rule, by id; `q` keeps those whose id, names or description contain it (any case). */
  async list(q?: string): Promise<SavedRuleSummary[]> {
    const rows = await this.db.selectFrom('saved_rules').selectAll().orderBy('id').execute();
    const needle = q?.trim().toLowerCase();
    return rows.map(summary).filter((r) => !needle || [r.id, r.name.en, r.name['zh-CN'] ?? '', r.description ?? ''].some((t) => t.toLowerCase().includes(needle)));
  }

  /** One rule with all its versions, newest first (404 if none). */
  async get(id: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<SavedRuleSummary & { versions: SavedRuleVersion[] }> {
    const row = await db.selectFrom('saved_rules').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(id);
    const versions = await db.selectFrom('saved_rule_versions').selectAll().where('rule_id', '=', id).orderBy('version', 'desc').execute();
    return { ...summary(row), versions: versions.map((v) => ({ version: v.version, logic: json(v.logic), author: v.author, createdAt: isoTime(v.created_at), note: v.note })) };
  }

  /** Saves a new rule as version 1 (409 if the id is taken, 422 naming the member if it is bad). */
  async create(input: SavedRuleInput, actor: Principal) {
    const id = input.id as string;
    if (RESERVED.has(id)) throw new ValidationError({ code: 'body.invalid', message: `"${id}" is reserved; choose another id.`, details: [{ pointer: '/id', code: 'reserved', message: 'reserved by another route' }] });
    const entity = input.entity ?? null;
    const now = this.now();
    await this.db.transaction().execute(async (tx) => {
      if (await tx.selectFrom('saved_rules').select('id').where('id', '=', id).executeTakeFirst()) {
        throw new PipewrightError({ code: 'rule.exists', status: 409, message: `A saved rule "${id}" already exists.`, details: [{ pointer: '/id', code: 'conflict', message: 'already taken' }] });
      }
      await this.#check(tx, id, input.logic, entity);
      await tx.insertInto('saved_rules').values({ id, name: JSON.stringify(input.name), entity, description: input.description ?? null, latest_version: 1, created_at: now, created_by: actor.id, updated_at: now, updated_by: actor.id }).execute();
      await tx.insertInto('saved_rule_versions').values({ rule_id: id, version: 1, logic: JSON.stringify(input.logic), author: actor.id, created_at: now, note: input.note ?? null }).execute();
      await appendEvent(tx, { record: null, recordType: 'rule', subject: `rule:${id}`, action: 'rule.create', actor, at: now, before: null, after: { ...input, version: 1 } });
    });
    return this.get(id);
  }

  /**
   * Saves the next version of a rule read at version `expected` (409 `rule.stale-version` when
   * a newer one was saved since); name, entity and description change with it when given.
   */
  async update(id: string, expected: number, input: SavedRuleInput, actor: Principal) {
    const now = this.now();
    await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('saved_rules').selectAll().where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
      if (!row) throw notFound(id);
      if (row.latest_version !== expected) {
        throw new PipewrightError({ code: 'rule.stale-version', status: 409, message: `Rule "${id}" changed since you read it: you sent version ${expected}, it is at ${row.latest_version}. Reload and retry.`, details: [{ pointer: '/version', code: 'stale', message: `the latest version is ${row.latest_version}` }], extensions: { currentVersion: row.latest_version } });
      }
      const entity = input.entity === undefined ? row.entity : input.entity;
      await this.#check(tx, id, input.logic, entity);
      const version = row.latest_version + 1;
      const name = input.name ?? json<RuleName>(row.name);
      const description = input.description === undefined ? row.description : input.description;
      await tx.updateTable('saved_rules').set({ name: JSON.stringify(name), entity, description, latest_version: version, updated_at: now, updated_by: actor.id }).where('id', '=', id).execute();
      await tx.insertInto('saved_rule_versions').values({ rule_id: id, version, logic: JSON.stringify(input.logic), author: actor.id, created_at: now, note: input.note ?? null }).execute();
      await appendEvent(tx, { record: null, recordType: 'rule', subject: `rule:${id}`, action: 'rule.update', actor, at: now, before: { version: row.latest_version }, after: { ...input, version } });
    });
    return this.get(id);
  }

  /**
   * Renames a rule: its name (English, Chinese) and description change, its id and versions do
   * not (references name the id), so no version is added.
   */
  async rename(id: string, input: Pick<SavedRuleInput, 'name' | 'description'>, actor: Principal) {
    const now = this.now();
    await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('saved_rules').selectAll().where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
      if (!row) throw notFound(id);
      const name = input.name ?? json<RuleName>(row.name);
      const description = input.description === undefined ? row.description : input.description;
      await tx.updateTable('saved_rules').set({ name: JSON.stringify(name), description, updated_at: now, updated_by: actor.id }).where('id', '=', id).execute();
      await appendEvent(tx, { record: null, recordType: 'rule', subject: `rule:${id}`, action: 'rule.rename', actor, at: now, before: { name: json(row.name), description: row.description }, after: { name, description } });
    });
    return this.get(id);
  }

  /**
   * Deletes a rule and its versions. Refused with 409 `rule.in-use` naming every use while
   * anything uses it (a process draft or published version, another saved rule, a record such as
   * a scorecard or a grading rule): what pinned a version must keep finding it. The row lock
   * (`FOR UPDATE`) waits for writes holding the rule ({@link lockRules}), so their use is seen.
   */
  async remove(id: string, actor: Principal): Promise<void> {
    const now = this.now();
    await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('saved_rules').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!row) throw notFound(id);
      const { items } = await ruleUsedBy(tx, id);
      if (items.length > 0) {
        const names = items.map(describeUse);
        const list = (lang: 'en' | 'zh-CN') => names.slice(0, 5).map((n) => n[lang]).join(lang === 'en' ? ', ' : '、') + (names.length > 5 ? (lang === 'en' ? ` and ${names.length - 5} more` : ` 等 ${names.length} 处`) : '');
        const en = `Rule "${id}" is in use and cannot be deleted: it is used by ${list('en')}. Remove those uses first.`;
        throw new PipewrightError({ code: 'rule.in-use', status: 409, kind: 'user', message: en, localizedMessage: { en, 'zh-CN': `规则 "${id}" 正在使用，无法删除：${list('zh-CN')} 使用了它。请先移除这些引用。` }, details: items.map((u, i) => ({ pointer: u.pointer, code: 'in-use', message: names[i]!.en })), extensions: { usedBy: items } });
      }
      await tx.deleteFrom('saved_rules').where('id', '=', id).execute();
      await appendEvent(tx, { record: null, recordType: 'rule', subject: `rule:${id}`, action: 'rule.delete', actor, at: now, before: { ...summary(row) }, after: null });
    });
  }

  /**
   * Checks a candidate version: its entity exists, its references resolve without a cycle (the
   * candidate standing for itself), and the rule checker accepts it against the entity schema.
   * 422 with every problem under `/logic` (or `/entity`).
   */
  async #check(db: Transaction<Database>, id: string, logic: unknown, entity: string | null): Promise<void> {
    const schema = entity === null ? undefined : this.registry.entities.get(entity)?.schema;
    if (entity !== null && !schema) throw new ValidationError({ code: 'body.invalid', message: `There is no entity "${entity}".`, details: [{ pointer: '/entity', code: 'unknown-entity', message: `unknown entity '${entity}'` }] });
    let expanded: unknown;
    let used: Iterable<string>;
    try {
      const out = expandRuleReferences(logic, resolverOf(await latestRules(db), { id, logic }), '/logic');
      expanded = out.logic;
      used = [...out.used.keys()].filter((other) => other !== id);
    } catch (err) {
      if (isPipewrightError(err) && err.status === 422) throw invalidRule(errorDetails(err));
      throw err;
    }
    // The rules this version references are held until it is saved (a delete waits, then sees the use).
    await lockRules(db, used);
    try {
      checkRule(expanded, { operators: this.registry.ruleOperators, ...(schema ? { schema: schema as JsonSchema } : {}) });
    } catch (err) {
      if (isPipewrightError(err)) throw invalidRule(errorDetails(err).map((d) => ({ ...d, pointer: `/logic${d.pointer}` })));
      throw err;
    }
  }
}

/** 422 `rule.invalid` listing the checker's problems (pointers into the body). */
function invalidRule(details: ErrorDetail[]): ValidationError {
  const first = details[0];
  return new ValidationError({ code: 'rule.invalid', message: `The rule has ${details.length} problem(s)${first ? `, first at ${first.pointer}: ${first.message}` : ''}.`, details: details.map((d) => ({ ...d, code: (d.code ?? 'invalid').replace(/^rule\./, '') })) });
}

function summary(r: { id: string; name: unknown; entity: string | null; description: string | null; latest_version: number; updated_at: Date | string; updated_by: string }): SavedRuleSummary {
  return { id: r.id, name: json<RuleName>(r.name), entity: r.entity, description: r.description, latestVersion: r.latest_version, updatedAt: isoTime(r.updated_at), updatedBy: r.updated_by };
}
