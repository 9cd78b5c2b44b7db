type Json = Record<string, unknown>;

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const ok = (schema: unknown, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const TEXT: Record<string, string> = { '401': 'Not signed in', '403': 'Not allowed (scope or CSRF)', '415': 'Body is not JSON', '422': 'Invalid body (names the member), or an invalid rule (pointers under /rule)', '429': 'Rate limited' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), problem(TEXT[String(c)] ?? 'Error')]));
const tags = ['rules'];
const valueType = { enum: ['number', 'string', 'boolean', 'date', 'datetime', 'array', 'object', 'null', 'any'] };
const rule = { description: 'A json-logic rule (schemas/rule.schema.json).' };
const entity = { type: 'string', description: 'Entity type (e.g. acme.ticket): check field names and types against its schema.' };
const problemItem = { type: 'object', required: ['pointer', 'code', 'message'], properties: { pointer: { type: 'string', description: 'JSON pointer into the rule.' }, code: { type: 'string' }, message: { type: 'string' } } };
const explainNode: Json = {
  type: 'object',
  required: ['pointer', 'op', 'evaluated', 'passed', 'sentence', 'children'],
  properties: { pointer: { type: 'string' }, op: { type: 'string' }, evaluated: { type: 'boolean' }, value: { description: 'Absent when the sub-rule was not evaluated or gave `undefined`.' }, passed: { type: 'boolean' }, sentence: { type: 'string' }, children: { type: 'array', items: { type: 'object' } } },
};

/** OpenAPI paths of `/api/rules` (operators, check, explain). */
export const rulePaths: Record<string, Json> = {
  '/api/rules/operators': {
    get: {
      operationId: 'listRuleOperators', summary: 'Every operator a rule may use: json-logic, the business operators (days_between, days_since, in_range, pct_of_target) and loaded plugins (company plugins included), with typed signatures', tags,
      responses: {
        '200': ok({
          type: 'object', required: ['items'],
          properties: { items: { type: 'array', items: { type: 'object', required: ['name', 'owner', 'builtin', 'signature'], properties: { name: { type: 'string' }, owner: { type: 'string', description: '`jsonlogic`, `sales` or a plugin id.' }, builtin: { type: 'boolean' }, title: { type: 'string' }, description: { type: 'string' }, signature: { type: 'object', required: ['params', 'returns'], properties: { params: { type: 'array', items: valueType }, rest: valueType, minArgs: { type: 'integer' }, returns: valueType } } } } } },
        }),
        ...errors(401, 429),
      },
    },
  },
  '/api/rules/check': {
    post: {
      operationId: 'checkRule', summary: 'Parse and type-check a rule (operator allowlist, caps, paths, field types); which fields it reads; whether it runs in SQL', tags,
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['rule'], additionalProperties: false, properties: { rule, entity } } } } },
      responses: {
        '200': ok({ type: 'object', required: ['valid', 'problems', 'fieldsRead'], properties: { valid: { type: 'boolean' }, problems: { type: 'array', items: problemItem }, fieldsRead: { type: 'array', items: { type: 'string' } }, sql: { type: 'object', description: 'Present for a valid rule checked against an entity.', properties: { supported: { type: 'boolean' }, reason: { type: 'string' }, pointer: { type: 'string' } } } } }, 'Checked; `problems` is empty when the rule is valid'),
        ...errors(401, 403, 415, 422, 429),
      },
    },
  },
  '/api/rules/explain': {
    post: {
      operationId: 'explainRule', summary: 'Evaluate a rule on a sample record and explain every sub-rule (admins; within a budget of 1,000,000 evaluation steps and lists or texts of 100,000)', tags,
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['rule'], additionalProperties: false, properties: { rule, entity, data: { description: 'The record (default `{}`).' }, now: { type: 'string', description: 'ISO date or date-time for the date operators (default: now).' } } } } } },
      responses: { '200': ok({ type: 'object', required: ['value', 'passed', 'explanation'], properties: { value: {}, passed: { type: 'boolean' }, explanation: explainNode } }, 'Evaluated'), ...errors(401, 403, 415, 422, 429) },
    },
  },
};
