import type { ActionContext } from '@pipewright/plugin-sdk';
import type { PluginRecord, PluginServices as AllServices, RoutingServices as PluginServices } from './sdk-types';
import { expireHandoff } from './expiry';
import { statusOf } from './problems';
import { HANDOFF, LEAD, route, type Assignment } from './routing';

/** Stage of a lead waiting for the assigned rep to accept it. */
export const WAITING = 'marketing_qualified';

/** The plugin's settings (see `config` in index.ts). */
export interface HandoffSettings {
  acceptanceHours: number;
  rerouteAfterHours: number;
  /** How many times a late handoff goes to someone else before it expires (leads never expire). */
  maxReroutes: number;
}

export function settingsOf(s: PluginServices): HandoffSettings {
  return { acceptanceHours: Number(s.config.acceptance_hours ?? 4), rerouteAfterHours: Number(s.config.reroute_after_hours ?? 2), maxReroutes: Number(s.config.max_reroutes ?? 1) };
}

/** An action's services as routing takes them (its once-per-execution `create` left out). */
export function routingServices(ctx: ActionContext): PluginServices {
  const { get, list, update } = ctx.records;
  return { ...ctx, records: { get, list, update } };
}

/** Whether an item still waits for its receiver: a lead in `marketing_qualified`, a handoff `pending`. */
export const waiting = (r: PluginRecord): boolean => (r.type === LEAD ? r.stage === WAITING : r.stage === SENT);
/** Stage of a handoff waiting for its receiver (each kind's process starts there). */
export const SENT = 'sent';
/** What routing rules an item falls under: `lead`, or the handoff's kind. */
export const appliesTo = (r: PluginRecord): string => (r.type === LEAD ? 'lead' : String(r.data.kind));
/** An item's name in notifications. */
export const titleOf = (r: PluginRecord): string => String(r.type === LEAD ? r.data.company_name : r.data.summary).slice(0, 200);

const userOf = (actor: string) => (actor.startsWith('user:') ? actor.slice(5) : null);

/**
 * Gives a lead (or a handoff) to the person routing chose: receiver, and for a lead owner and
 * org unit (the receiver must be able to act on it: accept, reject, convert; a handoff changes
 * owner when it is accepted), the acceptance deadline, the explanation; tells
 * him; and starts the acceptance SLA (a job at the deadline). The sender keeps reading it
 * (`from_user` is an audience field). Without a match the lead stays with its sender, with the
 * explanation saying so.
 */
export async function assignLead(s: PluginServices, lead: PluginRecord, a: Assignment | null, o: { from: string | null; round: number; expectedVersion?: number }): Promise<PluginRecord> {
  const now = s.clock.now();
  const type = lead.type;
  if (!a) {
    return s.records.update(type, lead.id, { data: { routing: { reason: 'No active routing rule matched, or nobody it names is available; it stays with its sender.', reason_zh: '没有匹配的启用规则，或规则中的人员均不可分配；它留在移交人处。', at: now.toISOString() } } }, o.expectedVersion !== undefined ? { expectedVersion: o.expectedVersion } : {});
  }
  const receiver = await s.directory.user(a.user);
  const due = new Date(now.getTime() + settingsOf(s).acceptanceHours * 3_600_000);
  const data: Record<string, unknown> = {
    to_user: a.user,
    due_at: due.toISOString(),
    reassignments: o.round,
    escalated_at: null,
    ...(type === LEAD ? { reject_reason: null } : {}),
    routing: { rule_id: a.ruleId, rule: a.rule, strategy: a.strategy, reason: a.reason, reason_zh: a.reasonZh, at: now.toISOString() },
  };
  if (o.from) data.from_user = o.from;
  // A lead becomes the receiver's at routing (he accepts it through the lead process, as its
  // owner); a handoff stays its sender's until the receiver accepts it (he reads it as `to_user`,
  // an audience field, and answers through the plugin's routes).
  const owner = type === LEAD ? { owner: a.user, orgUnit: receiver?.orgUnitId ?? null } : {};
  const after = await s.records.update(type, lead.id, { data, ...owner }, o.expectedVersion !== undefined ? { expectedVersion: o.expectedVersion } : {});
  await s.notifications.send({
    users: [a.user],
    kind: type === LEAD ? 'lead-assigned' : 'handoff-assigned',
    key: `assigned:${lead.id}:${o.round}`,
    title: type === LEAD ? { en: `New lead to accept: ${titleOf(lead)}`, 'zh-CN': `待接受的新线索：${titleOf(lead)}` } : { en: `Handoff to accept: ${titleOf(lead)}`, 'zh-CN': `待接受的交接：${titleOf(lead)}` },
    body: { en: `${a.reason} Accept by ${due.toISOString()}.`, 'zh-CN': `${a.reasonZh} 请在 ${due.toISOString()} 前接受。` },
    record: { id: lead.id, type },
    data: { due_at: due.toISOString(), rule: a.rule },
  });
  await s.jobs.enqueue('sla', { type, id: lead.id, round: o.round, step: 'escalate' }, { startAfter: due });
  return after;
}

