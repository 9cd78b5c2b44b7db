import { ProcessError, textIn, type Assignee } from '@pipewright/core';
import { sql, type Kysely } from 'kysely';
import { systemPrincipal } from '../auth/principal';
import type { Database } from '../db/tables';
import type { SlaJob, StageDefinitions } from './payloads';
import { appendEvent } from '../records/writer';
import { toView } from '../records/view';
import { notify, recipients } from './recipients';

const PROCESS = systemPrincipal('sla');

/**
 * Handles an SLA timer. A breach is recorded once per stage stay (the `sla_breaches` primary
 * key is the history row), with a notification to the owner, an escalation to the stage's
 * `escalateTo`, and an `sla.breach` event, all in one transaction; a stay that already ended is
 * a no-op. Safe with any number of workers and re-deliveries.
 *
 * @example
 * ```ts
 * await handleSlaJob(db, definitions, { historyId: '42', kind: 'breach' }, 'host:123');
 * ```
 */
export async function handleSlaJob(db: Kysely<Database>, definitions: StageDefinitions, job: SlaJob, worker: string): Promise<'breached' | 'warned' | 'skipped'> {
  return db.transaction().execute(async (tx) => {
    const stay = await tx.selectFrom('stage_history').selectAll().where('id', '=', job.historyId).forUpdate().executeTakeFirst();
    if (!stay || stay.exited_at !== null || stay.due_at === null) return 'skipped';
    const record = await tx.selectFrom('records').selectAll().where('id', '=', stay.record_id).where('deleted_at', 'is', null).executeTakeFirst();
    if (!record) return 'skipped';
    const now = new Date((await sql<{ now: Date }>`select now() as now`.execute(tx)).rows[0]?.now ?? Date.now());
    const due = new Date(stay.due_at);
    const compiled = await definitions.version(stay.process_id, stay.process_version, tx);
    const stage = compiled.stages.get(stay.stage);
    const view = toView(record);
    const name = String(view.data.name ?? record.id);
    const label = (locale: 'en' | 'zh-CN') => (stage ? textIn(stage.label, locale) : stay.stage);
    if (job.kind === 'warn') {
      const texts = slaTexts('warn', name, label, due, record.owner_id);
      const n = await notify(tx, record.owner_id ? [record.owner_id] : [], { kind: 'sla-warning', key: `sla-warn:${stay.id}`, title: texts.title.en, body: texts.body.en, record: { id: record.id, type: record.type }, data: { historyId: stay.id, dueAt: due.toISOString(), i18n: texts }, at: now });
      return n > 0 ? 'warned' : 'skipped';
    }
    if (now.getTime() + 1000 < due.getTime()) throw new ProcessError({ code: 'sla.early', message: `SLA timer for stay ${stay.id} fired before ${due.toISOString()}; retrying.` });
    const escalateTo = stage?.sla?.escalateTo as Assignee | undefined;
    const escalated = escalateTo ? await recipients(tx, record, escalateTo) : [];
    const inserted = await tx
      .insertInto('sla_breaches')
      .values({ history_id: stay.id, record_id: record.id, process_id: stay.process_id, stage: stay.stage, due_at: due, breached_at: now, escalated_to: JSON.stringify(escalated), handled_by: worker })
      .onConflict((oc) => oc.column('history_id').doNothing())
      .returning('history_id')
      .executeTakeFirst();
    if (!inserted) return 'skipped';
    const ref = { id: record.id, type: record.type };
    const data = { historyId: stay.id, stage: stay.stage, dueAt: due.toISOString(), escalatedTo: escalated };
    const breach = slaTexts('breach', name, label, due, record.owner_id);
    const escalation = slaTexts('escalation', name, label, due, record.owner_id);
    await notify(tx, record.owner_id ? [record.owner_id] : [], { kind: 'sla-breach', key: `sla-breach:${stay.id}`, title: breach.title.en, body: breach.body.en, record: ref, data: { ...data, i18n: breach }, at: now });
    await notify(tx, escalated, { kind: 'sla-escalation', key: `sla-escalation:${stay.id}`, title: escalation.title.en, body: escalation.body.en, record: ref, data: { ...data, i18n: escalation }, at: now });
    await appendEvent(tx, { record: view, action: 'sla.breach', actor: PROCESS, at: now, before: null, after: null, meta: data });
    return 'breached';
  });
}

type Localized = { en: string; 'zh-CN': string };

/**
 * An SLA notification's title and body in English and Simplified Chinese (the API answers the
 * reader's language from `data.i18n`; the English one is also the stored text).
 *
 * @example
 * ```ts
 * slaTexts('breach', 'Acme renewal', (l) => (l === 'en' ? 'Proposal' : '方案'), due, 'ada').title['zh-CN']; // '已超时：Acme renewal（方案）'
 * ```
 */
export function slaTexts(kind: 'warn' | 'breach' | 'escalation', name: string, label: (locale: 'en' | 'zh-CN') => string, due: Date, owner: string | null): { title: Localized; body: Localized } {
  const at = due.toISOString();
  switch (kind) {
    case 'warn':
      return { title: { en: `Due soon: ${name} in ${label('en')}`, 'zh-CN': `即将超时：${name}（${label('zh-CN')}）` }, body: { en: `The stage SLA ends at ${at}.`, 'zh-CN': `阶段时限截止于 ${at}。` } };
    case 'breach':
      return { title: { en: `Overdue: ${name} in ${label('en')}`, 'zh-CN': `已超时：${name}（${label('zh-CN')}）` }, body: { en: `It has been in the stage beyond its SLA (due ${at}).`, 'zh-CN': `停留时间已超过阶段时限（截止 ${at}）。` } };
    case 'escalation':
      return { title: { en: `Escalated: ${name} is overdue in ${label('en')}`, 'zh-CN': `已升级：${name} 在「${label('zh-CN')}」超时` }, body: { en: `Owner: ${owner ?? 'nobody'}; due ${at}.`, 'zh-CN': `负责人：${owner ?? '无'}；截止 ${at}。` } };
  }
}
