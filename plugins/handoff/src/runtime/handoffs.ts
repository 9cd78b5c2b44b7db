import type { PluginRuntime } from '@pipewright/plugin-sdk';
import type { HookProblem, PluginRecord, PluginRoute, PluginServices, RouteContext } from './sdk-types';
import { assignLead, titleOf } from './lead-flow';
import { problem } from './problems';
import { HANDOFF, route } from './routing';

type Hooks = NonNullable<NonNullable<PluginRuntime['hooks']>[string]>;
type RecordHooks = Required<Pick<Hooks, 'validate' | 'afterChange'>>;

/** The context checklist of each kind: the fields the receiver needs, required when it is sent. */
export const CHECKLIST: Record<string, readonly string[]> = {
  // Leads carry marketing's checklist (the lead process); a marketing_to_sales handoff record
  // (kept for existing data and metrics) needs its summary only.
  marketing_to_sales: ['summary'],
  presales_to_sales: ['summary', 'deal_id'],
  sales_to_presales: ['summary', 'deal_id'],
  sales_to_success: ['summary', 'deal_id', 'account_id'],
};

const isSystem = (s: PluginServices) => s.caller.id.startsWith('system:');
const isBoss = (s: PluginServices) => s.caller.roles.includes('admin') || s.caller.roles.includes('manager');

/**
 * Hooks on handoffs: a new one must carry its kind's checklist (422 naming each missing field)
 * and is routed by a job after commit; its status changes only as a handoff may move: pending ->
 * accepted or rejected by the receiver (his manager, an admin), rejected with a reason, and
 * nothing else unless by the platform's own jobs.
 */
export const handoffHooks: RecordHooks = {
  validate(change, s) {
    if (change.operation === 'delete') return [];
    const d = change.data;
    const problems: HookProblem[] = [];
    if (change.operation === 'create') {
      for (const f of CHECKLIST[String(d.kind)] ?? []) if (d[f] === undefined || d[f] === null || d[f] === '') problems.push({ pointer: `/data/${f}`, message: `a ${String(d.kind)} handoff needs it`, code: 'handoff.checklist' });
      // Admins may record handoffs as they were (e.g. bringing in history); everyone else starts them pending.
      if (d.status !== undefined && d.status !== 'pending' && !isSystem(s) && !s.caller.roles.includes('admin')) problems.push({ pointer: '/data/status', message: 'a handoff starts pending', code: 'handoff.status' });
      return problems;
    }
    const before = change.before?.data.status;
    if (d.status === before || isSystem(s)) return problems;
    const me = s.caller.userId;
    const receiver = change.before?.data.to_user;
    if (before !== 'pending' || (d.status !== 'accepted' && d.status !== 'rejected')) problems.push({ pointer: '/data/status', message: `a ${String(before)} handoff cannot become ${String(d.status)}`, code: 'handoff.status' });
    else if (me !== receiver && !isBoss(s)) problems.push({ pointer: '/data/status', message: 'only the receiver accepts or rejects a handoff', code: 'handoff.not-receiver' });
    if (d.status === 'rejected' && (typeof d.reason !== 'string' || d.reason.trim() === '')) problems.push({ pointer: '/data/reason', message: 'say why you reject it; the sender gets it back with your reason', code: 'handoff.reason-required' });
    return problems;
  },
  async afterChange(change, s) {
    if (change.operation === 'create' && change.after.data.status === 'pending' && typeof change.after.data.to_user !== 'string') await s.jobs.enqueue('route_handoff', { id: change.after.id });
  },
};

/** Job `route_handoff`: routes a new handoff by the rules for its kind (once: the key is the handoff's). */
export async function routeHandoffJob(data: Record<string, unknown>, s: PluginServices): Promise<string> {
  const h = await s.records.get(HANDOFF, String(data.id ?? ''));
  if (!h || h.data.status !== 'pending' || typeof h.data.to_user === 'string') return 'stale';
  const a = await route(s, { appliesTo: String(h.data.kind), item: h.data, key: `handoff:${h.id}:0` });
  // Without a match the handoff stays as it was, with its sender (nothing is written: a handoff
  // made by a process action keeps exactly the body the action gave it).
  if (!a) return 'no match';
  const from = typeof h.data.from_user === 'string' ? h.data.from_user : h.owner;
  await assignLead(s, h, a, { from, round: 0 });
  return `assigned ${a.user}`;
}

/**
 * Job `handoff_settled`: records a receiver's answer and what follows, as the platform (the
 * receiver may not see what the handoff refers to, e.g. the won deal he is being given, and the
 * record writer re-checks references on every write): the status (with `accepted_at`, or the
 * reason and `resolved_at`), then an accepted sales -> customer success handoff gives the won
 * deal to the receiver, a rejected one goes back to its sender (owner and unit), and the sender
 * is told. Idempotent: a repeated delivery finds the answer recorded and only completes the rest.
 */
