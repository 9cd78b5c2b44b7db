import { PipewrightError, type PluginRecord, type PluginRoute, type PluginServices, type RouteContext } from '@pipewright/plugin-sdk';
import {
  OWNERSHIP,
  claimId,
  closeLeadStint,
  dayOf,
  isOpenLead,
  isPoolMember,
  leadHistories,
  leadHistory,
  leadPoolFor,
  leadPoolName,
  leadPoolProblem,
  leadPoolWorld,
  leadPoolWrite,
  leadVerdict,
  listAll,
  openLeadStint,
  statusOf,
  type LeadPool,
  type LeadPoolWorld,
} from './lead-pool';
import { LEAD } from './routing';

/**
 * The lead side of the pool (`/api/plugins/handoff/pool/...`): a pool's leads without an owner
 * with their owner history, a lead's pool standing, claim and return in one click. Same rules as
 * the account pool (crm): members, K held (leads counted on their own), J claims a day (accounts
 * and leads of the pool together), the cooldown. Exactly one of concurrent claims of a lead wins.
 */

type Ctx = RouteContext & { system: PluginServices };
const DAY = 86_400_000;
const ID = { type: 'string', format: 'uuid' };
const STINT = { type: 'object', required: ['owner', 'ownerName', 'from', 'to', 'startedBy', 'endedBy', 'reason', 'rule'], properties: { owner: { type: 'string' }, ownerName: { type: 'string' }, from: { type: 'string' }, to: { type: ['string', 'null'] }, startedBy: { type: ['string', 'null'] }, endedBy: { type: ['string', 'null'] }, reason: { type: ['string', 'null'] }, rule: { type: ['string', 'null'] } } };
const STANDING = { type: 'object', required: ['held', 'claimsToday'], properties: { held: { type: 'integer' }, claimsToday: { type: 'integer' } } };
const isBoss = (ctx: PluginServices) => ctx.caller.roles.includes('admin') || ctx.caller.roles.includes('manager') || ctx.caller.id.startsWith('system:');
const me = (ctx: PluginServices) => (ctx.caller.userId ? ctx.directory.user(ctx.caller.userId) : Promise.resolve(null));
const notFound = (what: string, pointer: string) => new PipewrightError({ code: 'not-found', status: 404, kind: 'user', message: `There is no ${what}.`, details: [{ pointer, message: `no such ${what}` }] });
const s = (v: unknown) => (typeof v === 'string' ? v : null);

async function stints(ctx: PluginServices, history: PluginRecord[]) {
  const names = new Map<string, string>();
  const holders = [...new Set(history.map((h) => String(h.data.holder)))];
  if (holders.length > 0) for (const u of await ctx.directory.users({ ids: holders, includeInactive: true })) names.set(u.id, u.name);
  return history.map((h) => ({ owner: String(h.data.holder), ownerName: names.get(String(h.data.holder)) ?? String(h.data.holder), from: String(h.data.from), to: s(h.data.to), startedBy: s(h.data.started_by), endedBy: s(h.data.ended_by), reason: s(h.data.reason), rule: s(h.data.rule) }));
}

/** The pooled leads (open, no owner) of a pool, by company. */
async function pooledLeads(sys: PluginServices, world: LeadPoolWorld, pool: LeadPool): Promise<PluginRecord[]> {
  return (await listAll(sys, LEAD, { 'owner][exists': false }, 'company_name')).filter((l) => isOpenLead(l) && leadPoolFor(world, l)?.id === pool.id);
}

/** Leads of the pool the user holds, and the claims (accounts and leads) he made in the pool today. */
async function standing(sys: PluginServices, world: LeadPoolWorld, pool: LeadPool, userId: string, now: Date) {
  const [mine, today] = await Promise.all([listAll(sys, LEAD, { owner: userId }), listAll(sys, OWNERSHIP, { holder: userId, claim_day: dayOf(now), pool_id: pool.id })]);
  return { held: mine.filter((l) => isOpenLead(l) && leadPoolFor(world, l)?.id === pool.id).length, claimsToday: today.filter((h) => h.data.started_by === 'claim').length };
}

async function mayReturn(ctx: PluginServices, lead: PluginRecord): Promise<boolean> {
  if (lead.owner === null || !isOpenLead(lead)) return false;
  if (ctx.caller.roles.includes('admin') || lead.owner === ctx.caller.userId) return true;
  if (!ctx.caller.roles.includes('manager') || !ctx.caller.orgUnitId) return false;
  const owner = await ctx.directory.user(lead.owner);
  const path = (await ctx.directory.orgUnits()).find((u) => u.id === (owner?.orgUnitId ?? lead.orgUnit))?.path ?? [];
  return path.includes(ctx.caller.orgUnitId);
}

