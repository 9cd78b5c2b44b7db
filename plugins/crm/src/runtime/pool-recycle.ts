import parser from 'cron-parser';
import { compileRule, type CompiledRule, type PluginRecord, type PluginServices } from '@pipewright/plugin-sdk';
import { ACCOUNT, closeStint, historyOf, listAll, markPooled, poolFor, poolName, poolWorld, poolWrite, uuidFor, type Measure, type Pool, type RecycleRule } from './pool';

const ACTIVITY = 'crm.activity';
const DEAL = 'pipeline.deal';
const DAY = 86_400_000;

/** What the recycle rules read about a held account (the account's fields too, for the limits). */
export interface RecycleFacts {
  /** When the current owner's stint began (the claim, else the account's creation). */
  heldSince: string;
  /** Whole days since the later of the last done activity and the start of the stint. */
  days_since_follow_up: number;
  /** Whole days since the later of the last won deal and the start of the stint. */
  days_since_deal: number;
  /** Whole days since the account's last deal was lost, when nothing happened since (no activity, no newer deal); else null. */
  days_since_lost: number | null;
  /** When each measure started counting (epoch ms), so a due day is stable between runs. */
  anchors: Partial<Record<Measure, number>>;
}

const days = (from: number, now: Date) => Math.max(0, Math.floor((now.getTime() - from) / DAY));
const time = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : Number.NaN);

async function dealsOf(sys: PluginServices, accountId: string): Promise<PluginRecord[]> {
  try {
    return await listAll(sys, DEAL, { account_id: accountId });
  } catch (err) {
    if ((err as { code?: string }).code === 'not-found') return []; // no pipeline plugin
    throw err;
  }
}

/** The facts of one held account at `now`, from its owner history, activities and deals. */
export async function factsOf(sys: PluginServices, account: PluginRecord, now: Date): Promise<RecycleFacts> {
  const history = await historyOf(sys, account.id);
  const stint = history.filter((h) => h.data.holder === account.owner && h.data.to === undefined).at(-1);
  const heldSince = stint ? String(stint.data.from) : account.createdAt;
  const start = time(heldSince);
  const activities = (await listAll(sys, ACTIVITY, { account_id: account.id })).filter((a) => a.data.done === true);
  const lastActivity = Math.max(Number.NEGATIVE_INFINITY, ...activities.map((a) => time(a.data.occurred_at ?? a.createdAt)).filter((t) => !Number.isNaN(t)));
  const deals = await dealsOf(sys, account.id);
  const stays = deals.length > 0 ? await sys.history.stays(DEAL, { recordIds: deals.map((d) => d.id) }) : [];
  const closedAt = (kind: string) => stays.filter((st) => st.exitedAt === null && st.stageKind === kind).map((st) => time(st.enteredAt));
  const lastWon = Math.max(Number.NEGATIVE_INFINITY, ...closedAt('won'));
  const lastLost = Math.max(Number.NEGATIVE_INFINITY, ...closedAt('lost'));
  const openDeals = new Set(stays.filter((st) => st.exitedAt === null && st.stageKind === 'open').map((st) => st.recordId));
  const newestDeal = Math.max(Number.NEGATIVE_INFINITY, ...deals.map((d) => time(d.createdAt)));
  const quietSinceLoss = Number.isFinite(lastLost) && lastLost > lastWon && lastActivity <= lastLost && newestDeal <= lastLost && openDeals.size === 0;
  const anchors: Partial<Record<Measure, number>> = { days_since_follow_up: Math.max(start, lastActivity), days_since_deal: Math.max(start, lastWon), ...(quietSinceLoss ? { days_since_lost: Math.max(start, lastLost) } : {}) };
  return {
    heldSince,
    days_since_follow_up: days(anchors.days_since_follow_up as number, now),
    days_since_deal: days(anchors.days_since_deal as number, now),
    days_since_lost: anchors.days_since_lost === undefined ? null : days(anchors.days_since_lost, now),
    anchors,
  };
}

/** A rule's verdict on an account: days left before it returns (<= 0: now), or null when the rule does not apply. */
export interface Verdict {
  rule: RecycleRule;
  limit: number;
  measured: number;
  daysLeft: number;
  /** The day (UTC) the account returns on unless something happens. */
  due: string;
}

