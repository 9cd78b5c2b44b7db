import type { Registry } from '@pipewright/core';
import { APPROVAL } from './approval-schema';
type Json = Record<string, unknown>;

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const ok = (description: string, schema: unknown = { type: 'object' }, headers?: Json) => ({ description, content: { 'application/json': { schema } }, ...(headers ? { headers } : {}) });
const TEXT: Record<string, string> = { '400': 'Bad parameter', '401': 'Not signed in', '403': 'Not allowed (admin only, or the transition needs a role)', '404': 'No such process, version or record (or not visible)', '409': 'Conflict (exists, nothing to publish, no published process, record not on this version)', '412': 'Stale If-Match', '415': 'Body is not JSON', '422': 'Invalid definition, guard failed, requirements unmet, move not allowed, or Idempotency-Key reused', '428': 'If-Match is required', '429': 'Rate limited' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), problem(TEXT[String(c)] ?? 'Error')]));
const pathParam = (name: string, schema: Json = { type: 'string' }) => ({ name, in: 'path', required: true, schema });
const ifMatch = (required: boolean) => ({ name: 'If-Match', in: 'header', required, schema: { type: 'string' }, description: 'ETag read before the change.' });
const tags = ['processes'];
const etag = { ETag: { schema: { type: 'string' }, description: 'Draft revision (processes) or record version (transitions).' } };

const transitionBody = {
  required: true,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['to'],
        additionalProperties: false,
        properties: {
          to: { type: 'string', description: 'Target stage id.' },
          transition: { type: 'string', description: 'Transition id, when several lead to the target.' },
          data: { type: 'object', description: 'JSON merge patch of the record body, applied before the guard and requirements.' },
          process: { type: 'string', description: 'Process to enter when the record is on none yet (default: the entity\'s default process).' },
        },
      },
    },
  },
};

const transitionOp = (operationId: string, params: Json[]) => ({
  post: {
    operationId,
    tags,
    summary: 'Move the record to another stage (one transaction: guard, entry requirements, stage history, audit event, actions enqueued)',
    parameters: [...params, ifMatch(true), { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'Same key and body: the stored response; same key, other body: 422.' }],
    requestBody: transitionBody,
    responses: { '200': ok('Moved; the record and the transition', { type: 'object', properties: { record: { type: 'object' }, transition: { type: 'object' } } }, etag), '202': ok('Held for approval (the transition asks for it here): the request and the record, unmoved', { type: 'object', properties: { approval: APPROVAL, record: { type: 'object' } } }), ...errors(400, 401, 403, 404, 409, 412, 415, 422, 428, 429) },
  },
});
const availableSchema = {
  type: 'object',
  required: ['record', 'process', 'stage', 'editable', 'transitions'],
  properties: {
    record: { type: 'object', properties: { id: { type: 'string' }, type: { type: 'string' }, version: { type: 'integer' }, stage: { type: ['string', 'null'] } } },
    process: { type: ['object', 'null'], description: 'The version the record is pinned to.', properties: { id: { type: 'string' }, version: { type: 'integer' }, label: { type: 'string' } } },
    stage: { type: ['object', 'null'], properties: { id: { type: 'string' }, label: { type: 'string' }, kind: { enum: ['open', 'won', 'lost'] } } },
    editable: { type: 'boolean', description: 'False when the caller may see the record but not move it (no transitions then).' },
    transitions: {
      type: 'array',
      description: 'Moves open to the caller from the record\'s stage in its pinned version (moves needing a role the caller lacks are left out), each with its guard evaluated and the unmet entry requirements of its target.',
      items: {
        type: 'object',
        required: ['id', 'label', 'to', 'toLabel', 'toKind', 'move', 'ready', 'guard', 'missing'],
        properties: {
          id: { type: ['string', 'null'], description: 'Transition id; null for a move allowed without one (skip, backward, enter).' },
          label: { type: 'string' },
          to: { type: 'string' },
          toLabel: { type: 'string' },
          toKind: { enum: ['open', 'won', 'lost'] },
          move: { enum: ['transition', 'skip', 'backward', 'enter'] },
          ready: { type: 'boolean', description: 'The move would be accepted as the record is now.' },
          guard: { type: 'object', description: '{ passed: true } or { passed: false, message, explanation } (the rule engine\'s explanation tree).', properties: { passed: { type: 'boolean' }, message: { type: 'string' }, explanation: { type: 'object' } } },
          missing: { type: ['object', 'null'], description: 'Unmet entry requirements: the fields and a JSON Schema for exactly them.', properties: { fields: { type: 'array', items: { type: 'string' } }, schema: { type: 'object' } } },
        },
      },
    },
  },
};
const availableOp = (operationId: string, params: Json[]) => ({ operationId, tags, summary: 'The transitions open to the caller from the record\'s stage, with guards evaluated and missing requirements', parameters: params, responses: { '200': ok('Moves open to the caller', availableSchema), ...errors(401, 404, 422) } });
const historyOp = (operationId: string, params: Json[]) => ({ get: { operationId, tags, summary: 'Stage history of the record (entered, exited, by whom)', parameters: params, responses: { '200': ok('Stays, oldest first'), ...errors(401, 404) } } });

/**
 * OpenAPI paths of the process API still written by hand: transitions and stage history
 * (`/api/processes`, `/api/approvals`, `/api/pipeline/*` and `/api/incidents` are declared once).
 *
 * @example
 * ```ts
 * generateOpenApi(registry, { paths: { ...importPaths, ...processPaths } });
 * ```
 */
export const processPaths: Record<string, Json> = {
  '/api/records/{type}/{id}/transitions': { ...transitionOp('transitionRecord', [pathParam('type'), pathParam('id', { type: 'string', format: 'uuid' })]), get: availableOp('listRecordTransitions', [pathParam('type'), pathParam('id', { type: 'string', format: 'uuid' })]) },
  '/api/records/{type}/{id}/history': historyOp('recordStageHistory', [pathParam('type'), pathParam('id', { type: 'string', format: 'uuid' })]),
};

/**
 * The OpenAPI paths of the transition aliases entities declare (`apiAlias`): for the pipeline
 * plugin's deals, `/api/deals/{id}/transitions` (transitionDeal, listDealTransitions) and
 * `/api/deals/{id}/history` (dealStageHistory).
 *
 * @example
 * ```ts
 * generateOpenApi(registry, { paths: { ...processPaths, ...aliasPaths(registry) } });
 * ```
 */
export function aliasPaths(registry: Registry): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const entity of registry.entities.values()) {
    if (!entity.apiAlias) continue;
    const name = entity.id.split('_').map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('');
    const id = [pathParam('id', { type: 'string', format: 'uuid' })];
    out[`/api/${entity.apiAlias}/{id}/transitions`] = { ...transitionOp(`transition${name}`, id), get: availableOp(`list${name}Transitions`, id) };
    out[`/api/${entity.apiAlias}/{id}/history`] = historyOp(`${name.charAt(0).toLowerCase()}${name.slice(1)}StageHistory`, id);
  }
  return out;
}
