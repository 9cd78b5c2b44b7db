import type { PluginServices } from '@pipewright/plugin-sdk';
import { CYCLE, KEY_RESULT, latestCheckIns, listAll } from './compute';
import { daysBetween } from './model';

/**
 * Staleness reminders: for every key result of an active cycle whose latest check-in (or, with
 * none, its creation) is `stale_days` old or more, its owner gets an in-app notification; at
 * `escalate_days` the owner's managers get one too. Each is sent once per key result and stale
 * spell: the key names the last check-in, so a new check-in followed by a new silence reminds
 * again. Runs as the scheduled job `stale_check_ins` and through `POST .../reminders/run`.
 *
 * @example
 * ```ts
 * await sendStaleReminders(services); // { owners: 2, managers: 1 }
 * ```
 */
export async function sendStaleReminders(s: PluginServices): Promise<{ owners: number; managers: number }> {
  const staleDays = Number(s.config.stale_days ?? 14);
  const escalateDays = Number(s.config.escalate_days ?? 21);
  const now = s.clock.now();
  let owners = 0;
  let managers = 0;
  for (const cycle of await listAll(s, CYCLE, { state: 'active' })) {
    const krs = (await listAll(s, KEY_RESULT, { cycle_id: cycle.id })).filter((k) => k.owner && k.data.kind !== 'metric');
    const latest = await latestCheckIns(s, krs);
    for (const kr of krs) {
      const last = latest.get(kr.id);
      const since = new Date(typeof last?.data.date === 'string' ? last.data.date : (last?.createdAt ?? kr.createdAt));
      const days = daysBetween(since, now);
      if (days < staleDays || !kr.owner) continue;
      const spell = `${kr.id}:${last?.id ?? 'none'}`;
      const title = String(kr.data.title);
      owners += await s.notifications.send({
        users: [kr.owner],
        kind: 'stale',
        key: `stale:${spell}`,
        title: { en: `Check in on "${title}"`, 'zh-CN': `请更新关键成果“${title}”的进展` },
        body: { en: `No check-in for ${days} days.`, 'zh-CN': `已有 ${days} 天没有更新进展。` },
        record: { id: kr.id, type: KEY_RESULT },
        data: { days },
      });
      if (days < escalateDays) continue;
      const bosses = (await s.directory.managersOf(kr.owner)).map((u) => u.id);
      if (bosses.length === 0) continue;
      const owner = (await s.directory.user(kr.owner))?.name ?? kr.owner;
      managers += await s.notifications.send({
        users: bosses,
        kind: 'stale-escalated',
        key: `stale-escalated:${spell}`,
        title: { en: `${owner} has not checked in on "${title}"`, 'zh-CN': `${owner} 未更新关键成果“${title}”的进展` },
        body: { en: `No check-in for ${days} days.`, 'zh-CN': `已有 ${days} 天没有更新进展。` },
        record: { id: kr.id, type: KEY_RESULT },
        data: { days, owner: kr.owner },
      });
    }
  }
  return { owners, managers };
}