const compiled = new Map<string, CompiledRule>();
function limitOf(rule: RecycleRule, vars: Record<string, unknown>): number | null {
  if (typeof rule.limit === 'number') return rule.limit;
  const key = JSON.stringify(rule.limit);
  let fn = compiled.get(key);
  if (!fn) {
    fn = compileRule(rule.limit);
    compiled.set(key, fn);
  }
  const v = fn(vars);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The rule that returns the account soonest, with its days left, or null when no rule applies. */
export function verdictOf(pool: Pool, account: PluginRecord, facts: RecycleFacts): Verdict | null {
  const { anchors: _anchors, ...measures } = facts;
  const vars = { ...account.data, ...measures };
  let best: Verdict | null = null;
  for (const rule of pool.rules) {
    const measured = facts[rule.measure as Measure];
    if (measured === null || measured === undefined) continue;
    const limit = limitOf(rule, vars);
    if (limit === null) continue;
    const anchor = facts.anchors[rule.measure] ?? Date.now();
    const v = { rule, limit, measured, daysLeft: limit - measured, due: new Date(anchor + limit * DAY).toISOString().slice(0, 10) };
    if (!best || v.daysLeft < best.daysLeft) best = v;
  }
  return best;
}

const label = (rule: RecycleRule) => ({ en: rule.label?.en ?? rule.id, zh: rule.label?.['zh-CN'] ?? rule.label?.en ?? rule.id });

export const POOL_RUN = 'crm.pool_run';
/** A pool's recycle schedule when it names none: hourly at minute 15 (UTC). */
export const DEFAULT_SCHEDULE = '15 * * * *';

/** The latest tick of a five-field cron expression (UTC) at or before `now`; null when it does not parse. */
export function lastTick(cron: string, now: Date): Date | null {
  try {
    return parser.parseExpression(cron, { currentDate: new Date(now.getTime() + 1000), tz: 'UTC' }).prev().toDate();
  } catch {
    return null;
  }
}

/**
 * Takes a pool's latest schedule tick for a run (of its accounts or its leads): creates the
 * `crm.pool_run` record whose id is derived from pool, subject and tick. Two runtimes checking at
 * the same moment compute the same id; the primary key lets one of them create it, so a tick
 * runs once. Returns the record, or null when the tick already ran (or the schedule is invalid).
 */
export async function takeTick(sys: PluginServices, pool: { id: string; schedule: string | null }, subject: 'account' | 'lead', now: Date): Promise<PluginRecord | null> {
  const tick = lastTick(pool.schedule ?? DEFAULT_SCHEDULE, now);
  if (!tick) return null;
  const firedAt = tick.toISOString();
  const id = uuidFor(`crm.pool-run:${subject}:${pool.id}:${firedAt}`);
  if (await sys.records.get(POOL_RUN, id)) return null;
  try {
    return await sys.records.create(POOL_RUN, { id, data: { pool_id: pool.id, subject, fired_at: firedAt } });
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 409 || (err as { code?: unknown }).code === '23505') return null;
    throw err;
  }
}

/**
 * The job `pool_recycle` (checks every 5 minutes): each pool whose own schedule (`recycle_schedule`,
 * cron in UTC, default hourly) has a tick not yet run gets its rules run once for that tick (see
 * {@link takeTick}); `{ force: true }` (the admin route) runs every pool now. Then per pool:
 * {@link runRecycle}.
 */
export async function recycleDuePools(sys: PluginServices, force = false): Promise<{ pools: string[]; checked: number; warned: number; recycled: number; marked: number }> {
  const world = await poolWorld(sys);
  const now = sys.clock.now();
  const due: string[] = [];
  const runs: PluginRecord[] = [];
  for (const p of world.pools) {
    if (force) {
      due.push(p.id);
      continue;
    }
    const run = await takeTick(sys, p, 'account', now);
    if (run) {
      due.push(p.id);
      runs.push(run);
    }
  }
  if (due.length === 0) return { pools: [], checked: 0, warned: 0, recycled: 0, marked: 0 };
  const out = await runRecycle(sys, new Set(due));
  for (const run of runs) {
    const counts = out.byPool.get(String(run.data.pool_id)) ?? { checked: 0, warned: 0, recycled: 0 };
    await sys.records.update(POOL_RUN, run.id, { data: counts });
  }
  return { pools: due, checked: out.checked, warned: out.warned, recycled: out.recycled, marked: out.marked };
}