export async function handoffSettledJob(data: Record<string, unknown>, s: PluginServices): Promise<string> {
  let h = await s.records.get(HANDOFF, String(data.id ?? ''));
  if (!h) return 'gone';
  const answer = data.answer === 'rejected' ? 'rejected' : 'accepted';
  const at = typeof data.at === 'string' ? data.at : s.clock.now().toISOString();
  if (h.data.status === 'pending') {
    const patch = answer === 'accepted' ? { status: 'accepted', accepted_at: at, due_at: null } : { status: 'rejected', reason: String(data.reason ?? ''), resolved_at: at, due_at: null };
    h = await s.records.update(HANDOFF, h.id, { data: patch }, { expectedVersion: h.version });
  }
  if (h.data.status !== answer) return `already ${String(h.data.status)}`;
  const sender = typeof h.data.from_user === 'string' ? h.data.from_user : null;
  if (answer === 'accepted' && h.data.kind === 'sales_to_success' && typeof h.data.deal_id === 'string' && typeof h.data.to_user === 'string') {
    const deal = await s.records.get('pipeline.deal', h.data.deal_id);
    const receiver = await s.directory.user(h.data.to_user);
    if (deal && receiver && deal.owner !== receiver.id) await s.records.update('pipeline.deal', deal.id, { owner: receiver.id, orgUnit: receiver.orgUnitId });
  }
  if (answer === 'rejected' && sender && h.owner !== sender) {
    const unit = (await s.directory.user(sender))?.orgUnitId ?? null;
    await s.records.update(HANDOFF, h.id, { owner: sender, orgUnit: unit });
  }
  if (sender) {
    const accepted = answer === 'accepted';
    await s.notifications.send({
      users: [sender],
      kind: accepted ? 'handoff-accepted' : 'handoff-rejected',
      key: `settled:${h.id}:${answer}`,
      title: accepted ? { en: `Handoff accepted: ${titleOf(h)}`, 'zh-CN': `交接已被接受：${titleOf(h)}` } : { en: `Handoff returned: ${titleOf(h)}`, 'zh-CN': `交接被退回：${titleOf(h)}` },
      body: accepted ? null : { en: `Reason: ${String(h.data.reason ?? '')}`, 'zh-CN': `原因：${String(h.data.reason ?? '')}` },
      record: { id: h.id, type: HANDOFF },
    });
  }
  return answer;
}

const answer = { type: 'object', required: ['id', 'status'], additionalProperties: false, properties: { id: { type: 'string' }, status: { type: 'string' } } };

async function pendingFor(ctx: RouteContext): Promise<PluginRecord> {
  const id = ctx.params.id ?? '';
  const h = /^[0-9a-f-]{36}$/i.test(id) ? await ctx.records.get(HANDOFF, id) : null;
  if (!h) throw problem(404, 'not-found', `No handoff "${id}" that you may see.`);
  if (h.data.to_user !== ctx.caller.userId && !ctx.caller.roles.includes('admin') && !ctx.caller.roles.includes('manager')) throw problem(403, 'handoff.not-receiver', 'Only the receiver (or his manager) answers a handoff.', [{ pointer: '/to_user', message: 'is someone else' }]);
  if (h.data.status !== 'pending') throw problem(409, 'handoff.not-pending', `The handoff is ${String(h.data.status)}, not pending.`, [{ pointer: '/status', message: `is ${String(h.data.status)}` }]);
  return h;
}

/**
 * `POST /api/plugins/handoff/handoffs/:id/accept` (202): the receiver (his manager, an admin)
 * accepts a pending handoff; the answer and what follows are written by the `handoff_settled`
 * job, queued in this request's transaction.
 */
export const acceptRoute: PluginRoute = {
  method: 'post',
  path: '/handoffs/:id/accept',
  summary: 'Accept a handoff addressed to me',
  body: { type: 'object', additionalProperties: false, properties: {} },
  status: 202,
  response: answer,
  async handler(ctx) {
    const h = await pendingFor(ctx);
    await ctx.jobs.enqueue('handoff_settled', { id: h.id, answer: 'accepted', by: ctx.caller.userId, at: ctx.clock.now().toISOString() });
    return { id: h.id, status: 'accepted' };
  },
};

/** `POST /api/plugins/handoff/handoffs/:id/reject` (202): the receiver rejects with a reason; it returns to the sender (by the same job). */
export const rejectRoute: PluginRoute = {
  method: 'post',
  path: '/handoffs/:id/reject',
  summary: 'Reject a handoff addressed to me, with a reason (it returns to the sender)',
  body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } } },
  status: 202,
  response: answer,
  async handler(ctx) {
    const h = await pendingFor(ctx);
    await ctx.jobs.enqueue('handoff_settled', { id: h.id, answer: 'rejected', reason: String(ctx.body.reason).trim(), by: ctx.caller.userId, at: ctx.clock.now().toISOString() });
    return { id: h.id, status: 'rejected' };
  },
};