async function claimLead(ctx: Ctx, leadId: string) {
  const sys = ctx.system;
  const user = await me(ctx);
  if (!user) throw leadPoolProblem(403, 'handoff.pool-not-member', 'members', 'Only a signed-in user may claim a lead.', '只有登录用户可以领取线索。');
  const lead = await sys.records.get(LEAD, leadId);
  if (!lead) throw notFound('lead', '/lead');
  const name = String(lead.data.company_name);
  if (lead.owner !== null || !isOpenLead(lead)) {
    throw lead.owner === user.id
      ? leadPoolProblem(409, 'handoff.pool-already-yours', 'owner', `You already hold the lead "${name}".`, `线索“${name}”已经在您名下。`)
      : leadPoolProblem(409, 'handoff.pool-taken', 'owner', `The lead "${name}" is not in the pool: someone holds it.`, `线索“${name}”不在公海中，已被他人领取。`);
  }
  const world = await leadPoolWorld(sys);
  const pool = leadPoolFor(world, lead);
  if (!pool) throw leadPoolProblem(409, 'handoff.pool-none', 'pool', `The lead "${name}" is in no pool.`, `线索“${name}”不属于任何公海池。`);
  const pn = { en: leadPoolName(pool, 'en'), zh: leadPoolName(pool, 'zh-CN') };
  if (!isPoolMember(world, pool, user)) throw leadPoolProblem(403, 'handoff.pool-not-member', 'members', `You are not a member of the pool "${pn.en}".`, `您不是公海池“${pn.zh}”的成员。`, { pool: pool.id });
  const now = ctx.clock.now();
  const lastMine = (await leadHistory(sys, lead.id)).filter((h) => h.data.holder === user.id && typeof h.data.to === 'string' && (h.data.ended_by === 'return' || h.data.ended_by === 'recycle')).map((h) => String(h.data.to)).sort().at(-1);
  if (lastMine && pool.cooldownDays > 0) {
    const until = new Date(Date.parse(lastMine) + pool.cooldownDays * DAY);
    if (until > now) throw leadPoolProblem(422, 'handoff.pool-cooldown', 'reclaim_cooldown_days', `You held the lead "${name}" until ${dayOf(new Date(lastMine))}; the pool's cooldown of ${pool.cooldownDays} days lets you claim it again from ${dayOf(until)}.`, `您曾持有线索“${name}”至 ${dayOf(new Date(lastMine))}；按公海池 ${pool.cooldownDays} 天的冷却期，${dayOf(until)} 起才能再次领取。`, { pool: pool.id, until: until.toISOString() });
  }
  const { held, claimsToday } = await standing(sys, world, pool, user.id, now);
  if (held >= pool.maxHeld) throw leadPoolProblem(422, 'handoff.pool-limit-held', 'max_held', `You already hold ${held} leads of "${pn.en}", its limit per rep (${pool.maxHeld}). Return one to claim another.`, `您已持有公海池“${pn.zh}”的 ${held} 条线索，达到每人上限（${pool.maxHeld}）。请先退回一条再领取。`, { pool: pool.id, limit: pool.maxHeld, held });
  if (claimsToday >= pool.maxClaimsPerDay) throw leadPoolProblem(422, 'handoff.pool-limit-daily', 'max_claims_per_day', `You have claimed ${claimsToday} times from this pool today, its daily limit (${pool.maxClaimsPerDay}). Try again tomorrow.`, `您今天已从该公海池领取 ${claimsToday} 次，达到每日上限（${pool.maxClaimsPerDay}）。请明天再试。`, { pool: pool.id, limit: pool.maxClaimsPerDay, claimsToday });
  let taken: PluginRecord;
  try {
    taken = await leadPoolWrite(lead.id, lead.version, () => sys.records.update(LEAD, lead.id, { owner: user.id, orgUnit: user.orgUnitId ?? lead.orgUnit, data: { pool_id: pool.id, in_pool: false, to_user: user.id, due_at: null } }, { expectedVersion: lead.version }));
  } catch (err) {
    if (statusOf(err) === 412) throw leadPoolProblem(409, 'handoff.pool-taken', 'owner', `Someone claimed the lead "${name}" a moment before you.`, `线索“${name}”刚刚已被他人领取。`);
    throw err;
  }
  const day = dayOf(now);
  try {
    await openLeadStint(sys, lead.id, user.id, now, { started_by: 'claim', by: ctx.caller.id, pool: pool.id, claimDay: day, id: claimId(pool.id, user.id, day, claimsToday + 1) });
  } catch (err) {
    if (statusOf(err) === 409 || (err as { code?: unknown }).code === '23505') throw leadPoolProblem(409, 'handoff.pool-busy', 'max_claims_per_day', 'Another claim of yours is being recorded at this moment; try again.', '您的另一个领取正在处理中，请重试。');
    throw err;
  }
  return { lead: taken, pool, held: held + 1, claimsToday: claimsToday + 1 };
}

