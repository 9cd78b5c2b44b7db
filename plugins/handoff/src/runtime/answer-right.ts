import type { PluginRecord, PluginRoute, RouteContext } from './sdk-types';
import { SENT } from './lead-flow';
import { problem } from './problems';
import { HANDOFF } from './routing';

/**
 * Who may answer a handoff: its receiver, an admin, or the receiver's nearest manager (told
 * when it is late; he answers even when the handoff's sender is in a unit he does not see).
 * `seen`: the caller reads it himself. Null when the id is not a handoff the caller may see or answer.
 */
async function answerRight(ctx: RouteContext): Promise<{ h: PluginRecord; seen: boolean; allowed: boolean } | null> {
  const id = ctx.params.id ?? '';
  const valid = /^[0-9a-f-]{36}$/i.test(id);
  const seen = valid ? await ctx.records.get(HANDOFF, id) : null;
  const h = seen ?? (valid && ctx.caller.roles.includes('manager') ? await ctx.system.records.get(HANDOFF, id) : null);
  const me = ctx.caller.userId;
  const receiver = h?.data.to_user;
  const allowed = !!h && ((me !== null && receiver === me) || ctx.caller.roles.includes('admin') || (ctx.caller.roles.includes('manager') && typeof receiver === 'string' && (await ctx.directory.managersOf(receiver)).some((m) => m.id === me)));
  if (!h || (!seen && !allowed)) return null;
  return { h, seen: !!seen, allowed };
}

/**
 * The pending handoff the caller may answer (see `answerRight`). Others who see it get 403;
 * those who do not, 404; an answered one, 409.
 */
export async function pendingFor(ctx: RouteContext): Promise<PluginRecord> {
  const right = await answerRight(ctx);
  if (!right) throw problem(404, 'not-found', `No handoff "${ctx.params.id ?? ''}" that you may see.`);
  const { h, allowed } = right;
  if (!allowed) throw problem(403, 'handoff.not-receiver', 'Only the receiver (or his manager) answers a handoff.', [{ pointer: '/to_user', message: 'is someone else' }]);
  if (h.stage !== SENT) throw problem(409, 'handoff.not-pending', `The handoff is ${String(h.data.status)}, not pending.`, [{ pointer: '/status', message: `is ${String(h.data.status)}` }]);
  return h;
}

/**
 * `GET /api/plugins/handoff/handoffs/:id/answers`: what the caller may do with the handoff now
 * (`accept`, `reject`: true only for its receiver, his manager or an admin while it is pending),
 * so the studio offers exactly the answers the accept and reject routes take. 404 for a handoff
 * the caller neither sees nor may answer.
 */
export const answersRoute: PluginRoute = {
  method: 'get',
  path: '/handoffs/:id/answers',
  summary: 'What I may answer on a handoff (accept, reject) now',
  response: { type: 'object', required: ['id', 'stage', 'accept', 'reject'], additionalProperties: false, properties: { id: { type: 'string' }, stage: { type: ['string', 'null'] }, accept: { type: 'boolean' }, reject: { type: 'boolean' } } },
  async handler(ctx) {
    const right = await answerRight(ctx);
    if (!right) throw problem(404, 'not-found', `No handoff "${ctx.params.id ?? ''}" that you may see.`);
    const may = right.allowed && right.h.stage === SENT;
    return { id: right.h.id, stage: right.h.stage, accept: may, reject: may };
  },
};
