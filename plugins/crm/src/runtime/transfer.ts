import { NotFoundError, PipewrightError, ValidationError, type PluginRecord, type PluginRoute, type PluginServices, type PluginUser } from '@pipewright/plugin-sdk';

const ACCOUNT = 'crm.account';
const CONTACT = 'crm.contact';
const ACTIVITY = 'crm.activity';
const DEAL = 'pipeline.deal';
const TRANSFER = 'crm.transfer';

export type TransferRule = 'manager' | 'round_robin' | 'pool';

/** What a transfer moves: the rep's accounts, open deals, contacts and open tasks. Won and lost deals keep their owner (credit at close). */
export interface Book {
  accounts: PluginRecord[];
  openDeals: PluginRecord[];
  contacts: PluginRecord[];
  openTasks: PluginRecord[];
  closedDealsKept: number;
}

async function owned(s: PluginServices, type: string, owner: string): Promise<PluginRecord[]> {
  const out: PluginRecord[] = [];
  let cursor: string | undefined;
  try {
    do {
      const page = await s.records.list(type, { filter: { owner }, limit: 200, sort: 'createdAt', ...(cursor ? { cursor } : {}) });
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  } catch (err) {
    if (type === DEAL && (err as { code?: string }).code === 'not-found') return []; // no pipeline plugin
    throw err;
  }
  return out;
}

/** The book of `from` as `s` sees it (deals: open by their current stay's kind). */
export async function bookOf(s: PluginServices, from: string): Promise<Book> {
  const [accounts, deals, contacts, activities] = await Promise.all([owned(s, ACCOUNT, from), owned(s, DEAL, from), owned(s, CONTACT, from), owned(s, ACTIVITY, from)]);
  const stays = deals.length > 0 ? await s.history.stays(DEAL, { recordIds: deals.map((d) => d.id) }) : [];
  const kind = new Map<string, string>();
  for (const st of stays) if (st.exitedAt === null) kind.set(st.recordId, st.stageKind);
  const isOpen = (d: PluginRecord) => (kind.get(d.id) ?? (d.stage === 'won' || d.stage === 'lost' ? d.stage : 'open')) === 'open';
  const openDeals = deals.filter(isOpen);
  return { accounts, openDeals, contacts, openTasks: activities.filter((a) => a.data.done !== true), closedDealsKept: deals.length - openDeals.length };
}

/**
 * Who receives the book: the rep's nearest manager, the active reps of the rep's team in turn,
 * or nobody (the pool: owner cleared, the records stay in the team's unit). 422 naming `/rule`
 * when the rule has nobody to give to.
 */
export async function targetsOf(s: PluginServices, from: PluginUser, rule: TransferRule): Promise<PluginUser[]> {
  if (rule === 'pool') return [];
  if (rule === 'manager') {
    const managers = await s.directory.managersOf(from.id);
    if (managers.length === 0) throw new ValidationError({ code: 'crm.transfer-nobody', message: `${from.name} has no active manager to take the book.`, details: [{ pointer: '/rule', message: 'no active manager above this user' }] });
    return managers.slice(0, 1);
  }
  const team = from.orgUnitId ? (await s.directory.users({ under: from.orgUnitId, role: 'rep' })).filter((u) => u.id !== from.id && u.active && u.orgUnitId === from.orgUnitId) : [];
  if (team.length === 0) throw new ValidationError({ code: 'crm.transfer-nobody', message: `${from.name}'s team has no other active rep to take the book.`, details: [{ pointer: '/rule', message: 'no other active rep in the team' }] });
  return team.sort((a, b) => a.id.localeCompare(b.id));
}

/** The rep whose book is moved, checked against who asks: an admin any, a manager only those in his part of the org. */
export async function fromUser(s: PluginServices, id: string): Promise<PluginUser> {
  const from = await s.directory.user(id);
  if (!from) throw new NotFoundError(`There is no user "${id}".`, { pointer: '/from' });
  if (s.caller.roles.includes('admin') || s.caller.id.startsWith('system:')) return from;
  const units = await s.directory.orgUnits();
  const path = units.find((u) => u.id === from.orgUnitId)?.path ?? [];
  if (!s.caller.orgUnitId || !path.includes(s.caller.orgUnitId)) {
    throw new PipewrightError({ code: 'forbidden', status: 403, kind: 'user', message: `You may move only the books of people in your part of the organisation.`, details: [{ pointer: '/from', message: 'not in your part of the organisation' }] });
  }
  return from;
}

/**
 * Moves the book: each account goes to the next receiver (round robin) or the one receiver,
 * with its open deals, contacts and open tasks owned by the rep; what is left of the rep's open
 * deals, contacts and open tasks (without an account, or on an account not his) follows the
 * same turn. Progress is written to the transfer record every 25 moves.
 */
export async function runTransfer(s: PluginServices, transferId: string): Promise<void> {
  const transfer = await s.records.get(TRANSFER, transferId);
  if (!transfer || transfer.data.status === 'done') return;
  const from = await s.directory.user(String(transfer.data.from_user));
  if (!from) throw new Error(`transfer ${transferId}: user ${String(transfer.data.from_user)} is gone`);
  const rule = transfer.data.rule as TransferRule;
  const targets = await targetsOf(s, from, rule);
  const book = await bookOf(s, from.id);
  const total = book.accounts.length + book.openDeals.length + book.contacts.length + book.openTasks.length;
  let moved = 0;
  let turn = 0;
  let version = transfer.version;
  const progress = async (status: string) => {
    const after = await s.records.update(TRANSFER, transferId, { data: { status, moved, total } }, { expectedVersion: version });
    version = after.version;
  };
  await progress('running');
  const next = () => (targets.length === 0 ? null : (targets[turn++ % targets.length] as PluginUser));
  const move = async (r: PluginRecord, to: PluginUser | null) => {
    const fresh = await s.records.get(r.type, r.id);
    if (!fresh || fresh.owner !== from.id) return; // moved meanwhile
    await s.records.update(r.type, r.id, to ? { owner: to.id, orgUnit: to.orgUnitId } : { owner: null, orgUnit: fresh.orgUnit ?? from.orgUnitId }, { expectedVersion: fresh.version });
    moved++;
    if (moved % 25 === 0) await progress('running');
  };
  const done = new Set<string>();
  const rest = [...book.openDeals, ...book.contacts, ...book.openTasks];
  for (const account of book.accounts) {
    const to = next();
    await move(account, to);
    for (const r of rest) {
      if (r.data.account_id === account.id && !done.has(r.id)) {
        await move(r, to);
        done.add(r.id);
      }
    }
  }
  for (const r of rest) if (!done.has(r.id)) await move(r, next());
  await progress('done');
  s.log.info('transfer done', { transfer: transferId, from: from.id, rule, moved, total });
}

const BODY = {
  type: 'object',
  required: ['from', 'rule'],
  additionalProperties: false,
  properties: { from: { type: 'string', minLength: 1, maxLength: 100 }, rule: { enum: ['manager', 'round_robin', 'pool'] } },
};
const COUNT_NAMES = ['accounts', 'openDeals', 'contacts', 'openTasks', 'closedDealsKept'];
const COUNTS = { type: 'object', required: COUNT_NAMES, additionalProperties: false, properties: Object.fromEntries(COUNT_NAMES.map((n) => [n, { type: 'integer' }])) };
const PREVIEW = {
  type: 'object',
  required: ['from', 'rule', 'targets', 'counts'],
  properties: {
    from: { type: 'object', required: ['id', 'name', 'active'], properties: { id: { type: 'string' }, name: { type: 'string' }, active: { type: 'boolean' } } },
    rule: { type: 'string' },
    targets: { type: 'array', items: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } } },
    counts: COUNTS,
  },
};

