import type { PluginRuntime } from '@pipewright/plugin-sdk';
import type { HookProblem, PluginRecord, PluginRoute, PluginServices, RouteContext } from './sdk-types';
import { SENT, assignLead, titleOf } from './lead-flow';
import { pendingFor } from './answer-right';
import { HANDOFF, route } from './routing';

type Hooks = NonNullable<NonNullable<PluginRuntime['hooks']>[string]>;
type RecordHooks = Required<Pick<Hooks, 'beforeChange' | 'validate' | 'afterChange'>>;

/** The context checklist of each kind: the fields the receiver needs, required when it is sent. */
export const CHECKLIST: Record<string, readonly string[]> = {
  // Leads carry marketing's checklist (the lead process); a marketing_to_sales handoff record
  // (kept for existing data and metrics) needs its summary only.
  marketing_to_sales: ['summary'],
  presales_to_sales: ['summary', 'deal_id'],
  sales_to_presales: ['summary', 'deal_id'],
  sales_to_success: ['summary', 'deal_id', 'account_id'],
};

/** Each kind's process (plugins/handoff/processes), which its records start in (`startsWhen`). */
export const processOf = (kind: unknown): string => `handoff_${String(kind)}`;
/** A handoff's `status`, kept for its readers (metrics, lists), mirrors its stage. */
export const STATUS_OF_STAGE: Record<string, string> = { sent: 'pending', accepted: 'accepted', rejected: 'rejected', expired: 'expired' };

const isSystem = (s: PluginServices) => s.caller.id.startsWith('system:');
const isBoss = (s: PluginServices) => s.caller.roles.includes('admin') || s.caller.roles.includes('manager');

/**
 * Hooks on handoffs. Each kind is a process (sent -> accepted | rejected | expired); the hooks
 * keep what the process cannot say: a new one must carry its kind's checklist (422 naming each
 * missing field; the `sent` stage requires the same) and is routed by a job after commit; its
 * `status` mirrors the stage (written here on each move, never by an edit); only the receiver
 * (his manager, an admin) or the plugin's routes answer it.
 */
export const handoffHooks: RecordHooks = {
  beforeChange(change, s) {
    if (change.operation === 'delete') return;
    const d = change.data;
    if (change.operation === 'create') return { ...d, status: d.status ?? 'pending' };
    const t = change.transition;
    if (!t) return;
    const at = s.clock.now().toISOString();
    const status = STATUS_OF_STAGE[t.to] ?? String(d.status);
    const user = isSystem(s) ? null : s.caller.userId;
    // The whole body is returned (not a patch): an answered handoff has no deadline any more.
    const { due_at: _due, ...rest } = d;
    if (t.to === 'accepted') return { ...rest, status, accepted_at: d.accepted_at ?? at, ...(d.accepted_by ?? user ? { accepted_by: d.accepted_by ?? user } : {}) };
    if (t.to === 'rejected' || t.to === 'expired') return { ...rest, status, resolved_at: d.resolved_at ?? at };
    return { ...d, status };
  },
  validate(change, s) {
    if (change.operation === 'delete') return [];
    const d = change.data;
    const problems: HookProblem[] = [];
    if (change.operation === 'create') {
      for (const f of CHECKLIST[String(d.kind)] ?? []) if (d[f] === undefined || d[f] === null || d[f] === '') problems.push({ pointer: `/data/${f}`, message: `a ${String(d.kind)} handoff needs it`, code: 'handoff.checklist' });
      if (d.status !== 'pending') problems.push({ pointer: '/data/status', message: 'a handoff starts pending (it is answered by accepting or rejecting it)', code: 'handoff.status' });
      return problems;
    }
    const before = change.before?.data ?? {};
    if (d.kind !== before.kind) problems.push({ pointer: '/data/kind', message: 'a handoff keeps its kind (its process is the kind\'s)', code: 'handoff.kind' });
    if (!change.transition) {
      if (d.status !== before.status) problems.push({ pointer: '/data/status', message: 'the status follows the stage: accept or reject the handoff', code: 'handoff.status' });
      return problems;
    }
    if (isSystem(s)) return problems;
    const answering = change.transition.to === 'accepted' || change.transition.to === 'rejected';
    if (answering && s.caller.userId !== before.to_user && !isBoss(s)) problems.push({ pointer: '/to_user', message: 'only the receiver accepts or rejects a handoff', code: 'handoff.not-receiver' });
    return problems;
  },
  async afterChange(change, s) {
    if (change.operation === 'create' && typeof change.after.data.to_user !== 'string') await s.jobs.enqueue('route_handoff', { id: change.after.id });
  },
};

