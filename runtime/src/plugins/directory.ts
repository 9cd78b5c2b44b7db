import type { PluginDirectory, PluginHistory, PluginNotifications, PluginOrgUnit, PluginStageStay, PluginText, PluginUser } from '@pipewright/core';
import { ValidationError } from '@pipewright/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/tables';
import { isoTime, isoTimeOrNull } from '../db/time';
import { notify } from '../jobs/recipients';
import type { RecordStore } from '../records/store';

type Db = Kysely<Database> | Transaction<Database>;

type UserRow = { id: string; name: string; email: string; org_unit_id: string | null; roles: string[] | string; active: boolean };

function pluginUser(r: UserRow): PluginUser {
  const roles = typeof r.roles === 'string' ? (JSON.parse(r.roles) as string[]) : r.roles;
  return { id: r.id, name: r.name, email: r.email, orgUnitId: r.org_unit_id, roles: [...roles], active: r.active };
}

/**
 * The org tree and its people, as plugin code reads them. The tree is readable by every
 * signed-in user (`GET /api/org-units`), so the directory is not narrowed by the actor;
 * plugin routes decide what of it they answer.
 *
 * @example
 * ```ts
 * const managers = await pluginDirectory(db).managersOf('ada'); // nearest managers above Ada
 * ```
 */
export function pluginDirectory(db: Db): PluginDirectory {
  const users = db.selectFrom('users').select(['id', 'name', 'email', 'org_unit_id', 'roles', 'active']);
  return {
    async orgUnits() {
      const rows = await db.selectFrom('org_units').select(['id', 'name', 'kind', 'parent_id']).orderBy('id').execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      const pathOf = (id: string): string[] => {
        const path: string[] = [];
        for (let at = byId.get(id); at && path.length < 64; at = at.parent_id ? byId.get(at.parent_id) : undefined) path.unshift(at.id);
        return path;
      };
      return rows.map((r): PluginOrgUnit => ({ id: r.id, name: r.name, kind: r.kind, parentId: r.parent_id, path: pathOf(r.id) }));
    },
    async users(options = {}) {
      let q = users.orderBy('name').orderBy('id');
      if (!options.includeInactive) q = q.where('active', '=', true);
      if (options.ids !== undefined) {
        if (options.ids.length === 0) return [];
        q = q.where('id', 'in', [...new Set(options.ids)]);
      }
      if (options.role !== undefined) q = q.where(sql<boolean>`roles @> ${JSON.stringify([options.role])}::jsonb`);
      if (options.under !== undefined) {
        q = q.where(sql<boolean>`org_unit_id in (
          with recursive down(id, depth) as (
            select id, 0 from org_units where id = ${options.under}
            union all select o.id, down.depth + 1 from org_units o join down on o.parent_id = down.id where down.depth < 64
          ) select id from down)`);
      }
      return (await q.execute()).map(pluginUser);
    },
    async user(id) {
      const r = await users.where('id', '=', id).executeTakeFirst();
      return r ? pluginUser(r) : null;
    },
    async managersOf(userId, role = 'manager') {
      const unit = (await db.selectFrom('users').select('org_unit_id').where('id', '=', userId).executeTakeFirst())?.org_unit_id;
      if (!unit) return [];
      const rows = await sql<UserRow & { depth: number }>`
        with recursive up(id, parent_id, depth) as (
          select id, parent_id, 0 from org_units where id = ${unit}
          union all select o.id, o.parent_id, up.depth + 1 from org_units o join up on o.id = up.parent_id where up.depth < 64
        )
        select u.id, u.name, u.email, u.org_unit_id, u.roles, u.active, up.depth from users u join up on u.org_unit_id = up.id
        where u.active and u.id <> ${userId} and u.roles @> ${JSON.stringify([role])}::jsonb
        order by up.depth, u.name, u.id`.execute(db);
      const nearest = rows.rows[0]?.depth;
      return rows.rows.filter((r) => r.depth === nearest).map(pluginUser);
    },
  };
}

/**
 * Stage stays of the records the actor may see, oldest first per record, with each stage's
 * kind and probability from the record's pinned process version.
 *
 * @example
 * ```ts
 * await pluginHistory(store, principal).stays('acme.ticket', { enteredBefore: '2017-07-01T00:00:00Z' });
 * ```
 */
