import type { ComputedValues, PluginRecord, PluginServices, RecordChange } from '@pipewright/plugin-sdk';

/** The deal entity and the account entity it points at (crm's, a dependency). */
const DEAL = 'pipeline.deal';
const ACCOUNT = 'crm.account';

/** The notification kind of a deal collision (撞单); the platform prefixes it with `pipeline.`. */
export const COLLISION_KIND = 'deal_collision';

/** What a deal collision is: the deal's owner is not the owner of the account it is on. */
export interface Collision {
  account: string;
  accountName: string | null;
  accountOwner: string;
  dealOwner: string;
}

/**
 * The collision of one deal with its account, given the account's owner, or null: a deal on an
 * account owned by another rep (both owned; an unowned account or deal collides with nobody).
 *
 * @example
 * ```ts
 * collisionOf({ owner: 'ann', data: { account_id: 'a1' } }, { id: 'a1', owner: 'bob', data: { name: 'Acme' } }); // { accountOwner: 'bob', ... }
 * ```
 */
export function collisionOf(deal: Pick<PluginRecord, 'owner' | 'data'>, account: Pick<PluginRecord, 'id' | 'owner' | 'data'> | null): Collision | null {
  if (!account || typeof deal.data.account_id !== 'string' || deal.data.account_id !== account.id) return null;
  if (!deal.owner || !account.owner || deal.owner === account.owner) return null;
  return { account: account.id, accountName: typeof account.data.name === 'string' ? account.data.name : null, accountOwner: account.owner, dealOwner: deal.owner };
}

/**
 * The afterChange hook of deals (撞单): a deal created on, or moved onto, an account owned by
 * another rep (or given to a rep other than the account's owner) notifies the managers of both
 * reps (`directory.managersOf`, nearest managers), once per deal (the notification key is the
 * deal's id, so a later write or a second collision of the same deal sends nothing again).
 * The account is read as the writer (who must see it to reference it).
 */
export async function collisionAfterChange(change: RecordChange & { after: PluginRecord }, s: PluginServices): Promise<void> {
  if (change.operation === 'delete') return;
  const after = change.after;
  const before = change.before;
  if (typeof after.data.account_id !== 'string' || !after.owner) return;
  if (before && before.data.account_id === after.data.account_id && before.owner === after.owner) return;
  const account = await s.records.get(ACCOUNT, after.data.account_id);
  const c = collisionOf(after, account);
  if (!c) return;
  const [dealRep, accountRep, dealManagers, accountManagers] = await Promise.all([s.directory.user(c.dealOwner), s.directory.user(c.accountOwner), s.directory.managersOf(c.dealOwner), s.directory.managersOf(c.accountOwner)]);
  const users = [...new Set([...dealManagers, ...accountManagers].map((u) => u.id))].filter((id) => id !== c.dealOwner && id !== c.accountOwner);
  if (users.length === 0) return;
  const deal = String(after.data.name ?? after.id);
  const accountName = c.accountName ?? c.account;
  const dealRepName = dealRep?.name ?? c.dealOwner;
  const accountRepName = accountRep?.name ?? c.accountOwner;
  await s.notifications.send({
    users,
    kind: COLLISION_KIND,
    key: `${COLLISION_KIND}:${after.id}`,
    title: { en: `Deal collision on ${accountName}`, 'zh-CN': `撞单：${accountName}` },
    body: {
      en: `${dealRepName}'s deal "${deal}" is on ${accountName}, an account owned by ${accountRepName}.`,
      'zh-CN': `${dealRepName} 的商机「${deal}」所属客户 ${accountName} 由 ${accountRepName} 负责。`,
    },
    record: { id: after.id, type: DEAL },
    data: { account: c.account, dealOwner: c.dealOwner, accountOwner: c.accountOwner },
  });
}

/**
 * The computed value `collision_with` of deals, on every read: the name of the account's owner
 * when it is not the deal's owner (撞单), else nothing. Read as the plugin (a reader who sees the
 * deal learns that its account belongs to someone else, and whom, not the account's body).
 */
export const collisionComputed: ComputedValues = async (records, s) => {
  const ids = [...new Set(records.filter((r) => r.owner).map((r) => r.data.account_id).filter((v): v is string => typeof v === 'string'))];
  // One read for the page's accounts and one for their owners (a read per account cost a board
  // column 100-250 ms on PGlite, whose one connection runs them one after another; ADR 030).
  const accounts = new Map<string, PluginRecord>();
  for (const a of await s.records.getMany(ACCOUNT, ids)) accounts.set(a.id, a);
  const found = records.map((r) => [r.id, collisionOf(r, accounts.get(String(r.data.account_id)) ?? null)] as const).filter((e): e is readonly [string, Collision] => e[1] !== null);
  const people = [...new Set(found.map(([, c]) => c.accountOwner))];
  const names = new Map<string, string>();
  if (people.length > 0) for (const u of await s.directory.users({ ids: people, includeInactive: true })) names.set(u.id, u.name);
  // A flat text value: the record page lists computed values as they are (labelled `computed.collision_with`).
  return new Map(found.map(([id, c]) => [id, { collision_with: names.get(c.accountOwner) ?? c.accountOwner }]));
};
