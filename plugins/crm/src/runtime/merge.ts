import { NotFoundError, PipewrightError, ValidationError, type PluginRecord, type PluginRoute, type PluginServices } from '@pipewright/plugin-sdk';

const ACCOUNT = 'crm.account';
const MERGE = 'crm.merge';
/** How long a merge can be undone. */
export const UNDO_HOURS = 72;
/** The references that follow a merged account: [type, field]. Deals are named by id (crm does not depend on pipeline). */
const REFERENCES: [string, string][] = [
  ['crm.contact', 'account_id'],
  ['crm.activity', 'account_id'],
  ['crm.grade_change', 'account_id'],
  ['pipeline.deal', 'account_id'],
  ['crm.account', 'parent_account_id'],
];
/**
 * Fields the survivor never takes from the duplicate: its identity and what is derived (the grade
 * is the rule's; the deal summary the pipeline plugin recounts when the deals move).
 */
const KEEP = new Set(['name', 'name_key', 'grade', 'grade_source', 'dedupe_override', 'won_value', 'won_deals', 'open_deals']);

async function allWhere(s: PluginServices, type: string, field: string, value: string): Promise<PluginRecord[]> {
  const out: PluginRecord[] = [];
  let cursor: string | undefined;
  try {
    do {
      const page = await s.records.list(type, { filter: { [field]: value }, limit: 200, ...(cursor ? { cursor } : {}) });
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  } catch (err) {
    if ((err as { code?: string }).code === 'not-found' && type === 'pipeline.deal') return [];
    throw err;
  }
  return out;
}

/**
 * The merge job (as the system, so records the requester cannot see move too): every record
 * referring to the duplicate refers to the survivor, the survivor's empty fields are filled from
 * the duplicate, the duplicate is soft-deleted (its events stay), and the merge record lists what
 * moved, for undo until `undo_until`. Runs once: a merge no longer queued is left alone.
 */
export async function runMerge(s: PluginServices, mergeId: string): Promise<void> {
  const merge = await s.records.get(MERGE, mergeId);
  if (!merge || merge.data.status !== 'queued') return;
  const survivor = await s.records.get(ACCOUNT, String(merge.data.survivor_id));
  const duplicate = await s.records.get(ACCOUNT, String(merge.data.duplicate_id));
  if (!survivor || !duplicate) {
    await s.records.update(MERGE, mergeId, { data: { status: 'failed', note: 'an account is gone' } }, { expectedVersion: merge.version });
    return;
  }
  const moved: string[] = [];
  for (const [type, field] of REFERENCES) {
    for (const r of await allWhere(s, type, field, duplicate.id)) {
      await s.records.update(type, r.id, { data: { [field]: survivor.id } }, { expectedVersion: r.version });
      moved.push(`${type}|${r.id}|${field}`);
    }
  }
  const shares = await copyShares(s, duplicate.id, survivor.id);
  const fill: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(duplicate.data)) if (!KEEP.has(k) && v !== null && v !== undefined && survivor.data[k] === undefined) fill[k] = v;
  if (Object.keys(fill).length > 0) await s.records.update(ACCOUNT, survivor.id, { data: fill });
  await s.records.remove(ACCOUNT, duplicate.id);
  const undoUntil = new Date(s.clock.now().getTime() + UNDO_HOURS * 3_600_000).toISOString();
  await s.records.update(MERGE, mergeId, { data: { status: 'done', moved, filled: Object.keys(fill), shares, undo_until: undoUntil } });
  s.log.info('accounts merged', { merge: mergeId, survivor: survivor.id, duplicate: duplicate.id, moved: moved.length, shares: shares.length });
}

/**
 * Gives the survivor the duplicate's shares (record_shares): a user who had the duplicate shared
 * with him keeps seeing the account he knew. A user the survivor is already shared with as much
 * is left alone (no second share); a read share becomes edit when the duplicate's was edit; an
 * inactive user is skipped. Returns what changed as `user|access|prior access ('' for none)`,
 * for the undo. The duplicate keeps its own shares (it is soft-deleted, so they show nothing
 * until an undo restores it with them).
 */
async function copyShares(s: PluginServices, from: string, to: string): Promise<string[]> {
  const had = new Map((await s.records.shares(ACCOUNT, to)).map((x) => [x.userId, x.access]));
  const changed: string[] = [];
  for (const share of await s.records.shares(ACCOUNT, from)) {
    const prior = had.get(share.userId);
    if (prior === share.access || prior === 'edit') continue;
    try {
      await s.records.share(ACCOUNT, to, { userId: share.userId, access: share.access });
    } catch (err) {
      if ((err as { code?: string }).code === 'share.unknown-user') continue;
      throw err;
    }
    changed.push(`${share.userId}|${share.access}|${prior ?? ''}`);
  }
  return changed;
}

/** Undoes {@link copyShares} where the survivor's share is still what the merge made it. */
async function revertShares(s: PluginServices, survivorId: string, changes: string[]): Promise<void> {
  const now = new Map((await s.records.shares(ACCOUNT, survivorId)).map((x) => [x.userId, x.access]));
  for (const entry of changes) {
    const [userId, access, prior] = entry.split('|') as [string, 'read' | 'edit', string];
    if (now.get(userId) !== access) continue;
    if (prior === 'read' || prior === 'edit') await s.records.share(ACCOUNT, survivorId, { userId, access: prior });
    else await s.records.unshare(ACCOUNT, survivorId, userId);
  }
}

