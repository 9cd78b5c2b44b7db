import type { PluginRecord, RoutingServices as PluginServices } from './sdk-types';
import { statusOf } from './problems';
import { RULE, holds, pick, ruleOf, type Candidate, type Choice, type RoutingRule } from './rules';

export const STATE = 'handoff.routing_state';
export const ABSENCE = 'handoff.absence';
export const LEAD = 'handoff.lead';
export const HANDOFF = 'handoff.handoff';
/** How many recent assignments a rule's state remembers (a repeated delivery finds its own). */
const RECENT = 200;
const ATTEMPTS = 50;

/** A routing decision: who, by which rule, why. */
export interface Assignment extends Choice {
  ruleId: string;
  rule: string;
  strategy: string;
}

/** The active rules for an item (a lead, or a handoff of a kind), in list order. */
export async function rulesFor(s: PluginServices, appliesTo: string): Promise<RoutingRule[]> {
  const { items } = await s.records.list(RULE, { limit: 1000, sort: 'position' });
  return items.map(ruleOf).filter((r) => r.active && (r.appliesTo === null || r.appliesTo === appliesTo)).sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
}

/** Users away now (their absence records cover `now`). */
async function absentNow(s: PluginServices): Promise<Set<string>> {
  const now = s.clock.now().getTime();
  const { items } = await s.records.list(ABSENCE, { limit: 1000, sort: '-ends_at' });
  return new Set(items.filter((a) => a.owner && Date.parse(String(a.data.starts_at)) <= now && now < Date.parse(String(a.data.ends_at))).map((a) => a.owner as string));
}

/** The people a rule may pick: its users, or its team's active holders of its role; never the inactive, the absent or the excluded. */
async function candidatesOf(s: PluginServices, rule: RoutingRule, skip: ReadonlySet<string>): Promise<Candidate[]> {
  let ids: string[];
  if (rule.users.length > 0) ids = rule.users;
  else if (rule.team) ids = (await s.directory.users({ under: rule.team, role: rule.role ?? 'rep' })).map((u) => u.id);
  else if (rule.strategy === 'territory') ids = [...new Set(Object.values(rule.territories))];
  else if (rule.strategy === 'weighted') ids = Object.keys(rule.weights);
  else ids = (await s.directory.users({ role: rule.role ?? 'rep' })).map((u) => u.id);
  const out: Candidate[] = [];
  for (const id of [...new Set(ids)].sort()) {
    if (skip.has(id)) continue;
    const u = await s.directory.user(id);
    if (u?.active) out.push({ id: u.id, name: u.name });
  }
  return out;
}

/** Open items (leads waiting or accepted, pending handoffs) per person. */
async function openItems(s: PluginServices, users: Candidate[]): Promise<Record<string, number>> {
  const open: Record<string, number> = {};
  for (const u of users) {
    let n = 0;
    for (const stage of ['marketing_qualified', 'sales_accepted']) n += (await s.records.list(LEAD, { filter: { to_user: u.id, stage }, limit: 1000 })).items.length;
    n += (await s.records.list(HANDOFF, { filter: { to_user: u.id, status: 'pending' }, limit: 1000 })).items.length;
    open[u.id] = n;
  }
  return open;
}

async function accountOwner(s: PluginServices, item: Record<string, unknown>): Promise<{ user: string; account: string } | null> {
  let account: PluginRecord | null = null;
  if (typeof item.account_id === 'string') account = await s.records.get('crm.account', item.account_id);
  if (!account && typeof item.company_name === 'string' && item.company_name !== '') account = (await s.records.list('crm.account', { filter: { name: item.company_name }, limit: 1 })).items[0] ?? null;
  return account?.owner ? { user: account.owner, account: String(account.data.name ?? account.id) } : null;
}

