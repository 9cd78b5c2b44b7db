import type { Registry } from '@pipewright/core';
type Json = Record<string, unknown>;

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const ok = (description: string, schema: unknown = { type: 'object' }, headers?: Json) => ({ description, content: { 'application/json': { schema } }, ...(headers ? { headers } : {}) });
const TEXT: Record<string, string> = { '400': 'Bad parameter', '401': 'Not signed in', '403': 'Not allowed (admin only, or the transition needs a role)', '404': 'No such process, version or record (or not visible)', '409': 'Conflict (exists, nothing to publish, no published process, record not on this version)', '412': 'Stale If-Match', '415': 'Body is not JSON', '422': 'Invalid definition, guard failed, requirements unmet, move not allowed, or Idempotency-Key reused', '428': 'If-Match is required', '429': 'Rate limited' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), problem(TEXT[String(c)] ?? 'Error')]));
const pathParam = (name: string, schema: Json = { type: 'string' }) => ({ name, in: 'path', required: true, schema });
const query = (name: string, schema: Json, description: string, required = false) => ({ name, in: 'query', required, schema, description });
const ifMatch = (required: boolean) => ({ name: 'If-Match', in: 'header', required, schema: { type: 'string' }, description: 'ETag read before the change.' });
const tags = ['processes'];
const etag = { ETag: { schema: { type: 'string' }, description: 'Draft revision (processes) or record version (transitions).' } };
const pipelineQuery = [query('process', { type: 'string' }, 'Process id.', true), query('asOf', { type: 'string' }, 'ISO date or date-time (default: now).')];

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

const APPROVAL = {
  type: 'object',
  required: ['id', 'kind', 'record', 'to', 'approvers', 'required', 'decisions', 'status', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    kind: { enum: ['move', 'edit'], description: 'A held stage move, or a held change of the record outside transitions (ADR 028 addendum).' },
    record: { type: 'object', properties: { id: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' } } },
    process: { type: ['object', 'null'], properties: { id: { type: 'string' }, version: { type: 'integer' } } },
    transition: { type: ['string', 'null'] }, from: { type: ['string', 'null'] }, to: { type: ['string', 'null'], description: 'A move\'s target stage (null for an edit).' },
    edit: { type: ['object', 'null'], description: 'An edit: the entity approval that applied and the changed fields before and as asked for.', properties: { rule: { type: 'string' }, label: {}, fields: { type: 'array', items: { type: 'string' } }, before: { type: 'object' }, after: { type: 'object' } } }, labels: { type: 'object', description: 'The stages\' labels (a text or the text by language).', properties: { from: {}, to: {} } },
    requester: { type: ['string', 'null'] }, approvers: { type: 'array', items: { type: 'string' } }, required: { type: 'integer' }, mode: { enum: ['parallel', 'sequential'] }, next: { type: ['string', 'null'], description: 'In a sequence, whose turn it is.' },
    decisions: { type: 'array', items: { type: 'object', properties: { user: { type: 'string' }, decision: { enum: ['approve', 'reject'] }, comment: { type: ['string', 'null'] }, at: { type: 'string', format: 'date-time' } } } },
    status: { enum: ['pending', 'approving', 'approved', 'rejected', 'withdrawn', 'failed'] }, reason: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' }, decidedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};
const approvalId = pathParam('id', { type: 'string', format: 'uuid' });
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
 * OpenAPI paths of the process API still written by hand: transitions, stage history, pipeline
 * analytics, approvals and incidents (`/api/processes` is declared once: process-routes.ts).
 *
 * @example
 * ```ts
 * generateOpenApi(registry, { paths: { ...importPaths, ...processPaths } });
 * ```
 */
export const processPaths: Record<string, Json> = {
  '/api/records/{type}/{id}/transitions': { ...transitionOp('transitionRecord', [pathParam('type'), pathParam('id', { type: 'string', format: 'uuid' })]), get: availableOp('listRecordTransitions', [pathParam('type'), pathParam('id', { type: 'string', format: 'uuid' })]) },
  '/api/records/{type}/{id}/history': historyOp('recordStageHistory', [pathParam('type'), pathParam('id', { type: 'string', format: 'uuid' })]),
  '/api/pipeline/time-in-stage': { get: { operationId: 'pipelineTimeInStage', tags: ['pipeline'], summary: 'Time in stage from stage history', parameters: pipelineQuery, responses: { '200': ok('Per stage'), ...errors(400, 401, 404) } } },
  '/api/pipeline/stuck': { get: { operationId: 'pipelineStuck', tags: ['pipeline'], summary: 'Records beyond their stage SLA or the 75th percentile of time in that stage', parameters: [...pipelineQuery, query('limit', { type: 'integer', minimum: 1, maximum: 1000 }, 'Default 100.')], responses: { '200': ok('Stuck records, longest first'), ...errors(400, 401, 404) } } },
  '/api/pipeline/conversion': { get: { operationId: 'pipelineConversion', tags: ['pipeline'], summary: 'Stage-to-stage conversion and win rate by stage', parameters: pipelineQuery, responses: { '200': ok('Per stage and per move'), ...errors(400, 401, 404) } } },
  '/api/pipeline/stays': { get: { operationId: 'pipelineOpenStays', tags: ['pipeline'], summary: 'The open stay (stage, entered, SLA due) of each given record the caller may see', parameters: [query('ids', { type: 'string' }, 'Up to 500 comma-separated record ids.', true)], responses: { '200': ok('Open stays'), ...errors(400, 401) } } },
  '/api/approvals': {
    get: {
      operationId: 'listApprovals', tags: ['approvals'], summary: 'Moves held for approval: waiting on the caller (default), asked for by the caller, or all (admin)',
      parameters: [query('box', { enum: ['waiting', 'requested', 'all'] }, 'Default waiting.'), query('status', { enum: ['pending', 'approving', 'approved', 'rejected', 'withdrawn', 'failed'] }, 'Only requests in this state.')],
      responses: { '200': ok('Requests, newest first', { type: 'object', properties: { items: { type: 'array', items: APPROVAL } } }), ...errors(400, 401, 403) },
    },
  },
  '/api/approvals/{id}': { get: { operationId: 'getApproval', tags: ['approvals'], summary: 'One request (its requester, its approvers and admins)', parameters: [approvalId], responses: { '200': ok('The request', APPROVAL), ...errors(401, 404) } } },
  '/api/approvals/{id}/decisions': {
    post: {
      operationId: 'decideApproval', tags: ['approvals'], summary: 'Approve or reject (with a reason); the last approval needed makes the move as the requester',
      parameters: [approvalId],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['decision'], additionalProperties: false, properties: { decision: { enum: ['approve', 'reject'] }, comment: { type: 'string', maxLength: 2000 } } } } } },
      responses: { '200': ok('The request after the decision (approved, failed with the reason, rejected or still pending)', APPROVAL), ...errors(400, 401, 403, 404, 409, 415, 422) },
    },
  },
  '/api/approvals/{id}/withdraw': { post: { operationId: 'withdrawApproval', tags: ['approvals'], summary: 'The requester takes a pending request back', parameters: [approvalId], responses: { '200': ok('The withdrawn request', APPROVAL), ...errors(401, 403, 404, 409) } } },
  '/api/incidents': { get: { operationId: 'listIncidents', tags: ['pipeline'], summary: 'Actions that kept failing (admin)', responses: { '200': ok('Incidents'), ...errors(401, 403) } } },
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