async function returnLead(ctx: Ctx, leadId: string, reason: string | null) {
  const sys = ctx.system;
  const lead = await sys.records.get(LEAD, leadId);
  if (!lead) throw notFound('lead', '/lead');
  const name = String(lead.data.company_name);
  if (lead.owner === null) throw leadPoolProblem(409, 'handoff.pool-not-held', 'owner', `The lead "${name}" is already in the pool.`, `线索“${name}”已在公海中。`);
  if (!(await mayReturn(ctx, lead))) throw leadPoolProblem(403, 'handoff.pool-not-yours', 'owner', `Only the owner of the open lead "${name}", a manager above them or an admin may return it to the pool.`, `只有线索“${name}”的负责人、其上级经理或管理员可以将其退回公海（已转化或不合格的线索不能退回）。`);
  const pool = leadPoolFor(await leadPoolWorld(sys), lead);
  if (!pool) throw leadPoolProblem(409, 'handoff.pool-none', 'pool', `The lead "${name}" belongs to no pool to return to.`, `线索“${name}”没有可退回的公海池。`);
  let back: PluginRecord;
  try {
    back = await leadPoolWrite(lead.id, lead.version, () => sys.records.update(LEAD, lead.id, { owner: null, data: { pool_id: pool.id, in_pool: true, to_user: null, due_at: null } }, { expectedVersion: lead.version }));
  } catch (err) {
    if (statusOf(err) === 412) throw leadPoolProblem(409, 'handoff.pool-changed', 'owner', `The lead "${name}" changed a moment ago; reload and try again.`, `线索“${name}”刚刚被修改，请刷新后重试。`);
    throw err;
  }
  await closeLeadStint(sys, lead, lead.owner, ctx.clock.now(), { ended_by: 'return', ...(reason ? { reason } : {}), by: ctx.caller.id, pool: pool.id });
  return { lead: back, pool };
}

const guardId = (id: string | undefined) => {
  if (!/^[0-9a-f-]{36}$/i.test(id ?? '')) throw notFound('lead', '/id');
  return id as string;
};

