import { renderTemplate, type ActionContext } from '@pipewright/plugin-sdk';

const ACTIVITY = 'crm.activity';
/** The deal entity, named by id: crm does not depend on pipeline (activity.schema.json references it the same way). */
const DEAL = 'pipeline.deal';

/**
 * The `crm.create_activity` action (alias `core.create_activity`, the id process versions
 * stored before it moved here still name): creates one activity, a task by default, linked to
 * the record (and to its account when the record has `account_id`), owned by the assignee or
 * else the record owner, due `dueInDays` after now by the platform clock. Once per action
 * execution: a repeated delivery finds the activity it created.
 *
 * @example
 * ```ts
 * definePlugin({ actions: { create_activity: createActivity } });
 * ```
 */
export async function createActivity(ctx: ActionContext): Promise<{ activity: string | null }> {
  const record = ctx.record;
  if (!record) {
    ctx.log.warn('create_activity: the record is gone, no activity created', { key: ctx.idempotencyKey });
    return { activity: null };
  }
  const config = ctx.config;
  const [assignee] = await ctx.recipients(config.assignTo as { role?: string; user?: string } | undefined);
  const body: Record<string, unknown> = {
    kind: typeof config.kind === 'string' ? config.kind : 'task',
    subject: renderTemplate(String(config.subject), record.data).slice(0, 200) || 'Follow up',
    done: false,
  };
  if (typeof config.description === 'string') body.description = renderTemplate(config.description, record.data);
  if (typeof config.dueInDays === 'number') body.due_date = new Date(ctx.clock.now().getTime() + config.dueInDays * 86_400_000).toISOString().slice(0, 10);
  if (record.type === DEAL) body.deal_id = record.id;
  if (typeof record.data.account_id === 'string') body.account_id = record.data.account_id;
  const { id } = await ctx.records.create(ACTIVITY, { data: body, owner: assignee ?? record.owner, orgUnit: record.orgUnit });
  return { activity: id };
}