/**
 * The recycle rules of the given pools (all when `only` is absent): for every held account of a pool that recycles,
 * the rule that would return it soonest; within `warn_days` of it the owner is warned (once per
 * account, stint, rule and due day); at it the account returns to its pool, its stint is closed
 * with the rule and the reason, and the owner told (once per stint). Two runtimes delivering the
 * same tick: the account is written at the version read, so one of them returns it; the
 * notifications are keyed, so each is written once.
 */
export async function runRecycle(sys: PluginServices, only?: Set<string>): Promise<{ checked: number; warned: number; recycled: number; marked: number; byPool: Map<string, { checked: number; warned: number; recycled: number }> }> {
  const world = await poolWorld(sys);
  const out = { checked: 0, warned: 0, recycled: 0, marked: 0, byPool: new Map<string, { checked: number; warned: number; recycled: number }>() };
  if (world.pools.length === 0) return out;
  const mine = (p: Pool | null): p is Pool => p !== null && (!only || only.has(p.id));
  const tally = (p: Pool, key: 'checked' | 'warned' | 'recycled', n: number) => {
    const c = out.byPool.get(p.id) ?? { checked: 0, warned: 0, recycled: 0 };
    c[key] += n;
    out.byPool.set(p.id, c);
    out[key] += n;
  };
  // Unowned accounts not yet marked as pooled (imported, or unowned before the pools existed).
  for (const a of await listAll(sys, ACCOUNT, { 'owner][exists': false })) if (a.data.in_pool !== true && mine(poolFor(world, a)) && (await markPooled(sys, world, a))) out.marked++;
  if (!world.pools.some((p) => p.recycleEnabled && mine(p))) return out;
  const now = sys.clock.now();
  const held = await listAll(sys, ACCOUNT, { 'owner][exists': true });
  for (const account of held) {
    const pool = poolFor(world, account);
    if (!mine(pool) || !pool.recycleEnabled || account.owner === null) continue;
    tally(pool, 'checked', 1);
    const facts = await factsOf(sys, account, now);
    const v = verdictOf(pool, account, facts);
    if (!v) continue;
    const name = String(account.data.name);
    const l = label(v.rule);
    const pn = { en: poolName(pool, 'en'), zh: poolName(pool, 'zh-CN') };
    const record = { id: account.id, type: ACCOUNT };
    const owner = account.owner;
    if (v.daysLeft <= 0) {
      try {
        await poolWrite(account.id, account.version, () => sys.records.update(ACCOUNT, account.id, { owner: null, data: { pool_id: pool.id, in_pool: true } }, { expectedVersion: account.version }));
      } catch (err) {
        if ((err as { status?: number }).status === 412) continue; // changed meanwhile (another runtime, a claim, an edit): next run decides
        throw err;
      }
      await closeStint(sys, account, owner, now, { ended_by: 'recycle', rule: v.rule.id, reason: `${l.en}: ${v.measured} days (limit ${v.limit})`, by: sys.caller.id, pool: pool.id });
      tally(pool, 'recycled', 1);
      await sys.notifications.send({
        users: [owner],
        kind: 'pool-recycled',
        key: `crm.pool-recycled:${account.id}:${facts.heldSince}`,
        title: { en: `"${name}" returned to the pool ${pn.en}`, 'zh-CN': `“${name}”已退回公海“${pn.zh}”` },
        body: { en: `Rule "${l.en}": ${v.measured} days, the limit is ${v.limit}. Another rep may claim it now.`, 'zh-CN': `规则“${l.zh}”：已 ${v.measured} 天，上限 ${v.limit} 天。其他销售现在可以领取。` },
        record,
        data: { pool: pool.id, rule: v.rule.id },
      });
    } else if (v.daysLeft <= pool.warnDays) {
      tally(pool, 'warned', await sys.notifications.send({
        users: [owner],
        kind: 'pool-warning',
        key: `crm.pool-warning:${account.id}:${facts.heldSince}:${v.rule.id}:${v.due}`,
        title: { en: `"${name}" returns to the pool in ${v.daysLeft} days`, 'zh-CN': `“${name}”将在 ${v.daysLeft} 天后退回公海` },
        body: { en: `Rule "${l.en}" of ${pn.en}: ${v.measured} of ${v.limit} days. Follow up to keep it.`, 'zh-CN': `公海“${pn.zh}”的规则“${l.zh}”：已 ${v.measured} 天，上限 ${v.limit} 天。请及时跟进以保留该客户。` },
        record,
        data: { pool: pool.id, rule: v.rule.id, daysLeft: v.daysLeft },
      }));
    }
  }
  return out;
}
