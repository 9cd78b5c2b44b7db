import type { PluginRecord, PluginServices } from '@pipewright/plugin-sdk';
import { daysBetween } from './allocate';
import { CONTRACT, INSTALMENT, currencyOf, today } from './store';

const statusOf = (err: unknown): number | null => (typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : null);

/** Instalments not fully paid whose due date has passed (earliest first). */
async function overdueInstalments(s: PluginServices, now: string): Promise<PluginRecord[]> {
  const out: PluginRecord[] = [];
  for (const status of ['open', 'partial']) {
    let cursor: string | undefined;
    scan: do {
      const page = await s.records.list(INSTALMENT, { filter: { status }, sort: 'due_date', limit: 500, ...(cursor ? { cursor } : {}) });
      for (const i of page.items) {
        if (String(i.data.due_date) >= now) break scan;
        if (Number(i.data.remaining ?? 1) > 0) out.push(i);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return out;
}

/** Stamps an instalment; false when another runtime stamped it first (its version moved). */
async function stamp(s: PluginServices, i: PluginRecord, field: 'reminded_at' | 'escalated_at'): Promise<boolean> {
  try {
    await s.records.update(INSTALMENT, i.id, { data: { [field]: s.clock.now().toISOString() } }, { expectedVersion: i.version });
    return true;
  } catch (err) {
    if (statusOf(err) === 412 || statusOf(err) === 409) return false;
    throw err;
  }
}

/**
 * Job `contract_overdue` (scheduled hourly): for each instalment past its due date and not fully
 * paid, tells the contract's owner once (`reminded_at`), and once it is `escalate_days` overdue
 * tells the owner's managers once (`escalated_at`). Notifications are keyed per instalment and
 * step, so two runtimes running the job at once (or a retried job) notify each person once; the
 * stamps are written with the version read, so only one of them writes each.
 *
 * @example
 * ```ts
 * await overdueJob({}, services); // { reminded: 3, escalated: 1 }
 * ```
 */
export async function overdueJob(_data: Record<string, unknown>, s: PluginServices): Promise<{ reminded: number; escalated: number }> {
  const now = today(s);
  const after = Number(s.config.contract_escalate_days ?? 15);
  let reminded = 0;
  let escalated = 0;
  for (let i of await overdueInstalments(s, now)) {
    const contract = await s.records.get(CONTRACT, String(i.data.contract_id));
    if (!contract?.owner) continue;
    const days = daysBetween(String(i.data.due_date), now);
    const number = String(contract.data.number);
    const due = `${String(i.data.remaining)} ${currencyOf(contract.data.value)}`;
    const record = { id: contract.id, type: CONTRACT };
    if (!i.data.reminded_at) {
      await s.notifications.send({ users: [contract.owner], kind: 'contract-overdue', key: `overdue:${i.id}:owner`, title: { en: `Payment overdue: ${number} instalment ${String(i.data.seq)}`, 'zh-CN': `回款逾期：${number} 第 ${String(i.data.seq)} 期` }, body: { en: `${due} was due on ${String(i.data.due_date)} (${days} days ago).`, 'zh-CN': `${due} 应于 ${String(i.data.due_date)} 回款（已逾期 ${days} 天）。` }, record, data: { instalment: i.id, days } });
      if (await stamp(s, i, 'reminded_at')) reminded++;
      i = (await s.records.get(INSTALMENT, i.id)) ?? i;
    }
    if (days >= after && !i.data.escalated_at) {
      const managers = (await s.directory.managersOf(contract.owner)).map((m) => m.id);
      if (managers.length) await s.notifications.send({ users: managers, kind: 'contract-overdue-escalated', key: `overdue:${i.id}:escalated`, title: { en: `Escalated: payment ${days} days overdue on ${number}`, 'zh-CN': `升级提醒：${number} 回款已逾期 ${days} 天` }, body: { en: `Instalment ${String(i.data.seq)}: ${due} was due on ${String(i.data.due_date)}.`, 'zh-CN': `第 ${String(i.data.seq)} 期：${due} 应于 ${String(i.data.due_date)} 回款。` }, record, data: { instalment: i.id, days } });
      if (await stamp(s, i, 'escalated_at')) escalated++;
    }
  }
  s.log.info('contract overdue check', { reminded, escalated });
  return { reminded, escalated };
}
