import type { PluginRecord, PluginServices, RecordChange } from '@pipewright/plugin-sdk';

const DEAL = 'pipeline.deal';
const ACCOUNT = 'crm.account';
/** Stages of the shipped processes that close a deal as won, and as lost. */
const WON = new Set(['won', 'renewed']);
const LOST = new Set(['lost', 'churned']);

/** What crm's account keeps of its deals (fields of crm.account its grading rule may read). */
export interface DealSummary {
  won_value: number;
  won_deals: number;
  open_deals: number;
}

/**
 * The summary of one account's deals: the close values of its won deals added up (amounts as
 * stored), how many are won, and how many are still open.
 *
 * @example
 * ```ts
 * summarise([{ stage: 'won', data: { close_value: { amount: 500, currency: 'USD' } } }]); // { won_value: 500, won_deals: 1, open_deals: 0 }
 * ```
 */
export function summarise(deals: Pick<PluginRecord, 'stage' | 'data'>[]): DealSummary {
  let wonValue = 0;
  let won = 0;
  let open = 0;
  for (const d of deals) {
    if (d.stage && WON.has(d.stage)) {
      won++;
      const v = (d.data.close_value as { amount?: unknown } | undefined)?.amount;
      if (typeof v === 'number') wonValue += v;
    } else if (!d.stage || !LOST.has(d.stage)) open++;
  }
  return { won_value: Math.round(wonValue * 100) / 100, won_deals: won, open_deals: open };
}

/** A deal's class for its account's summary: won, lost or still open. */
const classOf = (stage: string | null | undefined) => (stage && WON.has(stage) ? 'won' : stage && LOST.has(stage) ? 'lost' : 'open');
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The deal hooks' `when`: which deal changes can matter to the collision check and the account
 * summary. Every create, delete and edit (an edit may change the owner); a stage move only when it
 * changes the deal's class (open, won, lost), its account or its close value. A move between two
 * open stages, most of a pipeline's moves, wants nothing and takes the platform's fast path.
 *
 * @example
 * ```ts
 * dealChangeMatters({ operation: 'update', type: 'pipeline.deal', before, data: before.data, transition: { from: 'engaging', to: 'won', id: null } }); // true
 * ```
 */
export function dealChangeMatters(change: RecordChange): boolean {
  const before = change.before;
  if (change.operation !== 'update' || !change.transition || !before) return true;
  return classOf(before.stage) !== classOf(change.transition.to) || !same(before.data.account_id, change.data.account_id) || !same(before.data.close_value, change.data.close_value);
}

const differs = (a: Record<string, unknown>, s: DealSummary) => a.won_value !== s.won_value || a.won_deals !== s.won_deals || a.open_deals !== s.open_deals;

/** Writes the summary onto the account when it changed (crm's hooks then regrade it). Returns whether it wrote. */
async function write(s: PluginServices, account: PluginRecord, summary: DealSummary): Promise<boolean> {
  if (!differs(account.data, summary)) return false;
  await s.records.update(ACCOUNT, account.id, { data: { ...summary } }, { expectedVersion: account.version });
  return true;
}

async function all(s: PluginServices, type: string, filter?: Record<string, string>): Promise<PluginRecord[]> {
  const out: PluginRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await s.records.list(type, { limit: 200, sort: 'createdAt', ...(filter ? { filter } : {}), ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/**
 * The job `summarise_accounts` (as the plugin, which sees every deal): with `accounts`, those
 * accounts; without, every account (nightly and after the demo seed, whose imports write without
 * hooks). Returns how many accounts were written.
 */
export async function summariseAccounts(s: PluginServices, accounts?: string[]): Promise<number> {
  let written = 0;
  if (accounts) {
    for (const id of new Set(accounts)) {
      const account = await s.records.get(ACCOUNT, id);
      if (account && (await write(s, account, summarise(await all(s, DEAL, { account_id: id }))))) written++;
    }
    return written;
  }
  const byAccount = new Map<string, PluginRecord[]>();
  for (const d of await all(s, DEAL)) if (typeof d.data.account_id === 'string') byAccount.set(d.data.account_id, [...(byAccount.get(d.data.account_id) ?? []), d]);
  for (const account of await all(s, ACCOUNT)) if (await write(s, account, summarise(byAccount.get(account.id) ?? []))) written++;
  return written;
}

/**
 * The afterChange step on deals: a deal created, deleted, moved to another account, won, lost or
 * reopened, or whose close value changed enqueues `summarise_accounts` for its account(s), in the write's
 * transaction (the job exists only if the write commits). The job rewrites the account's
 * summary, and crm's account hooks regrade it: grading runs when an account's deals change.
 */
export async function summaryAfterChange(change: RecordChange & { after: PluginRecord }, s: PluginServices): Promise<void> {
  const before = change.before;
  const after = change.after;
  const accounts = [before?.data.account_id, after.data.account_id].filter((v): v is string => typeof v === 'string');
  if (accounts.length === 0) return;
  const moved = !before || change.operation === 'delete' || before.data.account_id !== after.data.account_id || classOf(before.stage) !== classOf(after.stage) || !same(before.data.close_value, after.data.close_value);
  if (!moved) return;
  await s.jobs.enqueue('summarise_accounts', { accounts: [...new Set(accounts)] });
}
