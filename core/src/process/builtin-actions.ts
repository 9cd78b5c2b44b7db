import type { SchemaObject as JsonSchema, LocalizedText } from '../plugins/types';

/** A template text: a string, or the text by language tag (ADR 019). */
function localizable(maxLength: number, minLength: number, description: string) {
  const text = { type: 'string', minLength, maxLength };
  return {
    description,
    anyOf: [text, { type: 'object', minProperties: 1, maxProperties: 20, propertyNames: { pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' }, additionalProperties: text }],
  };
}

/** A built-in action type (`core.<id>`), run by the runtime itself. */
export interface BuiltinActionType {
  fullId: string;
  title: LocalizedText;
  description: LocalizedText;
  configSchema: JsonSchema;
  /** Labels of the configuration's fields (the designer's generated form), nested members by dotted path. */
  fields: Record<string, LocalizedText>;
  /** Help texts of the fields whose schema has a description. */
  help?: Record<string, LocalizedText>;
}

const assignee = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    role: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' },
    user: { type: 'string', minLength: 1, maxLength: 100 },
  },
};

/**
 * The action types every process may use without a plugin. Their handlers live in the runtime
 * (they write records and notifications, or call out over HTTP); their configuration schemas
 * live here so a definition can be checked without I/O.
 *
 * @example
 * ```ts
 * BUILTIN_ACTION_TYPES.get('core.notify')?.configSchema;
 * ```
 */
export const BUILTIN_ACTION_TYPES: ReadonlyMap<string, BuiltinActionType> = new Map(
  ([
    {
      fullId: 'core.set_field',
      title: { en: 'Set a field', 'zh-CN': '设置字段' },
      description: { en: 'Sets one field of the record (null removes it), as the process, with an event.', 'zh-CN': '以流程身份设置记录的一个字段（null 表示清除），并记录事件。' },
      fields: { field: { en: 'Field', 'zh-CN': '字段' }, value: { en: 'Value', 'zh-CN': '值' } },
      configSchema: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'value'],
        properties: { field: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' }, value: true },
      },
    },
    {
      fullId: 'core.notify',
      title: { en: 'Notify', 'zh-CN': '发送通知' },
      description: { en: 'Writes an in-app notification for the record owner, a role relative to the record, or a user.', 'zh-CN': '给记录负责人、与记录相关的某个角色或某个用户发送站内通知。' },
      fields: {
        to: { en: 'Recipient', 'zh-CN': '接收人' },
        'to.role': { en: 'Role', 'zh-CN': '角色' },
        'to.user': { en: 'User', 'zh-CN': '用户' },
        title: { en: 'Title', 'zh-CN': '标题' },
        body: { en: 'Text', 'zh-CN': '正文' },
      },
      help: {
        title: { en: 'Template; {{field}} is replaced by the record field. A text, or the text by language; readers get their language.', 'zh-CN': '模板；{{field}} 会替换为记录的字段值。可填一段文本，或按语言分别填写；读者看到自己语言的版本。' },
        body: { en: 'Template, as the title.', 'zh-CN': '模板，规则同标题。' },
      },
      configSchema: {
        type: 'object',
        additionalProperties: false,
        required: ['title'],
        properties: {
          to: assignee,
          title: localizable(200, 1, 'Template; {{field}} is replaced by the record field. A string, or the text by language ({"en": "Deal won: {{name}}", "zh-CN": "赢单：{{name}}"}); readers get their language.'),
          body: localizable(2000, 0, 'Template, as the title.'),
        },
      },
    },
    {
      fullId: 'core.webhook',
      title: { en: 'Call a webhook', 'zh-CN': '调用 Webhook' },
      description: {
        en: 'POSTs the transition as JSON, signed with HMAC-SHA256, retried with backoff; a delivery that keeps failing is recorded as an incident.',
        'zh-CN': '以 JSON 发送（POST）本次流转，使用 HMAC-SHA256 签名，失败后退避重试；持续失败的投递记为事件。',
      },
      fields: { url: { en: 'URL', 'zh-CN': '地址' }, secretEnv: { en: 'Signing secret variable', 'zh-CN': '签名密钥环境变量' }, event: { en: 'Event name', 'zh-CN': '事件名' } },
      help: {
        url: { en: 'Destination; its path and query often carry a token, so only admins read it back.', 'zh-CN': '目标地址；其路径和查询参数常带有令牌，因此只有管理员能读回。' },
        secretEnv: { en: 'Environment variable holding the signing secret: PIPEWRIGHT_WEBHOOK_SECRET (the default) or one named PIPEWRIGHT_WEBHOOK_SECRET_<NAME>.', 'zh-CN': '存放签名密钥的环境变量：PIPEWRIGHT_WEBHOOK_SECRET（默认）或名为 PIPEWRIGHT_WEBHOOK_SECRET_<NAME> 的变量。' },
      },
      configSchema: {
        type: 'object',
        additionalProperties: false,
        required: ['url'],
        properties: {
          url: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000, writeOnly: true, description: 'Destination; its path and query often carry a token, so only admins read it back.' },
          secretEnv: {
            type: 'string',
            pattern: '^[A-Z][A-Z0-9_]{0,62}$',
            description: 'Environment variable holding the signing secret: PIPEWRIGHT_WEBHOOK_SECRET (the default) or one named PIPEWRIGHT_WEBHOOK_SECRET_<NAME>.',
          },
          event: { type: 'string', pattern: '^[a-z][a-z0-9_.-]{0,62}$' },
        },
      },
    },
  ] as const satisfies readonly BuiltinActionType[]).map((a): [string, BuiltinActionType] => [a.fullId, a]),
);

/**
 * Renders `{{field}}` / `{{a.b}}` placeholders from a record body; unknown fields render empty.
 *
 * @example
 * ```ts
 * renderTemplate('Proposal for {{name}}', { name: 'Acme' }); // 'Proposal for Acme'
 * ```
 */
export function renderTemplate(template: string, data: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*)\s*\}\}/g, (_, path: string) => {
    let v: unknown = data;
    for (const seg of path.split('.')) v = typeof v === 'object' && v !== null && Object.hasOwn(v, seg) ? (v as Record<string, unknown>)[seg] : undefined;
    return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}
