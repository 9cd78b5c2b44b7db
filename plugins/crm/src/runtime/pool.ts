import { createHash } from 'node:crypto';
import { PipewrightError, compileRule, type HookProblem, type PluginRecord, type PluginServices, type PluginUser, type RecordChange } from '@pipewright/plugin-sdk';
import parser from 'cron-parser';
import defaultRules from '../../rules/pool-recycle.rules.json' with { type: 'json' };

/**
 * The shared account pool (公海池): pools as `crm.pool` records, an account's owner history as
 * `crm.ownership` records, claiming and returning, and the rules that guard them. The recycle
 * job is in pool-recycle.ts, the routes in pool-routes.ts. Design: ADR 027, docs/pool.md.
 */

export const POOL = 'crm.pool';
export const OWNERSHIP = 'crm.ownership';
export const ACCOUNT = 'crm.account';
const DAY = 86_400_000;

export type Measure = 'days_since_follow_up' | 'days_since_deal' | 'days_since_lost';
export interface RecycleRule {
  id: string;
  label?: { en: string; 'zh-CN'?: string };
  measure: Measure;
  limit: unknown;
}

/** A pool with its defaults applied. */
export interface Pool {
  id: string;
  version: number;
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
  rules: RecycleRule[];
  /** The rules are the plugin's defaults (the pool has none of its own). */
  defaultRules: boolean;
  /** When the recycle rules run: cron (UTC); null: the default, hourly at minute 15. */
  schedule: string | null;
}

export const DEFAULT_RULES = (defaultRules as { rules: RecycleRule[] }).rules;

export function poolOf(r: PluginRecord): Pool {
  const d = r.data;
  const own = Array.isArray(d.recycle_rules) && d.recycle_rules.length > 0 ? (d.recycle_rules as RecycleRule[]) : null;
  return {
    id: r.id,
    version: r.version,
    name: String(d.name),
    nameZh: typeof d.name_zh === 'string' && d.name_zh ? d.name_zh : null,
    isDefault: d.is_default === true,
    regionUnit: typeof d.region_unit === 'string' && d.region_unit ? d.region_unit : null,
    memberUnits: Array.isArray(d.member_units) ? (d.member_units as string[]) : [],
    memberUsers: Array.isArray(d.member_users) ? (d.member_users as string[]) : [],
    maxHeld: typeof d.max_held === 'number' ? d.max_held : 50,
    maxClaimsPerDay: typeof d.max_claims_per_day === 'number' ? d.max_claims_per_day : 5,
    cooldownDays: typeof d.reclaim_cooldown_days === 'number' ? d.reclaim_cooldown_days : 30,
    recycleEnabled: d.recycle_enabled !== false,
    warnDays: typeof d.warn_days === 'number' ? d.warn_days : 3,
    rules: own ?? DEFAULT_RULES,
    defaultRules: own === null,
    schedule: typeof d.recycle_schedule === 'string' && d.recycle_schedule ? d.recycle_schedule : null,
  };
}

/** Every record of a type, through pages (plugin code reads as its actor). */
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

/** The pools and the org tree, read once per request or job run. */
export interface PoolWorld {
  pools: Pool[];
  /** Unit id to its path from the root (itself last). */
  paths: Map<string, string[]>;
}

export async function poolWorld(sys: PluginServices): Promise<PoolWorld> {
  const [pools, units] = await Promise.all([listAll(sys, POOL), sys.directory.orgUnits()]);
  return { pools: pools.map(poolOf).sort((a, b) => a.name.localeCompare(b.name)), paths: new Map(units.map((u) => [u.id, u.path])) };
}

/**
 * The pool an account belongs to: its `pool_id`; else the pool whose region covers the
 * account's org unit (the nearest region wins); else the default pool; else none.
 */