/**
 * The undo job: restores the duplicate, points the moved references that still point at the
 * survivor back at it, and clears the fields the merge filled (where they still hold the
 * duplicate's value).
 */
export async function runUnmerge(s: PluginServices, mergeId: string): Promise<void> {
  const merge = await s.records.get(MERGE, mergeId);
  if (!merge || merge.data.status !== 'undo_queued') return;
  const survivorId = String(merge.data.survivor_id);
  const duplicate = await s.records.restore(ACCOUNT, String(merge.data.duplicate_id));
  for (const entry of (merge.data.moved as string[] | undefined) ?? []) {
    const [type, id, field] = entry.split('|') as [string, string, string];
    const r = await s.records.get(type, id);
    if (r && r.data[field] === survivorId) await s.records.update(type, id, { data: { [field]: duplicate.id } }, { expectedVersion: r.version });
  }
  const survivor = await s.records.get(ACCOUNT, survivorId);
  if (survivor) await revertShares(s, survivorId, (merge.data.shares as string[] | undefined) ?? []);
  if (survivor) {
    const clear: Record<string, null> = {};
    for (const f of (merge.data.filled as string[] | undefined) ?? []) if (JSON.stringify(survivor.data[f]) === JSON.stringify(duplicate.data[f])) clear[f] = null;
    if (Object.keys(clear).length > 0) await s.records.update(ACCOUNT, survivorId, { data: clear });
  }
  await s.records.update(MERGE, mergeId, { data: { status: 'undone' } });
}

const MERGE_VIEW = { type: 'object', required: ['id', 'status'], properties: { id: { type: 'string' }, status: { type: 'string' }, undoUntil: { type: ['string', 'null'] } } };

/** The merge routes: merge a duplicate into an account, undo a merge within its window. Managers and admins. */
export const mergeRoutes: PluginRoute[] = [
  {
    method: 'post',
    path: '/accounts/:id/merge',
    summary: 'Merges a duplicate account into this one (references, empty fields; the duplicate is deleted), undoable for 72 hours',
    roles: ['manager'],
    status: 202,
    body: { type: 'object', required: ['duplicate'], additionalProperties: false, properties: { duplicate: { type: 'string', format: 'uuid' } } },
    response: MERGE_VIEW,
    async handler(ctx) {
      const id = ctx.params.id ?? '';
      const duplicateId = String(ctx.body.duplicate);
      if (duplicateId === id) throw new ValidationError({ code: 'crm.merge-self', message: 'An account cannot be merged into itself.', details: [{ pointer: '/duplicate', message: 'is the account itself' }] });
      const survivor = await ctx.records.get(ACCOUNT, id);
      if (!survivor) throw new NotFoundError(`There is no ${ACCOUNT} record "${id}".`, { entity: ACCOUNT, id });
      const duplicate = await ctx.records.get(ACCOUNT, duplicateId);
      if (!duplicate) throw new ValidationError({ code: 'crm.merge-unknown', message: `There is no ${ACCOUNT} record "${duplicateId}" you can see.`, details: [{ pointer: '/duplicate', message: 'no such account you can see' }] });
      const merge = await ctx.records.create(MERGE, { data: { survivor_id: id, duplicate_id: duplicateId, status: 'queued', requested_by: ctx.caller.id }, owner: ctx.caller.userId, orgUnit: survivor.orgUnit ?? ctx.caller.orgUnitId });
      await ctx.jobs.enqueue('merge', { merge: merge.id });
      return { id: merge.id, status: 'queued', undoUntil: null };
    },
  },
  {
    method: 'post',
    path: '/merges/:id/undo',
    summary: 'Undoes a merge within its window: the duplicate comes back with its references',
    roles: ['manager'],
    status: 202,
    response: MERGE_VIEW,
    async handler(ctx) {
      const id = ctx.params.id ?? '';
      const merge = await ctx.records.get(MERGE, id);
      if (!merge) throw new NotFoundError(`There is no ${MERGE} record "${id}".`, { entity: MERGE, id });
      const until = typeof merge.data.undo_until === 'string' ? merge.data.undo_until : null;
      if (merge.data.status !== 'done' || !until || ctx.clock.now().toISOString() > until) {
        throw new PipewrightError({ code: 'crm.merge-not-undoable', status: 409, kind: 'user', message: merge.data.status !== 'done' ? `This merge is ${String(merge.data.status)}: only a finished merge can be undone.` : `The undo window of this merge closed at ${String(until)}.`, extensions: { mergeStatus: merge.data.status, undoUntil: until } });
      }
      await ctx.records.update(MERGE, id, { data: { status: 'undo_queued' } }, { expectedVersion: merge.version });
      await ctx.jobs.enqueue('unmerge', { merge: id });
      return { id, status: 'undo_queued', undoUntil: until };
    },
  },
];
