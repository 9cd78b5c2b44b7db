import { createHash } from 'node:crypto';
import parser from 'cron-parser';
import { PipewrightError, compileRule, type CompiledRule, type HookProblem, type PluginRecord, type PluginServices, type PluginUser, type RecordChange } from '@pipewright/plugin-sdk';
import { LEAD } from './routing';

/**
 * Leads in the shared pool (公海池). The pools are the crm plugin's `crm.pool` records (this
 * plugin depends on crm; crm does not know leads): the same members, claim rules (K held, J
 * claims a day, shared with the pool's accounts, and the cooldown) and recycle rules. A lead is
 * pooled while it has no owner and is still open (not converted or disqualified). Its owner
 * history is `crm.ownership` records with `lead_id`. Design: ADR 027 addendum 1, docs/pool.md.
 */

export const POOL = 'crm.pool';
export const OWNERSHIP = 'crm.ownership';
const DAY = 86_400_000;
const CLOSED = new Set(['converted', 'disqualified']);

export interface LeadPool {
  id: string;
  name: string;
  nameZh: string | null;
  isDefault: boolean;
  regionUnit: string | null;
  memberUnits: string[];
  memberUsers: string[];
  maxHeld: number;
  maxClaimsPerDay: number;
  cooldownDays: number;
  recycleEnabled: boolean;
  warnDays: number;
  /** The pool's rules on days without follow-up (the only measure a lead has); none: 30 days. */
  followUpLimits: { id: string; label: { en: string; zh: string }; limit: unknown }[];
  schedule: string | null;
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);

/** A `crm.pool` record read for leads, with the pool's defaults applied. */
export function leadPoolOf(r: PluginRecord): LeadPool {
  const d = r.data;
  const rules = Array.isArray(d.recycle_rules) && d.recycle_rules.length > 0 ? (d.recycle_rules as { id: string; label?: { en: string; 'zh-CN'?: string }; measure: string; limit: unknown }[]) : null;
  const followUp = (rules ?? [{ id: 'no_follow_up', label: { en: 'No follow-up', 'zh-CN': '未跟进' }, measure: 'days_since_follow_up', limit: 30 }]).filter((x) => x.measure === 'days_since_follow_up');
  return {
    id: r.id,
    name: String(d.name),
    nameZh: str(d.name_zh),
    isDefault: d.is_default === true,
    regionUnit: str(d.region_unit),
    memberUnits: Array.isArray(d.member_units) ? (d.member_units as string[]) : [],
    memberUsers: Array.isArray(d.member_users) ? (d.member_users as string[]) : [],
    maxHeld: num(d.max_held, 50),
    maxClaimsPerDay: num(d.max_claims_per_day, 5),
    cooldownDays: num(d.reclaim_cooldown_days, 30),
    recycleEnabled: d.recycle_enabled !== false,
    warnDays: num(d.warn_days, 3),
    followUpLimits: followUp.map((x) => ({ id: x.id, label: { en: x.label?.en ?? x.id, zh: x.label?.['zh-CN'] ?? x.label?.en ?? x.id }, limit: x.limit })),
    schedule: str(d.recycle_schedule),
  };
}