/** Job `route_handoff`: routes a new handoff by the rules for its kind (once: the key is the handoff's). */
export async function routeHandoffJob(data: Record<string, unknown>, s: PluginServices): Promise<string> {
  const h = await s.records.get(HANDOFF, String(data.id ?? ''));
  if (!h || h.stage !== SENT || typeof h.data.to_user === 'string') return 'stale';
  const a = await route(s, { appliesTo: String(h.data.kind), item: h.data, key: `handoff:${h.id}:0` });
  // Without a match the handoff stays as it was, with its sender (nothing is written: a handoff
  // made by a process action keeps exactly the body the action gave it).
  if (!a) return 'no match';
  const from = typeof h.data.from_user === 'string' ? h.data.from_user : h.owner;
  await assignLead(s, h, a, { from, round: 0 });
  return `assigned ${a.user}`;
}

/**
 * What an answer does, in the answering route's transaction, as the plugin (the receiver may not
 * see what the handoff is about, e.g. the won deal he is being given, nor change the handoff
 * before it is his): the move through the kind's process (`records.move`: the stage's
 * requirements, the reject guard, stage history and the event, by the one writer); on accept the
 * receiver becomes owner of the handoff and of what it is about (its deal; a sales -> customer
 * success handoff's account too), the sender keeps reading them (a read share where he owned
 * them); the sender is told. A rejected handoff stays its sender's (it never stopped being).
 */
async function settle(ctx: RouteContext, h: PluginRecord, answer: 'accepted' | 'rejected', reason: string | null): Promise<PluginRecord> {
  const s = ctx.system;
  const me = ctx.caller.userId;
  const data = answer === 'accepted' ? { accepted_by: me, accepted_at: ctx.clock.now().toISOString() } : { reason };
  let { record } = await s.records.move(HANDOFF, h.id, { to: answer, transition: answer === 'accepted' ? 'accept' : 'reject', data, expectedVersion: h.version, language: ctx.language });
  const sender = typeof h.data.from_user === 'string' ? h.data.from_user : h.owner;
  if (answer === 'accepted' && typeof h.data.to_user === 'string') {
    const receiver = await s.directory.user(h.data.to_user);
    if (receiver) {
      record = await s.records.update(HANDOFF, h.id, { owner: receiver.id, orgUnit: receiver.orgUnitId });
      for (const [type, id] of [['pipeline.deal', h.data.deal_id], ['crm.account', h.data.kind === 'sales_to_success' ? h.data.account_id : undefined]] as const) {
        if (typeof id !== 'string') continue;
        const subject = await s.records.get(type, id);
        if (!subject || subject.owner === receiver.id) continue;
        await s.records.update(type, id, { owner: receiver.id, orgUnit: receiver.orgUnitId });
        if (sender && subject.owner === sender) await s.records.share(type, id, { userId: sender, access: 'read' });
      }
    }
  }
  if (sender) {
    const accepted = answer === 'accepted';
    await s.notifications.send({
      users: [sender],
      kind: accepted ? 'handoff-accepted' : 'handoff-rejected',
      key: `settled:${h.id}:${answer}`,
      title: accepted ? { en: `Handoff accepted: ${titleOf(h)}`, 'zh-CN': `交接已被接受：${titleOf(h)}` } : { en: `Handoff returned: ${titleOf(h)}`, 'zh-CN': `交接被退回：${titleOf(h)}` },
      body: accepted ? null : { en: `Reason: ${String(reason ?? '')}`, 'zh-CN': `原因：${String(reason ?? '')}` },
      record: { id: h.id, type: HANDOFF },
    });
  }
  return record;
}

const answer = { type: 'object', required: ['id', 'status', 'stage'], additionalProperties: false, properties: { id: { type: 'string' }, status: { type: 'string' }, stage: { type: 'string' }, owner: { type: ['string', 'null'] } } };

/**
 * `POST /api/plugins/handoff/handoffs/:id/accept` (202, kept from when a job answered): the
 * receiver (his manager, an admin) accepts a pending handoff; it moves to `accepted` through its
 * kind's process and he becomes owner of it and of what it is about, in this request's transaction.
 */
export const acceptRoute: PluginRoute = {
  method: 'post',
  path: '/handoffs/:id/accept',
  summary: 'Accept a handoff addressed to me (I become owner of it and of its deal)',
  body: { type: 'object', additionalProperties: false, properties: {} },
  status: 202,
  response: answer,
  async handler(ctx) {
    const r = await settle(ctx, await pendingFor(ctx), 'accepted', null);
    return { id: r.id, status: String(r.data.status), stage: String(r.stage), owner: r.owner };
  },
};

/** `POST /api/plugins/handoff/handoffs/:id/reject` (202): the receiver rejects with a reason; it moves to `rejected` and stays with its sender, who is told why. */
export const rejectRoute: PluginRoute = {
  method: 'post',
  path: '/handoffs/:id/reject',
  summary: 'Reject a handoff addressed to me, with a reason (it returns to the sender)',
  body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } } },
  status: 202,
  response: answer,
  async handler(ctx) {
    const r = await settle(ctx, await pendingFor(ctx), 'rejected', String(ctx.body.reason).trim());
    return { id: r.id, status: String(r.data.status), stage: String(r.stage), owner: r.owner };
  },
};
