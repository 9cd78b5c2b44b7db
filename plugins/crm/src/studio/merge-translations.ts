import type { EntityTranslation, PluginTranslation } from '@pipewright/plugin-sdk/studio';

/** The field-visit texts of one language: messages, the geo fields of accounts and activities, and the report entities. */
export interface FieldVisitTexts {
  messages: Record<string, string>;
  account: Record<string, string>;
  activity: Record<string, string>;
  entities: Record<string, EntityTranslation>;
}

/**
 * One language's text with more messages added (by key).
 *
 * @example
 * ```ts
 * withMessages({ messages: { a: 'A' } }, { b: 'B' }).messages; // { a: 'A', b: 'B' }
 * ```
 */
export function withMessages(base: PluginTranslation, messages: Record<string, string>): PluginTranslation {
  return { ...base, messages: { ...(base.messages ?? {}), ...messages } };
}

/**
 * One language's text with the field-visit texts added (messages, entities, and the geo fields of
 * accounts and activities).
 *
 * @example
 * ```ts
 * withFieldVisits(base, field).messages?.['visit.checkin']; // 'Check in here'
 * ```
 */
export function withFieldVisits(base: PluginTranslation, f: FieldVisitTexts): PluginTranslation {
  const entities = { ...(base.entities ?? {}), ...f.entities };
  const account = entities['crm.account'];
  const activity = entities['crm.activity'];
  if (account) entities['crm.account'] = { ...account, fields: { ...(account.fields ?? {}), ...f.account } };
  if (activity) entities['crm.activity'] = { ...activity, fields: { ...(activity.fields ?? {}), ...f.activity } };
  return { ...base, entities, messages: { ...(base.messages ?? {}), ...f.messages } };
}

/**
 * One language's text with the pool's merged in (entities by id, fields, enums and messages by key).
 *
 * @example
 * ```ts
 * withPool(base, pool).entities?.['crm.pool']?.label; // 'Account pool'
 * ```
 */
export function withPool(base: PluginTranslation, p: PluginTranslation): PluginTranslation {
  const entities = { ...(base.entities ?? {}) };
  for (const [id, e] of Object.entries(p.entities ?? {})) {
    const have = entities[id];
    entities[id] = have ? { ...have, ...e, fields: { ...(have.fields ?? {}), ...(e.fields ?? {}) }, ...(have.enums || e.enums ? { enums: { ...(have.enums ?? {}), ...(e.enums ?? {}) } } : {}) } : e;
  }
  return { ...base, entities, messages: { ...(base.messages ?? {}), ...(p.messages ?? {}) } };
}