export function poolFor(world: PoolWorld, account: PluginRecord): Pool | null {
  const id = account.data.pool_id;
  if (typeof id === 'string') {
    const p = world.pools.find((x) => x.id === id);
    if (p) return p;
  }
  const path = account.orgUnit ? (world.paths.get(account.orgUnit) ?? []) : [];
  let best: Pool | null = null;
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

/** A user may claim from a pool: named, or in the subtree of its region or of a member unit. */
export function isMember(world: PoolWorld, pool: Pool, user: PluginUser): boolean {
  if (!user.active) return false;
  if (pool.memberUsers.includes(user.id)) return true;
  const path = user.orgUnitId ? (world.paths.get(user.orgUnitId) ?? []) : [];
  return [pool.regionUnit, ...pool.memberUnits].some((u) => u !== null && path.includes(u));
}

/** The pool's name in a language (the Chinese name when there is one). */
export function poolName(pool: Pool, lang: 'en' | 'zh-CN'): string {
  return lang === 'zh-CN' && pool.nameZh ? pool.nameZh : pool.name;
}

/** A problem of the pool, in English and Chinese, naming the rule (`rule` member and the pointer). */
export function poolProblem(status: number, code: string, rule: string, en: string, zh: string, extensions: Record<string, unknown> = {}): PipewrightError {
  return new PipewrightError({
    code,
    status,
    kind: 'user',
    message: en,
    localizedMessage: { en, 'zh-CN': zh },
    details: [{ pointer: `/${rule}`, message: en, code }],
    extensions: { rule, ...extensions },
  });
}

const isSystem = (s: PluginServices) => s.caller.id.startsWith('system:');
const isAdmin = (s: PluginServices) => isSystem(s) || s.caller.roles.includes('admin');

/** The UTC day of a time, `YYYY-MM-DD`. */
export const dayOf = (t: Date) => t.toISOString().slice(0, 10);

/** A stable uuid for a string (sha-256, version 4 layout). */
export function uuidFor(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// ---------------------------------------------------------------- owner history

/**
 * Owner changes the pool code makes itself (claim, return, recycle), keyed by account id and the
 * version it writes over: the account hook leaves those to the pool code, which writes the
 * history with the reason in the same transaction.
 */
const ownChanges = new Set<string>();

/** Runs an account write of the pool code, telling the history hook that the pool code records it. */
export async function poolWrite<T>(accountId: string, version: number, write: () => Promise<T>): Promise<T> {
  const key = `${accountId}:${version}`;
  ownChanges.add(key);
  try {
    return await write();
  } finally {
    ownChanges.delete(key);
  }
}

// By start, then end (a stint closed at the moment the next began comes first), then writing order.
const end = (r: PluginRecord) => (typeof r.data.to === 'string' ? r.data.to : '\uffff');
const byTime = (a: PluginRecord, b: PluginRecord) => String(a.data.from).localeCompare(String(b.data.from)) || end(a).localeCompare(end(b)) || a.createdAt.localeCompare(b.createdAt);

/** The account's owner history, oldest first. */
export async function historyOf(sys: PluginServices, accountId: string): Promise<PluginRecord[]> {
  return (await listAll(sys, OWNERSHIP, { account_id: accountId }, 'createdAt')).sort(byTime);
}

/** The owner history of up to 500 accounts in one read (`filter[account_id][in]`), oldest first. */
export async function historiesOf(sys: PluginServices, accountIds: string[]): Promise<PluginRecord[]> {
  return (await listAll(sys, OWNERSHIP, { 'account_id][in': accountIds.join(',') }, 'createdAt')).sort(byTime);
}

/**
 * Closes the account's open stint (owned by `owner`) at `at`; when there is none (the account
 * was owned before the pool kept history) writes the stint closed, from the account's creation.
 */
export async function closeStint(sys: PluginServices, account: PluginRecord, owner: string, at: Date, end: { ended_by: 'return' | 'recycle' | 'reassign'; reason?: string; rule?: string; by: string; pool?: string | null }): Promise<void> {
  const open = (await historyOf(sys, account.id)).filter((h) => h.data.holder === owner && h.data.to === undefined);
  const closing = { to: at.toISOString(), ended_by: end.ended_by, by: end.by, ...(end.reason ? { reason: end.reason.slice(0, 500) } : {}), ...(end.rule ? { rule: end.rule } : {}) };
  if (open.length === 0) {
    await sys.records.create(OWNERSHIP, { data: { account_id: account.id, holder: owner, from: account.createdAt, started_by: 'assign', ...closing, ...(end.pool ? { pool_id: end.pool } : {}) } });
    return;
  }
  for (const h of open) await sys.records.update(OWNERSHIP, h.id, { data: closing });
}

/** Opens a stint of `owner` on the account from `at`. */
export async function openStint(sys: PluginServices, accountId: string, owner: string, at: Date, start: { started_by: 'claim' | 'assign'; by: string; pool?: string | null; id?: string; claimDay?: string }): Promise<PluginRecord> {
  return sys.records.create(OWNERSHIP, {
    ...(start.id ? { id: start.id } : {}),
    data: { account_id: accountId, holder: owner, from: at.toISOString(), started_by: start.started_by, by: start.by, ...(start.pool ? { pool_id: start.pool } : {}), ...(start.claimDay ? { claim_day: start.claimDay } : {}) },
  });
}

/**
 * afterChange of accounts: an owner change the pool code did not make (a manager reassigning,
 * a book transfer) is recorded by the job `ownership_change`, as the plugin (reps may not write
 * the history), and committed with the change.
 */
export async function ownershipAfterChange(change: RecordChange & { after: PluginRecord }, s: PluginServices): Promise<void> {
  if (change.operation !== 'update' || !change.before || change.before.owner === change.after.owner) return;
  if (ownChanges.has(`${change.after.id}:${change.before.version}`)) return;
  await s.jobs.enqueue('ownership_change', { account: change.after.id, from: change.before.owner, to: change.after.owner, at: s.clock.now().toISOString(), by: s.caller.id });
}

/** The job `ownership_change`: closes the previous owner's stint and opens the new owner's. */
export async function recordOwnershipChange(sys: PluginServices, data: Record<string, unknown>): Promise<void> {
  const account = await sys.records.get(ACCOUNT, String(data.account));
  if (!account) return;
  const at = new Date(String(data.at));
  const by = String(data.by);
  const history = await historyOf(sys, account.id);
  // At least once: a repeated job finds its stint already written.
  if (typeof data.to === 'string' && history.some((h) => h.data.holder === data.to && h.data.from === at.toISOString())) return;
  if (typeof data.from === 'string') await closeStint(sys, account, data.from, at, { ended_by: data.to === null ? 'return' : 'reassign', reason: data.to === null ? 'moved to the pool' : 'reassigned', by });
  if (typeof data.to === 'string') await openStint(sys, account.id, data.to, at, { started_by: 'assign', by });
  await markPooled(sys, await poolWorld(sys), account);
}

/**
 * Keeps `in_pool` (what makes a pooled account readable by everyone) true exactly while the
 * account has no owner and a pool: after owner changes made outside the pool code, and for
 * accounts that were unowned before pools existed (imports, the demo), in the recycle job.
 */
export async function markPooled(sys: PluginServices, world: PoolWorld, account: PluginRecord): Promise<boolean> {
  const fresh = await sys.records.get(ACCOUNT, account.id);
  if (!fresh) return false;
  const pool = poolFor(world, fresh);
  const pooled = fresh.owner === null && pool !== null;
  if ((fresh.data.in_pool === true) === pooled) return false;
  try {
    await poolWrite(fresh.id, fresh.version, () => sys.records.update(ACCOUNT, fresh.id, { data: { in_pool: pooled, ...(pooled && pool && typeof fresh.data.pool_id !== 'string' ? { pool_id: pool.id } : {}) } }, { expectedVersion: fresh.version }));
  } catch (err) {
    if (statusOf(err) === 412) return false; // changed meanwhile: the next run decides
    throw err;
  }
  return true;
}

// ---------------------------------------------------------------- pool and history writes

/** Whether a five-field cron expression parses (UTC). */
export function validCron(cron: string): boolean {
  if (!/^\S+( \S+){4}$/.test(cron.trim())) return false;
  try {
    parser.parseExpression(cron, { tz: 'UTC' });
    return true;
  } catch {
    return false;
  }
}

/** validate of `crm.pool`: admins only; one default pool; recycle rule limits that compile. */
export async function poolValidate(change: RecordChange, s: PluginServices): Promise<HookProblem[]> {
  if (!isAdmin(s)) throw poolProblem(403, 'crm.pool-admin-only', 'pool', 'Only an admin may change an account pool.', '只有管理员可以修改公海池。');
  if (change.operation === 'delete') return [];
  const d = change.data;
  const problems: HookProblem[] = [];
  (Array.isArray(d.recycle_rules) ? d.recycle_rules : []).forEach((r, i) => {
    const limit = (r as RecycleRule).limit;
    try {
      const value = compileRule(limit)({ grade: 'A', status: 'active' });
      if (value !== null && typeof value !== 'number') problems.push({ pointer: `/data/recycle_rules/${i}/limit`, message: 'must give a number of days (or null)', code: 'crm.pool-rule' });
    } catch (err) {
      problems.push({ pointer: `/data/recycle_rules/${i}/limit`, message: `is not a valid json-logic rule: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300), code: 'crm.pool-rule' });
    }
  });
  if (typeof d.recycle_schedule === 'string' && !validCron(d.recycle_schedule)) problems.push({ pointer: '/data/recycle_schedule', message: `"${d.recycle_schedule}" is not a five-field cron expression (minute hour day month weekday, UTC)`, code: 'crm.pool-schedule' });
  const ids = (Array.isArray(d.recycle_rules) ? d.recycle_rules : []).map((r) => (r as RecycleRule).id);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) problems.push({ pointer: `/data/recycle_rules/${i}/id`, message: `repeats rule "${id}"`, code: 'crm.pool-rule' });
  });
  if (d.is_default === true) {
    const others = (await s.records.list(POOL, { filter: { is_default: true }, limit: 5 })).items.filter((p) => p.id !== change.before?.id);
    if (others.length > 0) problems.push({ pointer: '/data/is_default', message: `"${String(others[0]?.data.name)}" is already the default pool`, code: 'crm.pool-default' });
  }
  const units = new Set((await s.directory.orgUnits()).map((u) => u.id));
  for (const [field, list] of [['region_unit', typeof d.region_unit === 'string' ? [d.region_unit] : []], ['member_units', Array.isArray(d.member_units) ? d.member_units : []]] as const) {
    list.forEach((u, i) => {
      if (!units.has(String(u))) problems.push({ pointer: field === 'region_unit' ? '/data/region_unit' : `/data/member_units/${i}`, message: `no org unit "${String(u)}"`, code: 'unknown-reference' });
    });
  }
  const members = (Array.isArray(d.member_users) ? d.member_users : []).map(String);
  const known = new Set(members.length > 0 ? (await s.directory.users({ ids: members, includeInactive: true })).map((u) => u.id) : []);
  members.forEach((u, i) => {
    if (!known.has(u)) problems.push({ pointer: `/data/member_users/${i}`, message: `no user "${u}"`, code: 'unknown-reference' });
  });
  return problems;
}

/** validate of accounts: `in_pool` (which widens who may read the account) is set by the plugin or an admin only. */
export function accountPoolValidate(change: RecordChange, s: PluginServices): HookProblem[] {
  if (change.operation === 'delete' || isAdmin(s)) return [];
  const before = change.before?.data.in_pool;
  return change.data.in_pool !== before ? [{ pointer: '/data/in_pool', message: 'is set by the account pool, not by hand', code: 'crm.pool-in-pool' }] : [];
}

/** validate of `crm.pool_run`: the runs are written by the plugins only. */
export function poolRunValidate(_change: RecordChange, s: PluginServices): HookProblem[] {
  if (!isSystem(s)) throw poolProblem(403, 'crm.pool-run-read-only', 'pool_run', 'Recycle runs are written by the CRM only.', '回收运行记录只能由系统写入。');
  return [];
}

/** validate of `crm.ownership`: the history is written by the plugin only. */
export function ownershipValidate(change: RecordChange, s: PluginServices): HookProblem[] {
  if (!isSystem(s)) throw poolProblem(403, 'crm.ownership-read-only', 'ownership', 'The owner history is written by the CRM only.', '客户归属历史只能由系统记录。');
  if (change.operation === 'delete') return [];
  // A stint is of an account or of a lead (the handoff plugin's leads sit in the same pools).
  const of = [change.data.account_id, change.data.lead_id].filter((v) => typeof v === 'string').length;
  return of === 1 ? [] : [{ pointer: '/data/account_id', message: 'a stint names exactly one of account_id and lead_id', code: 'crm.ownership-subject' }];
}

// ---------------------------------------------------------------- claim and return

/** How many accounts of the pool the user holds, and how many of its accounts the user claimed today (UTC). */
export async function standing(sys: PluginServices, world: PoolWorld, pool: Pool, userId: string, now: Date): Promise<{ held: number; claimsToday: number }> {
  const [mine, today] = await Promise.all([listAll(sys, ACCOUNT, { owner: userId }), listAll(sys, OWNERSHIP, { holder: userId, claim_day: dayOf(now), pool_id: pool.id })]);
  return { held: mine.filter((a) => poolFor(world, a)?.id === pool.id).length, claimsToday: today.filter((h) => h.data.started_by === 'claim').length };
}

const statusOf = (err: unknown) => (typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : null);

/**
 * Claims an unowned account for the caller: a member of its pool, under the pool's claim rules
 * (K held, J a day, the cooldown of a previous owner). Exactly one of two concurrent claims wins:
 * the account is written at the version read (the row lock makes the other 412, answered 409),
 * and the day's n-th claim of a rep has one id, so a rep's concurrent claims cannot both count
 * as the same n-th and pass the limits together.
 */
export async function claim(ctx: PluginServices & { system: PluginServices }, accountId: string): Promise<{ account: PluginRecord; pool: Pool; held: number; claimsToday: number }> {
  const sys = ctx.system;
  const me = ctx.caller.userId ? await ctx.directory.user(ctx.caller.userId) : null;
  if (!me) throw poolProblem(403, 'crm.pool-not-member', 'members', 'Only a signed-in user may claim an account.', '只有登录用户可以领取客户。');
  const account = await sys.records.get(ACCOUNT, accountId);
  if (!account) throw new PipewrightError({ code: 'not-found', status: 404, kind: 'user', message: `There is no account "${accountId}".`, details: [{ pointer: '/account', message: 'no such account' }] });
  const name = String(account.data.name);
  if (account.owner !== null) {
    throw account.owner === me.id
      ? poolProblem(409, 'crm.pool-already-yours', 'owner', `You already hold "${name}".`, `“${name}”已经在您名下。`)
      : poolProblem(409, 'crm.pool-taken', 'owner', `"${name}" is not in the pool: someone holds it.`, `“${name}”不在公海中，已被他人领取。`);
  }
  const world = await poolWorld(sys);
  const pool = poolFor(world, account);
  if (!pool) throw poolProblem(409, 'crm.pool-none', 'pool', `"${name}" is in no pool.`, `“${name}”不属于任何公海池。`);
  const pn = { en: poolName(pool, 'en'), zh: poolName(pool, 'zh-CN') };
  if (!isMember(world, pool, me)) throw poolProblem(403, 'crm.pool-not-member', 'members', `You are not a member of the pool "${pn.en}".`, `您不是公海池“${pn.zh}”的成员。`, { pool: pool.id });
  const now = ctx.clock.now();
  const history = await historyOf(sys, account.id);
  const lastMine = history.filter((h) => h.data.holder === me.id && typeof h.data.to === 'string' && (h.data.ended_by === 'return' || h.data.ended_by === 'recycle')).map((h) => String(h.data.to)).sort().at(-1);
  if (lastMine && pool.cooldownDays > 0) {
    const until = new Date(Date.parse(lastMine) + pool.cooldownDays * DAY);
    if (until > now) {
      const day = dayOf(until);
      throw poolProblem(422, 'crm.pool-cooldown', 'reclaim_cooldown_days', `You held "${name}" until ${dayOf(new Date(lastMine))}; the pool's cooldown of ${pool.cooldownDays} days lets you claim it again from ${day}.`, `您曾持有“${name}”至 ${dayOf(new Date(lastMine))}；按公海池 ${pool.cooldownDays} 天的冷却期，${day} 起才能再次领取。`, { pool: pool.id, until: until.toISOString() });
    }
  }
  const { held, claimsToday } = await standing(sys, world, pool, me.id, now);
  if (held >= pool.maxHeld) throw poolProblem(422, 'crm.pool-limit-held', 'max_held', `You already hold ${held} accounts of "${pn.en}", its limit per rep (${pool.maxHeld}). Return one to claim another.`, `您已持有公海池“${pn.zh}”的 ${held} 个客户，达到每人上限（${pool.maxHeld}）。请先退回一个再领取。`, { pool: pool.id, limit: pool.maxHeld, held });
  if (claimsToday >= pool.maxClaimsPerDay) throw poolProblem(422, 'crm.pool-limit-daily', 'max_claims_per_day', `You have claimed ${claimsToday} accounts today, the pool's daily limit (${pool.maxClaimsPerDay}). Try again tomorrow.`, `您今天已领取 ${claimsToday} 个客户，达到公海池每日上限（${pool.maxClaimsPerDay}）。请明天再试。`, { pool: pool.id, limit: pool.maxClaimsPerDay, claimsToday });
  let taken: PluginRecord;
  try {
    taken = await poolWrite(account.id, account.version, () => sys.records.update(ACCOUNT, account.id, { owner: me.id, orgUnit: me.orgUnitId ?? account.orgUnit, data: { pool_id: pool.id, in_pool: false } }, { expectedVersion: account.version }));
  } catch (err) {
    if (statusOf(err) === 412) throw poolProblem(409, 'crm.pool-taken', 'owner', `Someone claimed "${name}" a moment before you.`, `“${name}”刚刚已被他人领取。`);
    throw err;
  }
  const day = dayOf(now);
  try {
    await openStint(sys, account.id, me.id, now, { started_by: 'claim', by: ctx.caller.id, pool: pool.id, claimDay: day, id: uuidFor(`crm.pool-claim:${pool.id}:${me.id}:${day}:${claimsToday + 1}`) });
  } catch (err) {
    // The day's n-th claim of this rep is being written by a concurrent request (the id exists).
    if (statusOf(err) === 409 || (err as { code?: unknown }).code === '23505') throw poolProblem(409, 'crm.pool-busy', 'max_claims_per_day', 'Another claim of yours is being recorded at this moment; try again.', '您的另一个领取正在处理中，请重试。');
    throw err;
  }
  return { account: taken, pool, held: held + 1, claimsToday: claimsToday + 1 };
}

/** Whether the caller may return a held account: its owner, a manager above its unit, an admin. */
export async function mayReturn(ctx: PluginServices, account: PluginRecord): Promise<boolean> {
  if (account.owner === null) return false;
  if (isAdmin(ctx) || account.owner === ctx.caller.userId) return true;
  if (!ctx.caller.roles.includes('manager') || !ctx.caller.orgUnitId) return false;
  const owner = await ctx.directory.user(account.owner);
  const units = await ctx.directory.orgUnits();
  const path = units.find((u) => u.id === (owner?.orgUnitId ?? account.orgUnit))?.path ?? [];
  return path.includes(ctx.caller.orgUnitId);
}

/** Returns a held account to its pool (one click on the account page), with a reason when one is given. */
export async function giveBack(ctx: PluginServices & { system: PluginServices }, accountId: string, reason: string | null): Promise<{ account: PluginRecord; pool: Pool }> {
  const sys = ctx.system;
  const account = await sys.records.get(ACCOUNT, accountId);
  if (!account) throw new PipewrightError({ code: 'not-found', status: 404, kind: 'user', message: `There is no account "${accountId}".`, details: [{ pointer: '/account', message: 'no such account' }] });
  const name = String(account.data.name);
  if (account.owner === null) throw poolProblem(409, 'crm.pool-not-held', 'owner', `"${name}" is already in the pool.`, `“${name}”已在公海中。`);
  if (!(await mayReturn(ctx, account))) throw poolProblem(403, 'crm.pool-not-yours', 'owner', `Only the owner of "${name}", a manager above them or an admin may return it to the pool.`, `只有“${name}”的负责人、其上级经理或管理员可以将其退回公海。`);
  const world = await poolWorld(sys);
  const pool = poolFor(world, account);
  if (!pool) throw poolProblem(409, 'crm.pool-none', 'pool', `"${name}" belongs to no pool to return to.`, `“${name}”没有可退回的公海池。`);
  const now = ctx.clock.now();
  let back: PluginRecord;
  try {
    back = await poolWrite(account.id, account.version, () => sys.records.update(ACCOUNT, account.id, { owner: null, data: { pool_id: pool.id, in_pool: true } }, { expectedVersion: account.version }));
  } catch (err) {
    if (statusOf(err) === 412) throw poolProblem(409, 'crm.pool-changed', 'owner', `"${name}" changed a moment ago; reload and try again.`, `“${name}”刚刚被修改，请刷新后重试。`);
    throw err;
  }
  await closeStint(sys, account, account.owner, now, { ended_by: 'return', ...(reason ? { reason } : {}), by: ctx.caller.id, pool: pool.id });
  return { account: back, pool };
}
