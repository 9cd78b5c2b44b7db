import { expandRuleReferences, ruleReferences, type ProcessDefinition, type ResolvedRule, type RuleResolver } from '@pipewright/core';
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
export async function resolveRule(db: Db, logic: unknown, options: { pointer?: string; pinned?: Readonly<Record<string, number>> } = {}): Promise<{ logic: unknown; versions: Record<string, number> }> {
  if (ruleReferences(logic).length === 0) return { logic, versions: {} };
  const latest = await latestRules(db);
  const pinned = options.pinned ? await pinnedRules(db, options.pinned) : new Map<string, ResolvedRule>();
  const out = expandRuleReferences(logic, (id) => pinned.get(id) ?? latest.get(id), options.pointer ?? '');
  return { logic: out.logic, versions: Object.fromEntries([...out.used].sort(([a], [b]) => (a < b ? -1 : 1))) };
}