/** Every record of a type, through pages. */
export async function listAll(s: PluginServices, type: string, filter: Record<string, string | number | boolean> = {}, sort = 'createdAt'): Promise<PluginRecord[]> {
  const out: PluginRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await s.records.list(type, { filter, limit: 200, sort, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

export interface LeadPoolWorld {
  pools: LeadPool[];
  paths: Map<string, string[]>;
}

export async function leadPoolWorld(sys: PluginServices): Promise<LeadPoolWorld> {
  const [pools, units] = await Promise.all([listAll(sys, POOL), sys.directory.orgUnits()]);
  return { pools: pools.map(leadPoolOf).sort((a, b) => a.name.localeCompare(b.name)), paths: new Map(units.map((u) => [u.id, u.path])) };
}

/** A lead's pool: its `pool_id`; else the pool whose region covers its org unit (nearest wins); else the default pool. */
export function leadPoolFor(world: LeadPoolWorld, lead: PluginRecord): LeadPool | null {
  const id = lead.data.pool_id;
  if (typeof id === 'string') {
    const p = world.pools.find((x) => x.id === id);
    if (p) return p;
  }
  const path = lead.orgUnit ? (world.paths.get(lead.orgUnit) ?? []) : [];
  let best: LeadPool | null = null;
  let depth = -1;
  for (const p of world.pools) {
    const i = p.regionUnit ? path.indexOf(p.regionUnit) : -1;
    if (i > depth) {
      best = p;
      depth = i;
    }
  }
  return best ?? world.pools.find((p) => p.isDefault) ?? null;
}

export function isPoolMember(world: LeadPoolWorld, pool: LeadPool, user: PluginUser): boolean {
  if (!user.active) return false;
  if (pool.memberUsers.includes(user.id)) return true;
  const path = user.orgUnitId ? (world.paths.get(user.orgUnitId) ?? []) : [];
  return [pool.regionUnit, ...pool.memberUnits].some((u) => u !== null && path.includes(u));
}

export const leadPoolName = (pool: LeadPool, lang: 'en' | 'zh-CN') => (lang === 'zh-CN' && pool.nameZh ? pool.nameZh : pool.name);
export const isOpenLead = (lead: PluginRecord) => !CLOSED.has(String(lead.stage));
export const dayOf = (t: Date) => t.toISOString().slice(0, 10);
const isSystem = (s: PluginServices) => s.caller.id.startsWith('system:');
const isAdmin = (s: PluginServices) => isSystem(s) || s.caller.roles.includes('admin');

/** The same stable id scheme as the account pool's claims, so a rep's n-th claim of a day in a pool is one row whatever it claims. */
export function claimId(pool: string, user: string, day: string, n: number): string {
  return uuidFor(`crm.pool-claim:${pool}:${user}:${day}:${n}`);
}

/** A stable uuid for a string (sha-256, version 4 layout), as the crm plugin derives its ids. */
export function uuidFor(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A problem of the lead pool in English and Chinese, naming the rule. */
export function leadPoolProblem(status: number, code: string, rule: string, en: string, zh: string, extensions: Record<string, unknown> = {}): PipewrightError {
  return new PipewrightError({ code, status, kind: 'user', message: en, localizedMessage: { en, 'zh-CN': zh }, details: [{ pointer: `/${rule}`, message: en, code }], extensions: { rule, ...extensions } });
}

export const statusOf = (err: unknown) => (typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : null);

// ---------------------------------------------------------------- owner history

const ownChanges = new Set<string>();

/** Runs a lead write of the pool code, telling the history hook that the pool code records it. */
export async function leadPoolWrite<T>(leadId: string, version: number, write: () => Promise<T>): Promise<T> {
  const key = `${leadId}:${version}`;
  ownChanges.add(key);
  try {
    return await write();
  } finally {
    ownChanges.delete(key);
  }
}

const end = (r: PluginRecord) => (typeof r.data.to === 'string' ? r.data.to : '\uffff');
const byTime = (a: PluginRecord, b: PluginRecord) => String(a.data.from).localeCompare(String(b.data.from)) || end(a).localeCompare(end(b)) || a.createdAt.localeCompare(b.createdAt);

export async function leadHistory(sys: PluginServices, leadId: string): Promise<PluginRecord[]> {
  return (await listAll(sys, OWNERSHIP, { lead_id: leadId })).sort(byTime);
}

export async function leadHistories(sys: PluginServices, leadIds: string[]): Promise<PluginRecord[]> {
  return (await listAll(sys, OWNERSHIP, { 'lead_id][in': leadIds.join(',') })).sort(byTime);
}

export async function closeLeadStint(sys: PluginServices, lead: PluginRecord, owner: string, at: Date, e: { ended_by: 'return' | 'recycle' | 'reassign'; reason?: string; rule?: string; by: string; pool?: string | null }): Promise<void> {
  const open = (await leadHistory(sys, lead.id)).filter((h) => h.data.holder === owner && h.data.to === undefined);
  const closing = { to: at.toISOString(), ended_by: e.ended_by, by: e.by, ...(e.reason ? { reason: e.reason.slice(0, 500) } : {}), ...(e.rule ? { rule: e.rule } : {}) };
  if (open.length === 0) {
    await sys.records.create(OWNERSHIP, { data: { lead_id: lead.id, holder: owner, from: lead.createdAt, started_by: 'assign', ...closing, ...(e.pool ? { pool_id: e.pool } : {}) } });
    return;
  }
  for (const h of open) await sys.records.update(OWNERSHIP, h.id, { data: closing });
}

export async function openLeadStint(sys: PluginServices, leadId: string, owner: string, at: Date, s: { started_by: 'claim' | 'assign'; by: string; pool?: string | null; id?: string; claimDay?: string }): Promise<PluginRecord> {
  return sys.records.create(OWNERSHIP, {
    ...(s.id ? { id: s.id } : {}),
    data: { lead_id: leadId, holder: owner, from: at.toISOString(), started_by: s.started_by, by: s.by, ...(s.pool ? { pool_id: s.pool } : {}), ...(s.claimDay ? { claim_day: s.claimDay } : {}) },
  });
}

/** Keeps `in_pool` true exactly while the lead is open, has no owner and has a pool. */
export async function markLeadPooled(sys: PluginServices, world: LeadPoolWorld, lead: PluginRecord): Promise<boolean> {
  const fresh = await sys.records.get(LEAD, lead.id);
  if (!fresh) return false;
  const pool = leadPoolFor(world, fresh);
  const pooled = fresh.owner === null && isOpenLead(fresh) && pool !== null;
  if ((fresh.data.in_pool === true) === pooled) return false;
  try {
    await leadPoolWrite(fresh.id, fresh.version, () => sys.records.update(LEAD, fresh.id, { data: { in_pool: pooled, ...(pooled && pool && typeof fresh.data.pool_id !== 'string' ? { pool_id: pool.id } : {}) } }, { expectedVersion: fresh.version }));
  } catch (err) {
    if (statusOf(err) === 412) return false;
    throw err;
  }
  return true;
}

/** validate of leads: `in_pool` (which widens who may read the lead) is the pool's, not a hand edit. */
export function leadPoolValidate(change: RecordChange, s: PluginServices): HookProblem[] {
  if (change.operation === 'delete' || isAdmin(s)) return [];
  return change.data.in_pool !== change.before?.data.in_pool ? [{ pointer: '/data/in_pool', message: 'is set by the pool, not by hand', code: 'handoff.pool-in-pool' }] : [];
}

/** afterChange of leads: an owner change the pool code did not make (routing, a manager) is recorded by the job `lead_ownership_change`. */
export async function leadOwnershipAfterChange(change: RecordChange & { after: PluginRecord }, s: PluginServices): Promise<void> {
  if (change.operation !== 'update' || !change.before) return;
  const closedNow = change.before.stage !== change.after.stage && !isOpenLead(change.after) && change.after.data.in_pool === true;
  if (change.before.owner === change.after.owner && !closedNow) return;
  if (ownChanges.has(`${change.after.id}:${change.before.version}`)) return;
  await s.jobs.enqueue('lead_ownership_change', { lead: change.after.id, from: change.before.owner, to: change.after.owner, at: s.clock.now().toISOString(), by: s.caller.id });
}

/** The job `lead_ownership_change`: closes the previous owner's stint, opens the new owner's, fixes `in_pool`. */
export async function recordLeadOwnershipChange(sys: PluginServices, data: Record<string, unknown>): Promise<void> {
  const lead = await sys.records.get(LEAD, String(data.lead));
  if (!lead) return;
  const at = new Date(String(data.at));
  const by = String(data.by);
  if (data.from !== data.to) {
    const history = await leadHistory(sys, lead.id);
    if (!(typeof data.to === 'string' && history.some((h) => h.data.holder === data.to && h.data.from === at.toISOString()))) {
      if (typeof data.from === 'string') await closeLeadStint(sys, lead, data.from, at, { ended_by: data.to === null ? 'return' : 'reassign', reason: data.to === null ? 'moved to the pool' : 'reassigned', by });
      if (typeof data.to === 'string') await openLeadStint(sys, lead.id, data.to, at, { started_by: 'assign', by });
    }
  }
  await markLeadPooled(sys, await leadPoolWorld(sys), lead);
}

// ---------------------------------------------------------------- recycle

const compiled = new Map<string, CompiledRule>();
function limitOf(limit: unknown, vars: Record<string, unknown>): number | null {
  if (typeof limit === 'number') return limit;
  const key = JSON.stringify(limit);
  let fn = compiled.get(key);
  if (!fn) {
    fn = compileRule(limit);
    compiled.set(key, fn);
  }
  const v = fn(vars);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export interface LeadVerdict {
  rule: LeadPool['followUpLimits'][number];
  limit: number;
  measured: number;
  daysLeft: number;
  due: string;
  heldSince: string;
}

/**
 * The follow-up verdict on a held lead: days since the later of the start of the owner's stint
 * and the lead's last change (an edit, a stage move: the rep working it), against the pool's
 * `days_since_follow_up` limits evaluated over the lead's fields; the soonest wins.
 */
export async function leadVerdict(sys: PluginServices, pool: LeadPool, lead: PluginRecord, now: Date): Promise<LeadVerdict | null> {
  const stint = (await leadHistory(sys, lead.id)).filter((h) => h.data.holder === lead.owner && h.data.to === undefined).at(-1);
  const heldSince = stint ? String(stint.data.from) : lead.createdAt;
  const anchor = Math.max(Date.parse(heldSince), Date.parse(lead.updatedAt));
  const measured = Math.max(0, Math.floor((now.getTime() - anchor) / DAY));
  let best: LeadVerdict | null = null;
  for (const rule of pool.followUpLimits) {
    const limit = limitOf(rule.limit, { ...lead.data, days_since_follow_up: measured });
    if (limit === null) continue;
    const v = { rule, limit, measured, daysLeft: limit - measured, due: new Date(anchor + limit * DAY).toISOString().slice(0, 10), heldSince };
    if (!best || v.daysLeft < best.daysLeft) best = v;
  }
  return best;
}

export const POOL_RUN = 'crm.pool_run';

/**
 * The pools whose own schedule (`recycle_schedule`, cron in UTC, default hourly at minute 15)
 * has a tick whose lead run has not happened: each such tick is taken by creating the
 * `crm.pool_run` record (subject `lead`) with the id derived from pool and tick, as the crm
 * plugin does for accounts, so two runtimes run it once.
 */
export async function dueLeadPools(sys: PluginServices): Promise<{ pools: Set<string>; runs: PluginRecord[] }> {
  const world = await leadPoolWorld(sys);
  const now = sys.clock.now();
  const out = { pools: new Set<string>(), runs: [] as PluginRecord[] };
  for (const p of world.pools) {
    let tick: Date;
    try {
      tick = parser.parseExpression(p.schedule ?? '15 * * * *', { currentDate: new Date(now.getTime() + 1000), tz: 'UTC' }).prev().toDate();
    } catch {
      continue;
    }
    const id = uuidFor(`crm.pool-run:lead:${p.id}:${tick.toISOString()}`);
    if (await sys.records.get(POOL_RUN, id)) continue;
    try {
      out.runs.push(await sys.records.create(POOL_RUN, { id, data: { pool_id: p.id, subject: 'lead', fired_at: tick.toISOString() } }));
      out.pools.add(p.id);
    } catch (err) {
      if (statusOf(err) === 409 || (err as { code?: unknown }).code === '23505') continue;
      throw err;
    }
  }
  return out;
}

/** The job `lead_pool_recycle` (checks every 5 minutes): the due pools' leads ({ force: true }: every pool now). */
export async function recycleDueLeads(sys: PluginServices, force = false): Promise<{ pools: number; checked: number; warned: number; recycled: number; marked: number }> {
  if (force) return { pools: -1, ...(await recycleLeads(sys)) };
  const due = await dueLeadPools(sys);
  if (due.pools.size === 0) return { pools: 0, checked: 0, warned: 0, recycled: 0, marked: 0 };
  const out = await recycleLeads(sys, due.pools);
  for (const run of due.runs) await sys.records.update(POOL_RUN, run.id, { data: { checked: out.byPool.get(String(run.data.pool_id))?.checked ?? 0, warned: out.byPool.get(String(run.data.pool_id))?.warned ?? 0, recycled: out.byPool.get(String(run.data.pool_id))?.recycled ?? 0 } });
  const { byPool: _b, ...counts } = out;
  return { pools: due.pools.size, ...counts };
}

/**
 * Recycles the held open leads of the given pools (all when `only` is absent): warns the owner
 * within `warn_days`, returns the lead at the limit (written at the version read, so two
 * runtimes return it once; notifications keyed, so each is sent once).
 */
export async function recycleLeads(sys: PluginServices, only?: Set<string>): Promise<{ checked: number; warned: number; recycled: number; marked: number; byPool: Map<string, { checked: number; warned: number; recycled: number }> }> {
  const world = await leadPoolWorld(sys);
  const out = { checked: 0, warned: 0, recycled: 0, marked: 0, byPool: new Map<string, { checked: number; warned: number; recycled: number }>() };
  const tally = (p: LeadPool, key: 'checked' | 'warned' | 'recycled', n: number) => {
    const c = out.byPool.get(p.id) ?? { checked: 0, warned: 0, recycled: 0 };
    c[key] += n;
    out.byPool.set(p.id, c);
    out[key] += n;
  };
  if (world.pools.length === 0) return out;
  for (const l of await listAll(sys, LEAD, { 'owner][exists': false })) {
    const p = leadPoolFor(world, l);
    if (p && (!only || only.has(p.id)) && (l.data.in_pool === true) !== isOpenLead(l) && (await markLeadPooled(sys, world, l))) out.marked++;
  }
  const now = sys.clock.now();
  for (const lead of await listAll(sys, LEAD, { 'owner][exists': true })) {
    const pool = leadPoolFor(world, lead);
    if (!pool || !pool.recycleEnabled || (only && !only.has(pool.id)) || lead.owner === null || !isOpenLead(lead)) continue;
    tally(pool, 'checked', 1);
    const v = await leadVerdict(sys, pool, lead, now);
    if (!v) continue;
    const name = String(lead.data.company_name);
    const pn = { en: leadPoolName(pool, 'en'), zh: leadPoolName(pool, 'zh-CN') };
    const owner = lead.owner;
    const record = { id: lead.id, type: LEAD };
    if (v.daysLeft <= 0) {
      try {
        await leadPoolWrite(lead.id, lead.version, () => sys.records.update(LEAD, lead.id, { owner: null, data: { pool_id: pool.id, in_pool: true, to_user: null, due_at: null } }, { expectedVersion: lead.version }));
      } catch (err) {
        if (statusOf(err) === 412) continue;
        throw err;
      }
      await closeLeadStint(sys, lead, owner, now, { ended_by: 'recycle', rule: v.rule.id, reason: `${v.rule.label.en}: ${v.measured} days (limit ${v.limit})`, by: sys.caller.id, pool: pool.id });
      tally(pool, 'recycled', 1);
      await sys.notifications.send({
        users: [owner],
        kind: 'pool-recycled',
        key: `handoff.pool-recycled:${lead.id}:${v.heldSince}`,
        title: { en: `Lead "${name}" returned to the pool ${pn.en}`, 'zh-CN': `线索“${name}”已退回公海“${pn.zh}”` },
        body: { en: `Rule "${v.rule.label.en}": ${v.measured} days, the limit is ${v.limit}. Another rep may claim it now.`, 'zh-CN': `规则“${v.rule.label.zh}”：已 ${v.measured} 天，上限 ${v.limit} 天。其他销售现在可以领取。` },
        record,
        data: { pool: pool.id, rule: v.rule.id },
      });
    } else if (v.daysLeft <= pool.warnDays) {
      tally(pool, 'warned', await sys.notifications.send({
        users: [owner],
        kind: 'pool-warning',
        key: `handoff.pool-warning:${lead.id}:${v.heldSince}:${v.rule.id}:${v.due}`,
        title: { en: `Lead "${name}" returns to the pool in ${v.daysLeft} days`, 'zh-CN': `线索“${name}”将在 ${v.daysLeft} 天后退回公海` },
        body: { en: `Rule "${v.rule.label.en}" of ${pn.en}: ${v.measured} of ${v.limit} days. Follow up to keep it.`, 'zh-CN': `公海“${pn.zh}”的规则“${v.rule.label.zh}”：已 ${v.measured} 天，上限 ${v.limit} 天。请及时跟进以保留该线索。` },
        record,
        data: { pool: pool.id, rule: v.rule.id, daysLeft: v.daysLeft },
      }));
    }
  }
  return out;
}