/**
 * `handoff.route` (lead process, "Hand to sales"): routes the lead by the ordered rules.
 * Idempotent: the routing key is the action's key, so a repeated delivery picks the same rep.
 */
export async function routeLeadAction(ctx: ActionContext): Promise<{ assigned: string | null; rule: string | null }> {
  const record = ctx.record;
  if (!record) throw new Error('handoff.route needs the lead it is about, and that lead no longer exists.');
  const lead = await ctx.records.get(LEAD, record.id);
  if (!lead || lead.stage !== WAITING) return { assigned: null, rule: null };
  const from = userOf(ctx.actor) ?? (typeof lead.data.from_user === 'string' ? lead.data.from_user : lead.owner);
  const s = routingServices(ctx);
  const a = await route(s, { appliesTo: 'lead', item: lead.data, key: `lead:${ctx.idempotencyKey}` });
  await assignLead(s, lead, a, { from, round: 0 });
  return { assigned: a?.user ?? null, rule: a?.rule ?? null };
}

/** `handoff.accepted` (lead process, "Accept"): stamps the acceptance and tells the sender. */
export async function leadAcceptedAction(ctx: ActionContext): Promise<{ accepted: boolean }> {
  const lead = ctx.record ? await ctx.records.get(LEAD, ctx.record.id) : null;
  if (!lead) return { accepted: false };
  if (typeof lead.data.accepted_at !== 'string') await ctx.records.update(LEAD, lead.id, { data: { accepted_at: ctx.clock.now().toISOString(), due_at: null } });
  const sender = typeof lead.data.from_user === 'string' ? [lead.data.from_user] : [];
  await ctx.notifications.send({
    users: sender,
    kind: 'lead-accepted',
    key: `lead-accepted:${ctx.idempotencyKey}`,
    title: { en: `Lead accepted: ${String(lead.data.company_name)}`, 'zh-CN': `线索已被接受：${String(lead.data.company_name)}` },
    record: { id: lead.id, type: LEAD },
  });
  return { accepted: true };
}

/**
 * `handoff.returned` (lead process, "Reject"): the lead goes back to its sender (owner and unit),
 * without receiver or deadline, and the sender is told the reason.
 */
export async function leadReturnedAction(ctx: ActionContext): Promise<{ returnedTo: string | null }> {
  const lead = ctx.record ? await ctx.records.get(LEAD, ctx.record.id) : null;
  if (!lead) return { returnedTo: null };
  const sender = typeof lead.data.from_user === 'string' ? lead.data.from_user : null;
  const unit = sender ? ((await ctx.directory.user(sender))?.orgUnitId ?? null) : null;
  const rejectedBy = lead.data.to_user;
  await ctx.records.update(LEAD, lead.id, { data: { to_user: null, due_at: null }, ...(sender ? { owner: sender, orgUnit: unit } : {}) });
  if (sender) {
    await ctx.notifications.send({
      users: [sender],
      kind: 'lead-rejected',
      key: `lead-rejected:${ctx.idempotencyKey}`,
      title: { en: `Lead returned: ${String(lead.data.company_name)}`, 'zh-CN': `线索被退回：${String(lead.data.company_name)}` },
      body: { en: `Reason: ${String(lead.data.reject_reason ?? '')}`, 'zh-CN': `原因：${String(lead.data.reject_reason ?? '')}` },
      record: { id: lead.id, type: LEAD },
      data: { rejected_by: rejectedBy ?? null },
    });
  }
  return { returnedTo: sender };
}

