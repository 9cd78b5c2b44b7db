import { NotFoundError, PipewrightError, type PluginListOptions, type PluginMoveResult, type PluginRecord, type PluginRecords } from '@pipewright/core';
import type { Transaction } from 'kysely';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/tables';
import type { TransitionService } from '../process/transition';
import { parseListQuery } from '../records/query';
import type { RecordStore } from '../records/store';
import type { RecordView } from '../records/view';
import { ruleValues } from '../records/rule-values';
import { listShares, shareRecord, unshareRecord, type ShareView } from '../records/shares';

const pluginShare = (v: ShareView) => ({ userId: v.userId, access: v.access, createdBy: v.createdBy, createdAt: v.createdAt });

/**
 * A record as plugin code sees it (the view without process pinning and audit columns).
 *
 * @example
 * ```ts
 * pluginRecord(await store.get('acme.site', id, principal));
 * ```
 */
export function pluginRecord(v: RecordView): PluginRecord {
  return { id: v.id, type: v.type, version: v.version, data: v.data, owner: v.owner, orgUnit: v.orgUnit, stage: v.stage, createdAt: v.createdAt, updatedAt: v.updatedAt };
}

/**
 * The record service plugin code gets: the record store's public methods, as `principal`,
 * inside `tx` when given (a hook's or a write route's transaction), else each write in its own.
 *
 * @example
 * ```ts
 * await boundRecords(store, principal, tx).create('acme.visit', { data: { minutes: 30 } });
 * ```
 */
export function boundRecords(store: RecordStore, principal: Principal, tx?: Transaction<Database>, transitions?: TransitionService, language?: 'en' | 'zh-CN'): PluginRecords {
  return {
    async create(type, input) {
      const view = await store.create(type, { data: input.data, ...(input.owner !== undefined ? { owner: input.owner } : {}), ...(input.orgUnit !== undefined ? { orgUnit: input.orgUnit } : {}), ...(input.id !== undefined ? { id: input.id } : {}) }, principal, tx);
      return pluginRecord(view);
    },
    async update(type, id, patch, options = {}) {
      if (options.expectedVersion !== undefined) return pluginRecord(await store.update(type, id, patch, options.expectedVersion, principal, tx));
      // Without an expected version the caller means the record as it is: a write that lands
      // between the read and the compare-and-set (a job, another request) is not a conflict for
      // it, so the patch is applied again on the newer version (the update locks the row).
      for (let attempt = 1; ; attempt++) {
        const current = (await store.get(type, id, principal, {}, tx)).version;
        try {
          return pluginRecord(await store.update(type, id, patch, current, principal, tx));
        } catch (err) {
          if (attempt >= 5 || !(err instanceof PipewrightError) || err.code !== 'record.stale-version') throw err;
        }
      }
    },
    async get(type, id) {
      store.entity(type);
      try {
        return pluginRecord(await store.get(type, id, principal, {}, tx));
      } catch (err) {
        if (err instanceof NotFoundError) return null;
        throw err;
      }
    },
    async getMany(type, ids) {
      return (await store.getMany(type, ids, principal, tx)).map(pluginRecord);
    },
    async list(type, options = {}) {
      // Prepared when nobody's visibility narrows the read: plugin code's lists have shapes its code fixes.
      const result = await store.list(type, parseListQuery(store.entity(type), listParams(options)), principal, tx, { prepared: true });
      return { items: result.items.map(pluginRecord), nextCursor: result.nextCursor };
    },
    async remove(type, id, options = {}) {
      return pluginRecord(await store.softDelete(type, id, options.expectedVersion, principal, tx));
    },
    async restore(type, id) {
      return pluginRecord(await store.restore(type, id, principal, tx));
    },
    async move(type, id, request) {
      if (!transitions) throw new PipewrightError({ code: 'plugin.no-transitions', status: 503, kind: 'operational', message: 'Stage moves are not available here (the process runtime is not running).' });
      const { expectedVersion, language: asked, ...rest } = request;
      const locale = asked ?? language;
      const once = async (version: number): Promise<PluginMoveResult> => {
        const res = await transitions.executeIn(tx, { type, id, ...rest, expectedVersion: version, principal, ...(locale ? { locale } : {}) });
        const body = res.body as { record: RecordView; transition: { from: string | null; to: string; transition: string | null; historyId: string; at: string } };
        return { record: pluginRecord(body.record), transition: { from: body.transition.from, to: body.transition.to, id: body.transition.transition, historyId: String(body.transition.historyId), at: body.transition.at } };
      };
      if (expectedVersion !== undefined) return once(expectedVersion);
      // As update: without an expected version the caller means the record as it is now.
      for (let attempt = 1; ; attempt++) {
        const current = (await store.get(type, id, principal, {}, tx)).version;
        try {
          return await once(current);
        } catch (err) {
          if (attempt >= 5 || !(err instanceof PipewrightError) || err.code !== 'record.stale-version') throw err;
        }
      }
    },
    async ruleValues(type, rule, options = {}) {
      return ruleValues(store, type, rule, options, principal, tx);
    },
    async shares(type, id) {
      return (await listShares(store, type, id, principal, tx)).map(pluginShare);
    },
    async share(type, id, share) {
      return pluginShare(await shareRecord(store, type, id, share, principal, tx));
    },
    async unshare(type, id, userId) {
      await unshareRecord(store, type, id, userId, principal, tx);
    },
    async similar(type, field, value, options = {}) {
      const found = await store.similar(type, field, value, options, principal, tx);
      return found.map(({ view, similarity, hidden }) => {
        const value = typeof view.data[field] === 'string' ? (view.data[field] as string) : '';
        return hidden ? { id: view.id, type: view.type, version: 0, data: {}, owner: null, orgUnit: null, stage: null, createdAt: '', updatedAt: '', similarity, value, hidden: true } : { ...pluginRecord(view), similarity, value };
      });
    },
  };
}

function listParams(o: PluginListOptions): URLSearchParams {
  const params = new URLSearchParams();
  for (const [field, value] of Object.entries(o.filter ?? {})) params.set(`filter[${field}]`, String(value));
  if (o.sort !== undefined) params.set('sort', o.sort);
  if (o.limit !== undefined) params.set('limit', String(o.limit));
  if (o.cursor !== undefined) params.set('cursor', o.cursor);
  if (o.search !== undefined) params.set('q', o.search);
  return params;
}
