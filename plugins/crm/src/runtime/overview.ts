import { NotFoundError, type PluginRecord, type PluginRoute, type PluginServices } from '@pipewright/plugin-sdk';

const ACCOUNT = 'crm.account';
const CONTACT = 'crm.contact';
const ACTIVITY = 'crm.activity';
/** Deals, named by id: crm does not depend on pipeline (which depends on crm). */
const DEAL = 'pipeline.deal';
const TIMELINE_MAX = 50;

/** All records of `type` with `field` = `value` the caller may see (pages of 200). */
async function allWhere(s: PluginServices, type: string, field: string, value: string): Promise<PluginRecord[]> {
  const out: PluginRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await s.records.list(type, { filter: { [field]: value }, limit: 200, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

const money = (v: unknown): { amount: number; currency: string } | null => {
  const m = v as { amount?: unknown; currency?: unknown } | undefined;
  return m && typeof m.amount === 'number' && typeof m.currency === 'string' ? { amount: m.amount, currency: m.currency } : null;
};
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export interface TimelineItem {
  at: string;
  kind: 'activity' | 'deal' | 'stage' | 'contact';
  type: string;
  id: string;
  title: string;
  /** activity: its kind; stage: the stage entered; deal: its current stage. */
  detail: string | null;
}

/**
 * The 360° view of one account, as the caller may see it: counts of the related records, open
 * and won deal value (per currency), last touch (the latest completed activity), next step (the
 * earliest open task, else the next step of the open deal closing first) and one timeline of
 * activities, deals, their stage moves and contacts (newest first, at most 50), and the deals
 * colliding with the account's owner (撞单: owned by another rep).
 */
export async function accountOverview(s: PluginServices, id: string) {
  const account = await s.records.get(ACCOUNT, id);
  if (!account) throw new NotFoundError(`There is no ${ACCOUNT} record "${id}".`, { entity: ACCOUNT, id });
  const [contacts, activities] = await Promise.all([allWhere(s, CONTACT, 'account_id', id), allWhere(s, ACTIVITY, 'account_id', id)]);
  let deals: PluginRecord[] = [];
  try {
    deals = await allWhere(s, DEAL, 'account_id', id);
  } catch {
    deals = []; // no pipeline plugin installed
  }
  const stays = deals.length > 0 ? await s.history.stays(DEAL, { recordIds: deals.map((d) => d.id) }) : [];
  const kindOf = new Map<string, string>();
  for (const st of stays) if (st.exitedAt === null) kindOf.set(st.recordId, st.stageKind);
  const kind = (d: PluginRecord) => kindOf.get(d.id) ?? (d.stage === 'won' ? 'won' : d.stage === 'lost' ? 'lost' : 'open');
  const open = deals.filter((d) => kind(d) === 'open');
  const won = deals.filter((d) => kind(d) === 'won');
  const sum = (list: PluginRecord[], pick: (d: PluginRecord) => { amount: number; currency: string } | null) => {
    const by = new Map<string, number>();
    for (const d of list) {
      const m = pick(d);
      if (m) by.set(m.currency, (by.get(m.currency) ?? 0) + m.amount);
    }
    return [...by].map(([currency, amount]) => ({ currency, amount: Math.round(amount * 100) / 100 })).sort((a, b) => a.currency.localeCompare(b.currency));
  };
  const done = activities.filter((a) => a.data.done === true && str(a.data.occurred_at));
  const lastTouch = done.map((a) => str(a.data.occurred_at) as string).sort().at(-1) ?? null;
  const openTasks = activities.filter((a) => a.data.done !== true && a.data.kind === 'task');
  const nextTask = openTasks.filter((a) => str(a.data.due_date)).sort((a, b) => String(a.data.due_date).localeCompare(String(b.data.due_date)))[0] ?? openTasks[0];
  const nextDeal = open.filter((d) => str(d.data.next_step)).sort((a, b) => String(a.data.expected_close_date ?? '9999').localeCompare(String(b.data.expected_close_date ?? '9999')))[0];
  const nextStep = nextTask
    ? { text: String(nextTask.data.subject), due: str(nextTask.data.due_date), type: ACTIVITY, id: nextTask.id }
    : nextDeal
      ? { text: String(nextDeal.data.next_step), due: str(nextDeal.data.expected_close_date), type: DEAL, id: nextDeal.id }
      : null;

  const timeline: TimelineItem[] = [];
  for (const a of activities) timeline.push({ at: str(a.data.occurred_at) ?? a.createdAt, kind: 'activity', type: ACTIVITY, id: a.id, title: String(a.data.subject ?? ''), detail: str(a.data.kind) });
  const dealName = new Map(deals.map((d) => [d.id, String(d.data.name ?? d.id)]));
  // A deal enters the timeline when it was engaged (imported deals were created later).
  for (const d of deals) timeline.push({ at: str(d.data.engage_date) ?? d.createdAt, kind: 'deal', type: DEAL, id: d.id, title: String(d.data.name ?? ''), detail: d.stage });
  for (const st of stays) if (st.fromStage !== null) timeline.push({ at: st.enteredAt, kind: 'stage', type: DEAL, id: st.recordId, title: dealName.get(st.recordId) ?? st.recordId, detail: st.stage });
  for (const c of contacts) timeline.push({ at: c.createdAt, kind: 'contact', type: CONTACT, id: c.id, title: [c.data.first_name, c.data.last_name].filter(Boolean).join(' '), detail: str(c.data.title) });
  timeline.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));

  // 撞单: deals on this account owned by another rep than the account's owner (the pipeline
  // plugin notifies both managers when one is made; here the account shows them).
  const colliding = account.owner ? deals.filter((d) => d.owner && d.owner !== account.owner) : [];
  const names = new Map<string, string>();
  const owners = [...new Set(colliding.map((d) => d.owner as string))];
  if (owners.length > 0) for (const u of await s.directory.users({ ids: owners, includeInactive: true })) names.set(u.id, u.name);
  const collisions = colliding.map((d) => ({ id: d.id, title: String(d.data.name ?? d.id), owner: d.owner as string, ownerName: names.get(d.owner as string) ?? (d.owner as string), stage: d.stage }));

  return {
    account: { id: account.id, name: String(account.data.name ?? ''), grade: str(account.data.grade), owner: account.owner },
    counts: { contacts: contacts.length, deals: deals.length, openDeals: open.length, wonDeals: won.length, activities: activities.length, openTasks: openTasks.length, collisions: collisions.length },
    collisions: collisions.slice(0, TIMELINE_MAX),
    openValue: sum(open, (d) => money(d.data.amount)),
    wonValue: sum(won, (d) => money(d.data.close_value) ?? money(d.data.amount)),
    lastTouch,
    nextStep,
    timeline: timeline.slice(0, TIMELINE_MAX),
    timelineTotal: timeline.length,
  };
}

const MONEY_LIST = { type: 'array', items: { type: 'object', required: ['currency', 'amount'], properties: { currency: { type: 'string' }, amount: { type: 'number' } } } };

/** `GET /api/plugins/crm/accounts/:id/overview`. */
export const overviewRoute: PluginRoute = {
  method: 'get',
  path: '/accounts/:id/overview',
  summary: 'The 360° view of an account: related counts, open and won value, last touch, next step, one timeline',
  response: {
    type: 'object',
    required: ['account', 'counts', 'openValue', 'wonValue', 'lastTouch', 'nextStep', 'timeline', 'timelineTotal'],
    properties: {
      account: { type: 'object' },
      counts: { type: 'object', additionalProperties: { type: 'integer' } },
      openValue: MONEY_LIST,
      wonValue: MONEY_LIST,
      lastTouch: { type: ['string', 'null'] },
      nextStep: { type: ['object', 'null'] },
      timeline: {
        type: 'array',
        items: {
          type: 'object',
          required: ['at', 'kind', 'type', 'id', 'title', 'detail'],
          properties: { at: { type: 'string' }, kind: { enum: ['activity', 'deal', 'stage', 'contact'] }, type: { type: 'string' }, id: { type: 'string' }, title: { type: 'string' }, detail: { type: ['string', 'null'] } },
        },
      },
      timelineTotal: { type: 'integer' },
      collisions: { type: 'array', items: { type: 'object', required: ['id', 'title', 'owner', 'ownerName', 'stage'], properties: { id: { type: 'string' }, title: { type: 'string' }, owner: { type: 'string' }, ownerName: { type: 'string' }, stage: { type: ['string', 'null'] } } } },
    },
  },
  handler: (ctx) => accountOverview(ctx, ctx.params.id ?? ''),
};
