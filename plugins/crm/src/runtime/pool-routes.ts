import { PipewrightError, type PluginRecord, type PluginRoute, type PluginServices, type RouteContext } from '@pipewright/plugin-sdk';
import { factsOf, verdictOf } from './pool-recycle';
import { ACCOUNT, claim, giveBack, historiesOf, historyOf, isMember, listAll, mayReturn, poolFor, poolWorld, standing, type Pool, type PoolWorld } from './pool';

const ID = { type: 'string', format: 'uuid' };
const STINT = {
  type: 'object',
  required: ['owner', 'ownerName', 'from', 'to', 'startedBy', 'endedBy', 'reason', 'rule'],
  properties: {
    owner: { type: 'string' },
    ownerName: { type: 'string' },
    from: { type: 'string' },
    to: { type: ['string', 'null'] },
    startedBy: { type: ['string', 'null'] },
    endedBy: { type: ['string', 'null'] },
    reason: { type: ['string', 'null'] },
    rule: { type: ['string', 'null'] },
  },
};
const POOL_VIEW = {
  type: 'object',
  required: ['id', 'name', 'nameZh', 'isDefault', 'regionUnit', 'memberUnits', 'memberUsers', 'maxHeld', 'maxClaimsPerDay', 'cooldownDays', 'recycleEnabled', 'warnDays', 'rules', 'defaultRules', 'member', 'version'],
  properties: {
    id: ID,
    version: { type: 'integer' },
    name: { type: 'string' },
    nameZh: { type: ['string', 'null'] },
    isDefault: { type: 'boolean' },
    regionUnit: { type: ['string', 'null'] },
    memberUnits: { type: 'array', items: { type: 'string' } },
    memberUsers: { type: 'array', items: { type: 'string' } },
    maxHeld: { type: 'integer' },
    maxClaimsPerDay: { type: 'integer' },
    cooldownDays: { type: 'integer' },
    recycleEnabled: { type: 'boolean' },
    warnDays: { type: 'integer' },
    rules: { type: 'array', items: { type: 'object' } },
    defaultRules: { type: 'boolean' },
    member: { type: 'boolean' },
    pooled: { type: 'integer' },
  },
};
const STANDING = { type: 'object', required: ['held', 'claimsToday'], properties: { held: { type: 'integer' }, claimsToday: { type: 'integer' } } };

type Ctx = RouteContext & { system: PluginServices };

const isBoss = (ctx: PluginServices) => ctx.caller.roles.includes('admin') || ctx.caller.roles.includes('manager') || ctx.caller.id.startsWith('system:');

async function names(ctx: PluginServices, ids: Iterable<string>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  const out = new Map<string, string>(wanted.map((id) => [id, id]));
  if (wanted.length > 0) for (const u of await ctx.directory.users({ ids: wanted, includeInactive: true })) out.set(u.id, u.name);
  return out;
}

async function stints(ctx: PluginServices, sys: PluginServices, accountId: string, known?: PluginRecord[]) {
  const history = known ?? (await historyOf(sys, accountId));
  const who = await names(ctx, history.map((h) => String(h.data.holder)));
  const s = (v: unknown) => (typeof v === 'string' ? v : null);
  return history.map((h) => ({ owner: String(h.data.holder), ownerName: who.get(String(h.data.holder)) ?? String(h.data.holder), from: String(h.data.from), to: s(h.data.to), startedBy: s(h.data.started_by), endedBy: s(h.data.ended_by), reason: s(h.data.reason), rule: s(h.data.rule) }));
}

const view = (p: Pool, member: boolean, pooled?: number) => {
  const { defaultRules, ...rest } = p;
  return { ...rest, defaultRules, member, ...(pooled !== undefined ? { pooled } : {}) };
};

/** The pooled accounts (no owner) of each pool. */
async function pooledAccounts(sys: PluginServices, world: PoolWorld): Promise<Map<string, PluginRecord[]>> {
  const out = new Map<string, PluginRecord[]>(world.pools.map((p) => [p.id, []]));
  for (const a of await listAll(sys, ACCOUNT, { 'owner][exists': false }, 'name')) {
    const p = poolFor(world, a);
    if (p) out.get(p.id)?.push(a);
  }
  return out;
}

async function me(ctx: PluginServices) {
  return ctx.caller.userId ? ctx.directory.user(ctx.caller.userId) : null;
}

function notFound(what: string, pointer: string): PipewrightError {
  return new PipewrightError({ code: 'not-found', status: 404, kind: 'user', message: `There is no ${what}.`, details: [{ pointer, message: `no such ${what}` }] });
}