/**
 * Routes one item: the first active rule (by position) whose condition holds and whose strategy
 * finds someone assigns it. The rule's state (assignments per person, recent assignments by
 * key) is a record updated by compare-and-set on its version, retried on a stale version, so
 * routers in any number of runtimes share it; `key` identifies this routing decision, and a
 * repeated delivery with the same key gets the same person without counting twice.
 *
 * @example
 * ```ts
 * await route(services, { appliesTo: 'lead', item: lead.data, key: `lead:${lead.id}:0` }); // { user, rule, reason, ... } or null
 * ```
 */
export async function route(s: PluginServices, o: { appliesTo: string; item: Record<string, unknown>; key: string; skip?: readonly string[] }): Promise<Assignment | null> {
  const skip = new Set([...(o.skip ?? []), ...(await absentNow(s))]);
  for (const rule of await rulesFor(s, o.appliesTo)) {
    if (!holds(rule, o.item)) continue;
    const candidates = await candidatesOf(s, rule, skip);
    if (candidates.length === 0 && rule.strategy !== 'account_owner') continue;
    const open = rule.strategy === 'capacity' ? await openItems(s, candidates) : undefined;
    let owner: { user: string; account: string } | null = null;
    if (rule.strategy === 'account_owner') {
      owner = await accountOwner(s, o.item);
      if (!owner || skip.has(owner.user)) continue;
      const u = await s.directory.user(owner.user);
      if (!u?.active) continue;
      candidates.push({ id: u.id, name: u.name });
    }
    const choice = await assign(s, rule.id, o.key, (counts) => pick(rule, { candidates, counts, item: o.item, ...(open ? { open } : {}), accountOwner: owner }), candidates);
    if (choice) return { ...choice, ruleId: rule.id, rule: rule.name, strategy: rule.strategy };
  }
  return null;
}

/** Compare-and-set on the rule's state record: count the choice and remember it by key. */
async function assign(s: PluginServices, ruleId: string, key: string, choose: (counts: Record<string, number>) => Choice | null, candidates: Candidate[]): Promise<Choice | null> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const state = await stateOf(s, ruleId);
    const counts = (state.data.counts as Record<string, number> | undefined) ?? {};
    const recent = (state.data.recent as { key: string; user: string }[] | undefined) ?? [];
    const earlier = recent.find((r) => r.key === key);
    if (earlier) {
      const who = candidates.find((c) => c.id === earlier.user)?.name ?? earlier.user;
      return { user: earlier.user, reason: `${who} (decided earlier for this item by the same rule).`, reasonZh: `${who}（此前已按同一规则为该事项选定）。` };
    }
    const choice = choose(counts);
    if (!choice) return null;
    try {
      await s.records.update(STATE, state.id, { data: { counts: { [choice.user]: (counts[choice.user] ?? 0) + 1 }, recent: [...recent, { key, user: choice.user }].slice(-RECENT) } }, { expectedVersion: state.version });
      return choice;
    } catch (err) {
      if (statusOf(err) !== 412 && statusOf(err) !== 409 && statusOf(err) !== 503) throw err;
    }
  }
  throw new Error(`routing state of rule ${ruleId} kept changing; giving up after ${ATTEMPTS} attempts (the job is retried)`);
}

async function stateOf(s: PluginServices, ruleId: string): Promise<PluginRecord> {
  const found = (await s.records.list(STATE, { filter: { rule_id: ruleId }, limit: 1 })).items[0];
  if (found) return found;
  // Rules get their state when created (the rule hook); one without (imported) gets it here.
  if (!s.records.create) throw new Error(`routing rule ${ruleId} has no state record`);
  try {
    return await s.records.create(STATE, { data: { rule_id: ruleId, counts: {}, recent: [] }, owner: null, orgUnit: null });
  } catch (err) {
    // Another router created it first (unique rule_id).
    if (statusOf(err) !== 409) throw err;
    const again = (await s.records.list(STATE, { filter: { rule_id: ruleId }, limit: 1 })).items[0];
    if (!again) throw err;
    return again;
  }
}
