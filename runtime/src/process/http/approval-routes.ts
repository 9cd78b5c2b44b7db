import { NotFoundError } from '@pipewright/core';
import { readOrWrite } from '../../auth/guards';
import { RouteTable } from '../../http/declare';
import { requestLocale } from '../../http/locale';
import { isUuid } from '../../records/store';
import { readDecision } from '../approvals';
import type { ProcessRuntime } from '../runtime';
import { APPROVAL } from './approval-schema';

const STATUSES = ['pending', 'approving', 'approved', 'rejected', 'withdrawn', 'failed'] as const;
const ID = { type: 'string', format: 'uuid', description: 'The approval request\'s id.' } as const;

/**
 * `/api/approvals`, declared once (ADR 031): moves and record changes held for approval (ADR 028).
 * The list (what waits on the caller, what the caller asked for, all for admins), one request,
 * decisions by its approvers, withdrawal by its requester.
 *
 * @example
 * ```ts
 * const t = approvalRoutes(runtime);
 * app.route(t.base, t.app);
 * ```
 */
export function approvalRoutes(rt: ProcessRuntime): RouteTable {
  const t = new RouteTable('/api/approvals', ['approvals']);
  const guards = [readOrWrite()];
  const idOf = (id: string) => {
    if (!isUuid(id)) throw new NotFoundError(`There is no approval request "${id}" you may see.`, { entity: 'approval', id });
    return id;
  };
  const one = { 200: { description: 'The request', schema: APPROVAL } };

  t.on({ method: 'get', path: '/', operationId: 'listApprovals', summary: 'Moves and changes held for approval: waiting on the caller (default), asked for by the caller, or all (admin)', guards, query: { box: { enum: ['waiting', 'requested', 'all', 'record'], description: 'Default waiting; `record`: every request on the `record` the caller may read (its requester, approvers, admins).' }, status: { enum: [...STATUSES], description: 'Only requests in this state.' }, record: { type: 'string', format: 'uuid', description: 'Only requests on this record.' } }, responses: { 200: { description: 'Requests, newest first', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: APPROVAL } } } } }, errors: [403, 429] }, async (c, { query }) => {
    return c.json({ items: await rt.approvals.list(c.get('actor'), (query.box ?? 'waiting') as 'waiting' | 'requested' | 'all' | 'record', query.status as (typeof STATUSES)[number] | undefined, query.record) });
  });

  t.on({ method: 'get', path: '/:id', operationId: 'getApproval', summary: 'One request (its requester, its approvers and admins)', guards, pathParams: { id: ID }, responses: one, errors: [403, 404, 429] }, async (c, { param }) => c.json(await rt.approvals.get(c.get('actor'), idOf(param('id')))));

  t.on(
    {
      method: 'post',
      path: '/:id/decisions',
      operationId: 'decideApproval',
      summary: 'Approve or reject (a rejection needs a reason); the last approval needed makes the move or the change as the requester',
      guards,
      pathParams: { id: ID },
      // the decision's own check names every problem at once, a rejection without a reason included
      body: { type: 'object', required: ['decision'], additionalProperties: false, properties: { decision: { enum: ['approve', 'reject'] }, comment: { type: ['string', 'null'], maxLength: 2000, description: 'Required to reject.' } } },
      bodyCheckedBy: 'handler',
      responses: { 200: { description: 'The request after the decision (approved, failed with the reason, rejected or still pending)', schema: APPROVAL } },
      errors: [403, 404, 409, 429],
    },
    async (c, { body, param }) => {
      const id = idOf(param('id'));
      const { decision, comment } = readDecision(body);
      const view = await rt.approvals.decide(c.get('actor'), id, decision, comment, requestLocale(c));
      rt.workers?.wake();
      return c.json(view);
    },
  );

  t.on({ method: 'post', path: '/:id/withdraw', operationId: 'withdrawApproval', summary: 'The requester takes a pending request back', guards, pathParams: { id: ID }, responses: { 200: { description: 'The withdrawn request', schema: APPROVAL } }, errors: [403, 404, 409, 429] }, async (c, { param }) => c.json(await rt.approvals.withdraw(c.get('actor'), idOf(param('id')))));

  return t;
}