export function pluginHistory(store: RecordStore, principal: Principal, db: Db): PluginHistory {
  return {
    async stays(type, options = {}) {
      store.entity(type);
      let before: Date | undefined;
      if (options.enteredBefore !== undefined) {
        before = new Date(options.enteredBefore);
        if (Number.isNaN(before.getTime())) throw new ValidationError({ code: 'query.invalid', message: `enteredBefore "${options.enteredBefore}" is not a time.`, details: [{ pointer: '/enteredBefore', message: 'is not a time', code: 'format' }] });
      }
      const visible = store.visible(type, principal, db).select('records.id').where('records.deleted_at', 'is', null);
      let q = db
        .selectFrom('stage_history as h')
        .select(['h.record_id', 'h.record_type', 'h.process_id', 'h.process_version', 'h.stage', 'h.from_stage', 'h.entered_at', 'h.exited_at'])
        .where('h.record_type', '=', type)
        .where('h.record_id', 'in', visible)
        .orderBy('h.record_id')
        .orderBy('h.entered_at')
        .orderBy('h.id');
      if (options.recordIds !== undefined) {
        if (options.recordIds.length === 0) return [];
        q = q.where('h.record_id', 'in', options.recordIds);
      }
      if (before) q = q.where('h.entered_at', '<', before);
      const rows = await q.execute();
      const stages = await stageInfo(db, [...new Set(rows.map((r) => `${r.process_id}\u0000${r.process_version}`))]);
      return rows.map((r): PluginStageStay => {
        const info = stages.get(`${r.process_id}\u0000${r.process_version}\u0000${r.stage}`);
        return {
          recordId: r.record_id,
          type: r.record_type,
          process: r.process_id,
          processVersion: r.process_version,
          stage: r.stage,
          stageKind: info?.kind ?? 'open',
          probability: info?.probability ?? null,
          fromStage: r.from_stage,
          enteredAt: isoTime(r.entered_at),
          exitedAt: isoTimeOrNull(r.exited_at),
        };
      });
    },
  };
}

async function stageInfo(db: Db, versions: string[]): Promise<Map<string, { kind: string; probability: number | null }>> {
  const out = new Map<string, { kind: string; probability: number | null }>();
  if (versions.length === 0) return out;
  const pairs = versions.map((v) => v.split('\u0000') as [string, string]);
  const rows = await db
    .selectFrom('process_versions')
    .select(['process_id', 'version', 'definition'])
    .where((eb) => eb.or(pairs.map(([p, v]) => eb.and([eb('process_id', '=', p), eb('version', '=', Number(v))]))))
    .execute();
  for (const r of rows) {
    const def = (typeof r.definition === 'string' ? JSON.parse(r.definition) : r.definition) as { stages?: { id: string; kind?: string; probability?: number }[] };
    for (const s of def.stages ?? []) {
      const kind = s.kind ?? 'open';
      const probability = typeof s.probability === 'number' ? s.probability : kind === 'won' ? 1 : kind === 'lost' ? 0 : null;
      out.set(`${r.process_id}\u0000${r.version}\u0000${s.id}`, { kind, probability });
    }
  }
  return out;
}

const LANGS = ['en', 'zh-CN'] as const;

function localized(value: PluginText | unknown, pointer: string): { en: string; zh: string | null } {
  if (typeof value === 'string') return { en: value, zh: null };
  if (value && typeof value === 'object' && typeof (value as Record<string, unknown>).en === 'string') {
    const v = value as Record<string, unknown>;
    for (const k of Object.keys(v)) if (!(LANGS as readonly string[]).includes(k)) throw new ValidationError({ code: 'notification.invalid', message: `Unknown language "${k}" in a notification text.`, details: [{ pointer: `${pointer}/${k}`, message: 'unknown language', code: 'language' }] });
    return { en: v.en as string, zh: typeof v['zh-CN'] === 'string' ? (v['zh-CN'] as string) : null };
  }
  throw new ValidationError({ code: 'notification.invalid', message: 'A notification text is a string or {"en", "zh-CN"}.', details: [{ pointer, message: 'is not a text', code: 'type' }] });
}

/**
 * In-app notifications from plugin code: one per key and user (a repeated send writes
 * nothing), inside the caller's transaction when there is one. The English text is the
 * notification's title and body; the texts by language go in `data.i18n` for the studio.
 *
 * @example
 * ```ts
 * await pluginNotifications(db, 'okr', now).send({ users: ['ada'], kind: 'stale', key: 'kr:42:7d', title: { en: 'Check in', 'zh-CN': '请更新进展' } });
 * ```
 */
export function pluginNotifications(db: Db, plugin: string, now: () => Date): PluginNotifications {
  return {
    async send(n) {
      if (!Array.isArray(n.users) || n.users.some((u) => typeof u !== 'string')) throw new ValidationError({ code: 'notification.invalid', message: 'users must be a list of user ids.', details: [{ pointer: '/users', message: 'is not a list of user ids', code: 'type' }] });
      if (typeof n.key !== 'string' || n.key === '') throw new ValidationError({ code: 'notification.invalid', message: 'A notification needs a key.', details: [{ pointer: '/key', message: 'is required', code: 'required' }] });
      const title = localized(n.title, '/title');
      const body = n.body === undefined || n.body === null ? null : localized(n.body, '/body');
      const i18n = { title: { en: title.en, ...(title.zh ? { 'zh-CN': title.zh } : {}) }, ...(body ? { body: { en: body.en, ...(body.zh ? { 'zh-CN': body.zh } : {}) } } : {}) };
      const known = n.users.length ? new Set((await db.selectFrom('users').select('id').where('id', 'in', [...new Set(n.users)]).where('active', '=', true).execute()).map((u) => u.id)) : new Set<string>();
      return notify(db, n.users.filter((u, i) => known.has(u) && n.users.indexOf(u) === i), {
        kind: `${plugin}.${n.kind}`,
        key: `plugin:${plugin}:${n.key}`,
        title: title.en,
        body: body?.en ?? null,
        record: n.record ?? null,
        data: { ...(n.data ?? {}), i18n },
        at: now(),
      });
    },
  };
}
