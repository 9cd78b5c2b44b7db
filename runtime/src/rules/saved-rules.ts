import { PipewrightError, expandRuleReferences, ruleReferences, type ProcessDefinition, type ResolvedRule, type RuleResolver } from '@pipewright/core';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/tables';

type Db = Kysely<Database> | Transaction<Database>;

/** A jsonb value as the driver gives it (parsed; text when a driver does not parse); a rule may be a bare string. */
export const json = <T>(v: unknown): T => {
  if (typeof v !== 'string') return v as T;
  try {
    return JSON.parse(v) as T;
  } catch {
    return v as T;
  }
};

/** Saved rules by id at one version each, as a {@link RuleResolver} wants them. */
export type RuleSet = ReadonlyMap<string, ResolvedRule>;

/**
 * The latest version of every saved rule (ADR 032): what a draft, a rule check and a publish
 * resolve `{"rule": "<id>"}` against. The library is authored by admins and small; one query.
 *
 * @example
 * ```ts
 * const rules = await latestRules(db);
 * expandRuleReferences(guard, resolverOf(rules));
 * ```
 */
export async function latestRules(db: Db): Promise<RuleSet> {
  const rows = await db
    .selectFrom('saved_rules as r')
    .innerJoin('saved_rule_versions as v', (j) => j.onRef('v.rule_id', '=', 'r.id').onRef('v.version', '=', 'r.latest_version'))
    .select(['r.id', 'v.version', 'v.logic'])
    .orderBy('r.id')
    .execute();
  return new Map(rows.map((r) => [r.id, { logic: json(r.logic), version: r.version }]));
}

/**
 * Holds the saved rules a write is about to use (ADR 032 addendum 2): a `FOR KEY SHARE` lock on
 * each, kept to the end of the transaction, so a concurrent delete (which takes `FOR UPDATE`)
 * waits for the write and then finds the use, or has already deleted the rule and the write is
 * refused here with 409 `rule.deleted` naming it. Without it, a publish that read the rules just
 * before a delete committed would pin a version that no longer exists. Outside a transaction it
 * only checks the rules exist.
 *
 * @example
 * ```ts
 * await lockRules(tx, Object.keys(lock)); // before inserting the version that pins them
 * ```
 */
export async function lockRules(db: Db, ids: Iterable<string>): Promise<void> {
  const wanted = [...new Set(ids)].sort();
  if (wanted.length === 0) return;
  const rows = await db.selectFrom('saved_rules').select('id').where('id', 'in', wanted).orderBy('id').forKeyShare().execute();
  const found = new Set(rows.map((r) => r.id));
  const missing = wanted.filter((id) => !found.has(id));
  if (missing.length === 0) return;
  const names = missing.map((id) => `"${id}"`).join(', ');
  throw new PipewrightError({
    code: 'rule.deleted',
    status: 409,
    kind: 'user',
    message: `The saved rule ${names} was deleted while this change was being made. Remove the reference or save the rule again, then retry.`,
    localizedMessage: { en: `The saved rule ${names} was deleted while this change was being made. Remove the reference or save the rule again, then retry.`, 'zh-CN': `保存的规则 ${missing.map((id) => `"${id}"`).join('、')} 在本次修改进行时被删除。请移除该引用或重新保存该规则后重试。` },
    details: missing.map((id) => ({ pointer: '', code: 'rule-deleted', message: `saved rule "${id}" no longer exists` })),
    extensions: { rules: missing },
  });
}

/** The saved rules a definition's guards and approval conditions reference directly. */
export function processRuleIds(def: Pick<ProcessDefinition, 'transitions'>): string[] {
  return processRules(def).flatMap((r) => ruleReferences(r.logic).map((ref) => ref.id));
}

/**
 * The versions a published process version pinned (id to version): what its guards run with,
 * whatever was saved since.
 *
 * @example
 * ```ts
 * const rules = await pinnedRules(db, { 'big-discount': 2 });
 * ```
 */
export async function pinnedRules(db: Db, lock: Readonly<Record<string, number>>): Promise<RuleSet> {
  const pairs = Object.entries(lock);
  if (pairs.length === 0) return new Map();
  const rows = await db
    .selectFrom('saved_rule_versions')
    .select(['rule_id', 'version', 'logic'])
    .where((eb) => eb.or(pairs.map(([id, v]) => eb.and([eb('rule_id', '=', id), eb('version', '=', v)]))))
    .execute();
  return new Map(rows.map((r) => [r.rule_id, { logic: json(r.logic), version: r.version }]));
}

/**
 * A resolver over a rule set; `override` stands for one rule's candidate logic (a rule being
 * saved, so a cycle through it is found before it is stored).
 *
 * @example
 * ```ts
 * resolverOf(await latestRules(db), { id: 'big-discount', logic: candidate });
 * ```
 */
export function resolverOf(rules: RuleSet, override?: { id: string; logic: unknown }): RuleResolver {
  return (id) => (override && id === override.id ? { logic: override.logic, version: 0 } : rules.get(id));
}

/** The guards and approval conditions of a definition, each with its pointer. */
export function processRules(def: Pick<ProcessDefinition, 'transitions'>): { logic: unknown; pointer: string }[] {
  return (def.transitions ?? []).flatMap((t, i) => [
    ...(t.guard !== undefined ? [{ logic: t.guard, pointer: `/transitions/${i}/guard` }] : []),
    ...(t.approval?.when !== undefined ? [{ logic: t.approval.when, pointer: `/transitions/${i}/approval/when` }] : []),
  ]);
}

/**
 * The saved-rule versions a definition's guards and approval conditions reach (directly or
 * through other saved rules), id to version: what a publish pins. The definition has been
 * checked, so every reference resolves.
 *
 * @example
 * ```ts
 * ruleLock(definition, resolverOf(await latestRules(tx))); // { 'big-discount': 3 }
 * ```
 */
export function ruleLock(def: Pick<ProcessDefinition, 'transitions'>, resolve: RuleResolver): Record<string, number> {
  const lock: Record<string, number> = {};
  for (const r of processRules(def)) for (const [id, v] of expandRuleReferences(r.logic, resolve, r.pointer).used) lock[id] = v;
  return Object.fromEntries(Object.entries(lock).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * A plugin's rule with its saved-rule references resolved (the `services.rules.resolve` of
 * ADR 032, addendum): at the `pinned` versions when given (a reference not pinned at its latest),
 * else at the latest; with the versions reached, sorted by id. A rule without references is
 * returned as is, without a query.
 *
 * @example
 * ```ts
 * await resolveRule(db, { rule: 'big-account' }, { pinned: { 'big-account': 2 } });
 * // { logic: { '>=': [...] }, versions: { 'big-account': 2 } }
 * ```
 */
export async function resolveRule(db: Db, logic: unknown, options: { pointer?: string; pinned?: Readonly<Record<string, number>>; lock?: boolean } = {}): Promise<{ logic: unknown; versions: Record<string, number> }> {
  if (ruleReferences(logic).length === 0) return { logic, versions: {} };
  const latest = await latestRules(db);
  const pinned = options.pinned ? await pinnedRules(db, options.pinned) : new Map<string, ResolvedRule>();
  const out = expandRuleReferences(logic, (id) => pinned.get(id) ?? latest.get(id), options.pointer ?? '');
  // A plugin pins what it resolves into the record it writes: hold the rules until that commits.
  if (options.lock) await lockRules(db, out.used.keys());
  return { logic: out.logic, versions: Object.fromEntries([...out.used].sort(([a], [b]) => (a < b ? -1 : 1))) };
}
