import type { SchemaObject as JsonSchema } from '../plugins/types';

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
  title: string;
  description: string;
  configSchema: JsonSchema;
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
  [
    {
      fullId: 'core.set_field',
      title: 'Set a field',
      description: 'Sets one field of the record (null removes it), as the process, with an event.',
      configSchema: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'value'],
        properties: { field: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' }, value: true },
      },
    },
    {
      fullId: 'core.notify',
      title: 'Notify',
      description: 'Writes an in-app notification for the record owner, a role relative to the record, or a user.',
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
      title: 'Call a webhook',
      description: 'POSTs the transition as JSON, signed with HMAC-SHA256, retried with backoff; a delivery that keeps failing is recorded as an incident.',
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
  ].map((a) => [a.fullId, a]),
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
