import { actionTypeCatalogue, type Registry } from '@pipewright/core';
import { readOrWrite } from '../../auth/guards';
import { RouteTable } from '../../http/declare';

const TEXT = { type: 'object', required: ['en'], properties: { en: { type: 'string' }, 'zh-CN': { type: 'string' } }, additionalProperties: { type: 'string' }, description: 'The text by language tag.' };
const ACTION_TYPE = {
  type: 'object',
  required: ['type', 'plugin', 'title', 'configSchema', 'fields', 'help', 'enums', 'aliases'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$', description: 'What a transition action names as its `type`.' },
    plugin: { type: 'string', description: 'The plugin that provides it; `core` for the built-ins.' },
    title: TEXT,
    description: TEXT,
    configSchema: { type: 'object', description: 'JSON Schema (2020-12) of the action\'s `config`; the process checker validates against it.' },
    fields: { type: 'object', additionalProperties: TEXT, description: 'Labels of the configuration\'s fields, by field name; nested members by dotted path (`assignTo.role`).' },
    help: { type: 'object', additionalProperties: TEXT, description: 'Help texts of those fields, by field name or path.' },
    enums: { type: 'object', additionalProperties: { type: 'object', additionalProperties: TEXT }, description: 'Labels of enum values, by field name or path, then by value.' },
    aliases: { type: 'array', items: { type: 'string' }, description: 'Former ids stored process versions may still name.' },
  },
};

/**
 * `GET /api/processes/action-types`: every action type a transition may name (built-ins and the
 * plugins'), with its title, description and field labels in English and Chinese and the JSON
 * Schema of its configuration, for the designer's action editor (any signed-in reader).
 *
 * @example
 * ```ts
 * const t = actionTypeRoutes(registry);
 * app.route(t.base, t.app);
 * ```
 */
export function actionTypeRoutes(registry: Registry): RouteTable {
  const t = new RouteTable('/api/processes/action-types', ['processes']);
  const items = actionTypeCatalogue(registry.actionTypes);
  t.on(
    {
      method: 'get',
      path: '/',
      operationId: 'listActionTypes',
      summary: 'The action types transitions may run, with their configuration schemas and translated titles',
      guards: [readOrWrite()],
      responses: { 200: { description: 'The action types, by id', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ACTION_TYPE } } } } },
      errors: [403],
    },
    (c) => c.json({ items }),
  );
  return t;
}