export const leadPoolRoutes: PluginRoute[] = [
  {
    method: 'get',
    path: '/pool/pools/:id/leads',
    summary: "A pool's leads without an owner (open ones), each with its owner history, and the caller's standing against the pool's limits",
    query: { limit: { type: 'string', pattern: '^[0-9]{1,3}$' }, offset: { type: 'string', pattern: '^[0-9]{1,6}$' } },
    response: { type: 'object', required: ['items', 'total', 'me', 'member'], properties: { total: { type: 'integer' }, member: { type: 'boolean' }, me: { anyOf: [STANDING, { type: 'null' }] }, items: { type: 'array', items: { type: 'object', required: ['id', 'company', 'contact', 'stage', 'history'], properties: { id: ID, company: { type: 'string' }, contact: { type: 'string' }, stage: { type: ['string', 'null'] }, source: { type: ['string', 'null'] }, history: { type: 'array', items: STINT } } } } } },
    async handler(c) {
      const ctx = c as Ctx;
      const world = await leadPoolWorld(ctx.system);
      const pool = world.pools.find((p) => p.id === ctx.params.id);
      if (!pool) throw notFound('pool', '/id');
      const user = await me(ctx);
      const member = user !== null && isPoolMember(world, pool, user);
      if (!member && !isBoss(ctx)) throw leadPoolProblem(403, 'handoff.pool-not-member', 'members', 'You are not a member of this pool.', '您不是该公海池的成员。');
      const all = await pooledLeads(ctx.system, world, pool);
      const limit = Math.min(200, Math.max(1, Number(ctx.query.limit ?? 50)));
      const offset = Number(ctx.query.offset ?? 0);
      const page = all.slice(offset, offset + limit);
      const by = new Map<string, PluginRecord[]>();
      if (page.length > 0) for (const h of await leadHistories(ctx.system, page.map((l) => l.id))) by.set(String(h.data.lead_id), [...(by.get(String(h.data.lead_id)) ?? []), h]);
      const items = [];
      for (const l of page) items.push({ id: l.id, company: String(l.data.company_name), contact: String(l.data.contact_name), stage: l.stage, source: s(l.data.source), history: await stints(ctx, by.get(l.id) ?? []) });
      return { total: all.length, member, items, me: user ? await standing(ctx.system, world, pool, user.id, ctx.clock.now()) : null };
    },
  },
  {
    method: 'get',
    path: '/pool/leads/:id',
    summary: "A lead's pool, owner history, recycle outlook and what the caller may do (claim, return)",
    response: { type: 'object', required: ['pool', 'owner', 'history', 'mayClaim', 'mayReturn', 'outlook'], properties: { pool: { anyOf: [{ type: 'object', required: ['id', 'name', 'nameZh'], properties: { id: ID, name: { type: 'string' }, nameZh: { type: ['string', 'null'] } } }, { type: 'null' }] }, owner: { type: ['string', 'null'] }, history: { type: 'array', items: STINT }, mayClaim: { type: 'boolean' }, mayReturn: { type: 'boolean' }, outlook: { anyOf: [{ type: 'null' }, { type: 'object', required: ['rule', 'daysLeft', 'due'], properties: { rule: { type: 'string' }, measured: { type: 'number' }, limit: { type: 'number' }, daysLeft: { type: 'number' }, due: { type: 'string' } } }] } } },
    async handler(c) {
      const ctx = c as Ctx;
      const lead = await ctx.system.records.get(LEAD, guardId(ctx.params.id));
      if (!lead) throw notFound('lead', '/id');
      const world = await leadPoolWorld(ctx.system);
      const pool = leadPoolFor(world, lead);
      const user = await me(ctx);
      const member = pool !== null && user !== null && isPoolMember(world, pool, user);
      if (!(await ctx.records.get(LEAD, lead.id)) && !(lead.owner === null && member)) throw notFound('lead', '/id');
      const v = lead.owner !== null && pool?.recycleEnabled && isOpenLead(lead) ? await leadVerdict(ctx.system, pool, lead, ctx.clock.now()) : null;
      return {
        pool: pool ? { id: pool.id, name: pool.name, nameZh: pool.nameZh } : null,
        owner: lead.owner,
        history: await stints(ctx, await leadHistory(ctx.system, lead.id)),
        mayClaim: lead.owner === null && isOpenLead(lead) && member,
        mayReturn: pool !== null && (await mayReturn(ctx, lead)),
        outlook: v ? { rule: v.rule.id, measured: v.measured, limit: v.limit, daysLeft: v.daysLeft, due: v.due } : null,
      };
    },
  },
  {
    method: 'post',
    path: '/pool/leads/:id/claim',
    summary: 'Claims a lead of the pool for the caller (one click), under the pool\'s claim rules',
    description: 'Exactly one of concurrent claims of a lead succeeds; the others answer 409 handoff.pool-taken. Refusals name the rule: 403 handoff.pool-not-member (/members), 422 handoff.pool-limit-held (/max_held), handoff.pool-limit-daily (/max_claims_per_day), handoff.pool-cooldown (/reclaim_cooldown_days).',
    response: { type: 'object', required: ['lead', 'pool', 'held', 'claimsToday'], properties: { lead: { type: 'object', required: ['id', 'owner', 'version'], properties: { id: ID, owner: { type: 'string' }, version: { type: 'integer' } } }, pool: { type: 'string' }, held: { type: 'integer' }, claimsToday: { type: 'integer' } } },
    async handler(c) {
      const r = await claimLead(c as Ctx, guardId(c.params.id));
      return { lead: { id: r.lead.id, owner: r.lead.owner as string, version: r.lead.version }, pool: r.pool.id, held: r.held, claimsToday: r.claimsToday };
    },
  },
  {
    method: 'post',
    path: '/pool/leads/:id/return',
    summary: 'Returns a held lead to its pool in one click, with an optional reason (the owner, a manager above them, an admin)',
    body: { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 500 } } },
    response: { type: 'object', required: ['lead', 'pool'], properties: { lead: { type: 'object', required: ['id', 'version'], properties: { id: ID, owner: { type: 'null' }, version: { type: 'integer' } } }, pool: { type: 'string' } } },
    async handler(c) {
      const reason = typeof c.body?.reason === 'string' && c.body.reason.trim() ? c.body.reason.trim() : null;
      const r = await returnLead(c as Ctx, guardId(c.params.id), reason);
      return { lead: { id: r.lead.id, owner: null, version: r.lead.version }, pool: r.pool.id };
    },
  },
];