/**
 * The acceptance SLA of a lead or handoff (job `sla`): at the deadline, if the same receiver still has not
 * accepted, his managers are told (`escalate`) and a re-route is scheduled; at the re-route, the
 * lead goes to someone else by the rules (the late receiver skipped); a handoff too, unless it was
 * re-routed `max_reroutes` times already or nobody else may take it: then it expires. Each step happens once per
 * round across runtimes: the step's write is a compare-and-set on the lead's version, the
 * notification is once per key, and the re-route's routing key is the round's.
 */
export async function acceptanceSla(data: Record<string, unknown>, s: AllServices): Promise<string> {
  const id = String(data.id ?? '');
  const type = data.type === HANDOFF ? HANDOFF : LEAD;
  const round = Number(data.round ?? 0);
  for (let attempt = 0; attempt < 5; attempt++) {
    const lead = await s.records.get(type, id);
    if (!lead || !waiting(lead) || Number(lead.data.reassignments ?? 0) !== round || typeof lead.data.to_user !== 'string') return 'stale';
    const receiver = lead.data.to_user;
    try {
      if (data.step === 'escalate') {
        if (typeof lead.data.escalated_at === 'string') return 'already escalated';
        await s.records.update(type, id, { data: { escalated_at: s.clock.now().toISOString() } }, { expectedVersion: lead.version });
        const managers = (await s.directory.managersOf(receiver)).map((m) => m.id);
        // the receiver by name, as a person reads it
        const name = (await s.directory.user(receiver))?.name ?? receiver;
        await s.notifications.send({
          users: managers,
          kind: type === LEAD ? 'lead-escalated' : 'handoff-escalated',
          key: `escalated:${id}:${round}`,
          title: { en: `Not accepted in time: ${titleOf(lead)}`, 'zh-CN': `未按时接受：${titleOf(lead)}` },
          body: { en: `Assigned to ${name}; it will be routed to someone else if still not accepted.`, 'zh-CN': `已分配给 ${name}；若仍未接受，将重新分配给他人。` },
          record: { id, type },
          data: { receiver, round },
        });
        await s.jobs.enqueue('sla', { type, id, round, step: 'reroute' }, { startAfter: new Date(s.clock.now().getTime() + settingsOf(s).rerouteAfterHours * 3_600_000) });
        return 'escalated';
      }
      if (data.step === 'reroute') {
        // A handoff re-routed its last time, or with nobody else to go to, expires (its kind's process's `expire`).
        const last = type === HANDOFF && round >= settingsOf(s).maxReroutes;
        const a = last ? null : await route(s, { appliesTo: appliesTo(lead), item: lead.data, key: `${type}:${id}:reroute:${round}`, skip: [receiver] });
        if (!a && type === HANDOFF) {
          const out = await expireHandoff(s, lead, round);
          if (out === 'stale') continue;
          return out;
        }
        if (!a) return 'nobody else';
        await assignLead(s, lead, a, { from: null, round: round + 1, expectedVersion: lead.version });
        await s.notifications.send({
          users: [receiver],
          kind: type === LEAD ? 'lead-rerouted' : 'handoff-rerouted',
          key: `rerouted:${id}:${round}`,
          title: { en: `Reassigned to someone else: ${titleOf(lead)}`, 'zh-CN': `已重新分配给他人：${titleOf(lead)}` },
          record: null,
        });
        return 'rerouted';
      }
      return 'unknown step';
    } catch (err) {
      if (statusOf(err) !== 412) throw err;
    }
  }
  return 'stale';
}
