import type { PluginRecord, PluginServices } from './sdk-types';
import { statusOf } from './problems';
import { HANDOFF } from './routing';

/** The SLA's last step for a handoff: what it did. */
export type ExpiryOutcome = 'expired' | 'stale' | 'no expire move';

/**
 * Expires a handoff nobody accepted in time (the acceptance SLA's last step, ADR 029 addendum):
 * moves it to `expired` through its kind's process (`expire` transition, by the one writer:
 * history, event, the hook stamps `resolved_at` and drops the deadline), as the plugin, with
 * compare-and-set on the version the SLA read, so two runtimes delivering the same step expire it
 * once (the loser gets 412 and reports `stale`); then tells the sender (it stays his: a handoff
 * never left its sender before acceptance) and the late receiver, once per handoff each. A kind
 * whose process has no `expire` move (its process says it does not expire) keeps waiting.
 */
export async function expireHandoff(s: PluginServices, h: PluginRecord, round: number): Promise<ExpiryOutcome> {
  try {
    await s.records.move(HANDOFF, h.id, { to: 'expired', transition: 'expire', expectedVersion: h.version });
  } catch (err) {
    const status = statusOf(err);
    if (status === 412) return 'stale';
    if (status !== null && status >= 400 && status < 500) {
      s.log.warn('handoff not expired: its process refuses the move', { id: h.id, status, message: err instanceof Error ? err.message : String(err) });
      return 'no expire move';
    }
    throw err;
  }
  const title = String(h.data.summary ?? '').slice(0, 200);
  const receiver = typeof h.data.to_user === 'string' ? h.data.to_user : null;
  const sender = typeof h.data.from_user === 'string' ? h.data.from_user : h.owner;
  const name = receiver ? ((await s.directory.user(receiver))?.name ?? receiver) : '—';
  if (sender) {
    await s.notifications.send({
      users: [sender],
      kind: 'handoff-expired',
      key: `expired:${h.id}`,
      title: { en: `Handoff expired: ${title}`, 'zh-CN': `交接已过期：${title}` },
      body: { en: `Nobody accepted it in time (last assigned to ${name}); it stays with you.`, 'zh-CN': `无人按时接受（最后分配给 ${name}）；它仍由你负责。` },
      record: { id: h.id, type: HANDOFF },
      data: { receiver, round },
    });
  }
  if (receiver) {
    await s.notifications.send({
      users: [receiver],
      kind: 'handoff-expired-receiver',
      key: `expired-receiver:${h.id}`,
      title: { en: `Handoff expired before you accepted it: ${title}`, 'zh-CN': `交接在你接受前已过期：${title}` },
      record: { id: h.id, type: HANDOFF },
    });
  }
  return 'expired';
}
