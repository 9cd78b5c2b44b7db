import type { PluginRecord, PluginRoute, RouteContext } from './sdk-types';
import { HANDOFF, LEAD } from './routing';
import { WAITING } from './lead-flow';

const item = {
  type: 'object',
  required: ['type', 'id', 'title', 'kind', 'from', 'dueAt', 'secondsLeft', 'reason'],
  additionalProperties: false,
  properties: {
    type: { type: 'string' },
    id: { type: 'string' },
    title: { type: 'string' },
    kind: { type: 'string' },
    from: { type: ['object', 'null'], required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
    dueAt: { type: ['string', 'null'] },
    secondsLeft: { type: ['integer', 'null'] },
    reason: { type: ['string', 'null'] },
    reasonZh: { type: ['string', 'null'] },
    rule: { type: ['string', 'null'] },
  },
};

/**
 * `GET /api/plugins/handoff/inbox`: what waits on the caller: leads routed to him and not yet
 * accepted, and pending handoffs addressed to him, soonest deadline first, each with the seconds
 * left (negative when late) and the routing explanation.
 */
export const inboxRoute: PluginRoute = {
  method: 'get',
  path: '/inbox',
  summary: 'Leads and handoffs waiting on me, with their deadlines',
  response: { type: 'object', required: ['items', 'now'], additionalProperties: false, properties: { now: { type: 'string' }, items: { type: 'array', items: item } } },
  async handler(ctx: RouteContext) {
    const me = ctx.caller.userId;
    const now = ctx.clock.now();
    if (!me) return { now: now.toISOString(), items: [] };
    const leads = (await ctx.records.list(LEAD, { filter: { to_user: me, stage: WAITING }, limit: 500 })).items;
    const handoffs = (await ctx.records.list(HANDOFF, { filter: { to_user: me, status: 'pending' }, limit: 500 })).items;
    const names = new Map<string, string>();
    const person = async (id: unknown) => {
      if (typeof id !== 'string') return null;
      if (!names.has(id)) names.set(id, (await ctx.directory.user(id))?.name ?? id);
      return { id, name: names.get(id) as string };
    };
    const view = async (r: PluginRecord, kind: string, title: string) => {
      const due = typeof r.data.due_at === 'string' ? r.data.due_at : null;
      const routing = (r.data.routing ?? {}) as { reason?: string; reason_zh?: string; rule?: string };
      return { type: r.type, id: r.id, title, kind, from: await person(r.data.from_user), dueAt: due, secondsLeft: due ? Math.round((Date.parse(due) - now.getTime()) / 1000) : null, reason: routing.reason ?? null, reasonZh: routing.reason_zh ?? routing.reason ?? null, rule: routing.rule ?? null };
    };
    const items = [
      ...(await Promise.all(leads.map((l) => view(l, 'marketing_to_sales', `${String(l.data.company_name)} — ${String(l.data.contact_name)}`)))),
      ...(await Promise.all(handoffs.map((h) => view(h, String(h.data.kind), String(h.data.summary))))),
    ];
    items.sort((a, b) => (a.dueAt ?? '9999').localeCompare(b.dueAt ?? '9999'));
    return { now: now.toISOString(), items };
  },
};