/**
 * The pool routes (`/api/plugins/crm/pool/...`): the pools a user may claim from, a pool's
 * accounts with their owner history, claim, return, an account's pool standing, and running the
 * recycle job now (admins). Pools themselves are `crm.pool` records (admins write them through
 * the records API).
 */
export const poolRoutes: PluginRoute[] = [
  {
    method: 'get',
    path: '/pool/pools',
    summary: 'The account pools (公海) the caller is a member of (managers and admins: all), with their rules and pooled account counts',
    response: { type: 'object', required: ['items', 'admin'], properties: { items: { type: 'array', items: POOL_VIEW }, admin: { type: 'boolean', description: 'The caller may edit pools.' } } },
    async handler(c) {
      const ctx = c as Ctx;
      const world = await poolWorld(ctx.system);
      const user = await me(ctx);
      const pooled = await pooledAccounts(ctx.system, world);
      const items = world.pools.map((p) => ({ p, member: user !== null && isMember(world, p, user) })).filter((x) => x.member || isBoss(ctx));
      return { items: items.map(({ p, member }) => view(p, member, pooled.get(p.id)?.length ?? 0)), admin: ctx.caller.roles.includes('admin') };
    },
  },
  {
    method: 'get',
    path: '/pool/pools/:id/accounts',
    summary: "A pool's accounts without an owner, each with its owner history, and the caller's claims against the pool's limits",
    query: { limit: { type: 'string', pattern: '^[0-9]{1,3}$' }, offset: { type: 'string', pattern: '^[0-9]{1,6}$' } },
    response: {
      type: 'object',
      required: ['pool', 'items', 'total', 'me'],
      properties: {
        pool: POOL_VIEW,
        total: { type: 'integer' },
        me: { anyOf: [STANDING, { type: 'null' }] },
        items: { type: 'array', items: { type: 'object', required: ['id', 'name', 'grade', 'sector', 'history'], properties: { id: ID, name: { type: 'string' }, grade: { type: ['string', 'null'] }, sector: { type: ['string', 'null'] }, history: { type: 'array', items: STINT } } } },
      },
    },
    async handler(c) {
      const ctx = c as Ctx;
      const world = await poolWorld(ctx.system);
      const pool = world.pools.find((p) => p.id === ctx.params.id);
      if (!pool) throw notFound('pool', '/id');
      const user = await me(ctx);
      const member = user !== null && isMember(world, pool, user);
      if (!member && !isBoss(ctx)) throw new PipewrightError({ code: 'crm.pool-not-member', status: 403, kind: 'user', message: 'You are not a member of this pool.', localizedMessage: { en: 'You are not a member of this pool.', 'zh-CN': '您不是该公海池的成员。' }, details: [{ pointer: '/members', message: 'not a member' }], extensions: { rule: 'members' } });
      const all = (await pooledAccounts(ctx.system, world)).get(pool.id) ?? [];
      const limit = Math.min(200, Math.max(1, Number(ctx.query.limit ?? 50)));
      const offset = Number(ctx.query.offset ?? 0);
      const page = all.slice(offset, offset + limit);
      // The page's owner history in one read (the records API's `in` filter), grouped by account.
      const histories = new Map<string, PluginRecord[]>();
      if (page.length > 0) for (const h of await historiesOf(ctx.system, page.map((a) => a.id))) histories.set(String(h.data.account_id), [...(histories.get(String(h.data.account_id)) ?? []), h]);
      const items = [];
      for (const a of page) {
        const s = (v: unknown) => (typeof v === 'string' ? v : null);
        items.push({ id: a.id, name: String(a.data.name), grade: s(a.data.grade), sector: s(a.data.sector), history: await stints(ctx, ctx.system, a.id, histories.get(a.id) ?? []) });
      }
      return { pool: view(pool, member, all.length), total: all.length, items, me: user ? await standing(ctx.system, world, pool, user.id, ctx.clock.now()) : null };
    },
  },
  {
    method: 'get',
    path: '/pool/accounts/:id',
    summary: "An account's pool, owner history, recycle outlook (the rule due soonest) and what the caller may do (claim, return)",
    response: {
      type: 'object',
      required: ['pool', 'owner', 'history', 'mayClaim', 'mayReturn', 'outlook'],
      properties: {
        pool: { anyOf: [{ type: 'object', required: ['id', 'name', 'nameZh'], properties: { id: ID, name: { type: 'string' }, nameZh: { type: ['string', 'null'] } } }, { type: 'null' }] },
        owner: { type: ['string', 'null'] },
        history: { type: 'array', items: STINT },
        mayClaim: { type: 'boolean' },
        mayReturn: { type: 'boolean' },
        outlook: { anyOf: [{ type: 'null' }, { type: 'object', required: ['rule', 'label', 'measured', 'limit', 'daysLeft', 'due'], properties: { rule: { type: 'string' }, label: { type: ['object', 'null'] }, measured: { type: 'number' }, limit: { type: 'number' }, daysLeft: { type: 'number' }, due: { type: 'string' } } }] },
      },
    },
    async handler(c) {
      const ctx = c as Ctx;
      // The caller must see the account, or it must be pooled in a pool of theirs.
      const account = (await ctx.records.get(ACCOUNT, ctx.params.id ?? '')) ?? (await ctx.system.records.get(ACCOUNT, ctx.params.id ?? ''));
      if (!account) throw notFound('account', '/id');
      const world = await poolWorld(ctx.system);
      const pool = poolFor(world, account);
      const user = await me(ctx);
      const member = pool !== null && user !== null && isMember(world, pool, user);
      if (!(await ctx.records.get(ACCOUNT, account.id)) && !(account.owner === null && member)) throw notFound('account', '/id');
      let outlook = null;
      if (account.owner !== null && pool?.recycleEnabled) {
        const v = verdictOf(pool, account, await factsOf(ctx.system, account, ctx.clock.now()));
        if (v) outlook = { rule: v.rule.id, label: v.rule.label ?? null, measured: v.measured, limit: v.limit, daysLeft: v.daysLeft, due: v.due };
      }
      return {
        pool: pool ? { id: pool.id, name: pool.name, nameZh: pool.nameZh } : null,
        owner: account.owner,
        history: await stints(ctx, ctx.system, account.id),
        mayClaim: account.owner === null && member,
        mayReturn: pool !== null && (await mayReturn(ctx, account)),
        outlook,
      };
    },
  },
  {
    method: 'post',
    path: '/pool/accounts/:id/claim',
    summary: 'Claims an account of the pool for the caller (one click), under the pool\'s claim rules',
    description: 'Exactly one of concurrent claims of an account succeeds; the others answer 409 crm.pool-taken. Refusals name the rule: 403 crm.pool-not-member (/members), 422 crm.pool-limit-held (/max_held), crm.pool-limit-daily (/max_claims_per_day), crm.pool-cooldown (/reclaim_cooldown_days).',
    response: { type: 'object', required: ['account', 'pool', 'held', 'claimsToday'], properties: { account: { type: 'object', required: ['id', 'owner', 'version'], properties: { id: ID, owner: { type: 'string' }, version: { type: 'integer' } } }, pool: { type: 'string' }, held: { type: 'integer' }, claimsToday: { type: 'integer' } } },
    async handler(c) {
      const ctx = c as Ctx;
      if (!/^[0-9a-f-]{36}$/i.test(ctx.params.id ?? '')) throw notFound('account', '/id');
      const r = await claim(ctx, ctx.params.id as string);
      return { account: { id: r.account.id, owner: r.account.owner as string, version: r.account.version }, pool: r.pool.id, held: r.held, claimsToday: r.claimsToday };
    },
  },
  {
    method: 'post',
    path: '/pool/accounts/:id/return',
    summary: 'Returns a held account to its pool in one click, with an optional reason (the owner, a manager above them, an admin); audited in the owner history and the events',
    body: { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 500 } } },
    response: { type: 'object', required: ['account', 'pool'], properties: { account: { type: 'object', required: ['id', 'version'], properties: { id: ID, owner: { type: 'null' }, version: { type: 'integer' } } }, pool: { type: 'string' } } },
    async handler(c) {
      const ctx = c as Ctx;
      if (!/^[0-9a-f-]{36}$/i.test(ctx.params.id ?? '')) throw notFound('account', '/id');
      const reason = typeof ctx.body?.reason === 'string' ? ctx.body.reason.trim() : '';
      const r = await giveBack(ctx, ctx.params.id as string, reason || null);
      return { account: { id: r.account.id, owner: null, version: r.account.version }, pool: r.pool.id };
    },
  },
  {
    method: 'post',
    path: '/pool/recycle',
    summary: "Runs the recycle rules of every pool now, whatever their schedules, e.g. after changing them",
    roles: ['admin'],
    status: 202,
    response: { type: 'object', required: ['job'], properties: { job: { type: ['string', 'null'] } } },
    handler: async (ctx) => ({ job: await ctx.jobs.enqueue('pool_recycle', { force: true }) }),
  },
];
