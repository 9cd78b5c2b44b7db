import type { Kysely } from 'kysely';
import { systemPrincipal } from '../auth/principal';
import type { Database } from '../db/tables';
import { appendEvent } from '../records/writer';
import { toView } from '../records/view';
import { notify, recipients } from './recipients';

const ACTOR = systemPrincipal('approvals');

/**
 * Escalates the approval requests (ADR 028) still waiting past their timeout, once each: the
 * holders of the request's escalation role nearest above its approvers' own units (not the
 * approvers, not the requester) may then decide in the waiting approver's place, and are told in
 * both languages. Run by the maintenance job; a request another runtime is escalating is skipped
 * (row lock, `skip locked`), and `escalated_at` makes a second run do nothing. Returns how many
 * requests it escalated.
 *
 * @example
 * ```ts
 * await escalateApprovals(db, new Date()); // 2
 * ```
 */
export async function escalateApprovals(db: Kysely<Database>, now: Date): Promise<number> {
  let done = 0;
  for (;;) {
    const escalated = await db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('approval_requests').selectAll().where('status', '=', 'pending').where('escalated_at', 'is', null).where('due_at', '<=', now).orderBy('due_at').limit(1).forUpdate().skipLocked().executeTakeFirst();
      if (!row) return null;
      const approvers = (typeof row.approvers === 'string' ? JSON.parse(row.approvers) : row.approvers) as string[];
      const role = row.escalate_role ?? 'manager';
      const found = new Set<string>();
      for (const approver of approvers) {
        const unit = (await tx.selectFrom('users').select('org_unit_id').where('id', '=', approver).executeTakeFirst())?.org_unit_id ?? null;
        const parent = unit ? ((await tx.selectFrom('org_units').select('parent_id').where('id', '=', unit).executeTakeFirst())?.parent_id ?? null) : null;
        if (parent) for (const u of await recipients(tx, { owner_id: null, org_unit_id: parent }, { role })) found.add(u);
      }
      for (const u of [...approvers, row.requester_user]) if (u) found.delete(u);
      const to = [...found].sort();
      await tx.updateTable('approval_requests').set({ escalated_to: JSON.stringify(to), escalated_at: now }).where('id', '=', row.id).execute();
      const record = await tx.selectFrom('records').selectAll().where('id', '=', row.record_id).executeTakeFirst();
      if (record) {
        const data = (typeof record.data === 'string' ? JSON.parse(record.data) : record.data) as Record<string, unknown>;
        const title = String(data.name ?? data.title ?? record.id);
        const i18n = {
          title: { en: `Approval overdue: ${title}`, 'zh-CN': `审批已超时：${title}` },
          body: row.kind === 'edit'
            ? { en: `A change of ${title} has waited for approval past its deadline; you may approve or reject it in the approvers' place.`, 'zh-CN': `${title} 的修改申请已超过审批时限；您可以代替审批人批准或驳回。` }
            : { en: `A move of ${title} has waited for approval past its deadline; you may approve or reject it in the approvers' place.`, 'zh-CN': `${title} 的移动申请已超过审批时限；您可以代替审批人批准或驳回。` },
        };
        await notify(tx, to, { kind: 'approval-escalated', key: `approval-escalated:${row.id}`, title: i18n.title.en, body: i18n.body.en, record: { id: record.id, type: record.type }, data: { approvalId: row.id, i18n }, at: now });
        await appendEvent(tx, { record: toView(record), action: 'approval.escalate', actor: ACTOR, at: now, before: null, after: null, meta: { approval: row.id, to } });
      }
      return row.id;
    });
    if (!escalated) return done;
    done++;
  }
}
