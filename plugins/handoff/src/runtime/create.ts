import { renderTemplate, type ActionContext } from '@pipewright/plugin-sdk';

/** The handoff entity (plugin-local id `handoff`). */
const HANDOFF = 'handoff.handoff';
/** The entity a handoff's `deal_id` names (see schemas/handoff.schema.json `references`). */
const DEAL = 'pipeline.deal';
const ACCOUNT = 'crm.account';
const SUMMARY_MAX = 2000;

/**
 * `handoff.create`: creates a pending handoff about the record the action concerns, from the
 * record's owner, with the configured kind, priority, policy and summary (a template over the
 * record's fields). The record's owner and org unit own the handoff, so the rep who asked sees
 * it. Idempotent: a repeated delivery finds the handoff it created (same id) and creates none.
 * Routing to a receiver (`to_user`, `due_at`) is left to the routing step.
 *
 * @example
 * ```ts
 * // in a process: { "type": "handoff.create", "config": { "kind": "sales_to_presales", "summary": "Proposal support for {{name}}" } }
 * await createHandoff(ctx); // { handoff: '5c0f...', created: true }
 * ```
 */
export async function createHandoff(ctx: ActionContext): Promise<{ handoff: string; created: boolean }> {
  const record = ctx.record;
  if (!record) throw new Error('handoff.create needs the record it is about, and that record no longer exists.');
  const config = ctx.config;
  const template = typeof config.summary === 'string' && config.summary.trim() !== '' ? config.summary : `Handoff: ${titleOf(record.data)}`;
  const summary = renderTemplate(template, record.data).trim().slice(0, SUMMARY_MAX) || 'Handoff';
  const data: Record<string, unknown> = { kind: config.kind, status: 'pending', summary, priority: typeof config.priority === 'string' ? config.priority : 'normal', reassignments: 0 };
  if (typeof config.policy === 'string') data.policy_id = config.policy;
  if (record.owner) data.from_user = record.owner;
  if (record.type === DEAL) data.deal_id = record.id;
  else if (typeof record.data.deal_id === 'string' && (await ctx.records.get(DEAL, record.data.deal_id))) data.deal_id = record.data.deal_id;
  // Any process may call it: only a field that really names an account is copied (another
  // entity's `account_id` may mean something else, and a refused reference would fail the action for good).
  if (typeof record.data.account_id === 'string' && (await ctx.records.get(ACCOUNT, record.data.account_id))) data.account_id = record.data.account_id;
  for (const [f, max] of [['company_name', 200], ['contact_name', 200], ['country', 100]] as const) if (typeof record.data[f] === 'string' && record.data[f] !== '') data[f] = String(record.data[f]).slice(0, max);
  const { id, created } = await ctx.records.create(HANDOFF, { data, owner: record.owner, orgUnit: record.orgUnit });
  return { handoff: id, created };
}

function titleOf(data: Record<string, unknown>): string {
  for (const f of ['name', 'company_name', 'title', 'subject']) if (typeof data[f] === 'string' && data[f] !== '') return data[f] as string;
  return 'record';
}