async function preview(s: PluginServices, body: Record<string, unknown>) {
  const from = await fromUser(s, String(body.from));
  const rule = body.rule as TransferRule;
  const targets = await targetsOf(s, from, rule);
  const book = await bookOf(s, from.id);
  return {
    from: { id: from.id, name: from.name, active: from.active },
    rule,
    targets: targets.map((t) => ({ id: t.id, name: t.name })),
    counts: { accounts: book.accounts.length, openDeals: book.openDeals.length, contacts: book.contacts.length, openTasks: book.openTasks.length, closedDealsKept: book.closedDealsKept },
  };
}

/** The transfer routes: the people whose book the caller may move, preview, start (one job). Managers and admins only. */
export const transferRoutes: PluginRoute[] = [
  {
    method: 'get',
    path: '/transfers/people',
    summary: 'The reps whose book the caller may move (inactive ones first), for the transfer page',
    roles: ['manager'],
    response: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object', required: ['id', 'name', 'active'], properties: { id: { type: 'string' }, name: { type: 'string' }, active: { type: 'boolean' } } } } } },
    async handler(ctx) {
      const admin = ctx.caller.roles.includes('admin');
      if (!admin && !ctx.caller.orgUnitId) return { items: [] };
      const users = await ctx.directory.users({ role: 'rep', includeInactive: true, ...(admin ? {} : { under: ctx.caller.orgUnitId as string }) });
      const items = users.map((u) => ({ id: u.id, name: u.name, active: u.active })).sort((a, b) => Number(a.active) - Number(b.active) || a.name.localeCompare(b.name));
      return { items };
    },
  },
  {
    method: 'post',
    path: '/transfers/preview',
    summary: "Previews moving a rep's book (accounts, open deals, contacts, open tasks): receivers and counts",
    roles: ['manager'],
    body: BODY,
    response: PREVIEW,
    handler: (ctx) => preview(ctx, ctx.body),
  },
  {
    method: 'post',
    path: '/transfers',
    summary: "Moves a rep's book by a rule (all to the manager, round robin in the team, or back to the pool) in one job",
    description: 'Won and lost deals keep their owner. Answers the transfer record; its status, moved and total show the progress.',
    roles: ['manager'],
    status: 202,
    body: BODY,
    response: { type: 'object', required: ['id', 'status', 'total', 'preview'], properties: { id: { type: 'string' }, status: { type: 'string' }, total: { type: 'integer' }, preview: PREVIEW } },
    async handler(ctx) {
      const p = await preview(ctx, ctx.body);
      const total = p.counts.accounts + p.counts.openDeals + p.counts.contacts + p.counts.openTasks;
      const from = await ctx.directory.user(p.from.id);
      const transfer = await ctx.records.create(TRANSFER, {
        data: { from_user: p.from.id, rule: p.rule, status: 'queued', moved: 0, total, requested_by: ctx.caller.id, requested_at: ctx.clock.now().toISOString(), targets: p.targets.map((t) => t.id) },
        owner: ctx.caller.userId,
        orgUnit: from?.orgUnitId ?? ctx.caller.orgUnitId,
      });
      await ctx.jobs.enqueue('transfer', { transfer: transfer.id });
      return { id: transfer.id, status: 'queued', total, preview: p };
    },
  },
];
