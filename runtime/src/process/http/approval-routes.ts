import { NotFoundError, ValidationError } from '@pipewright/core';
import { Hono } from 'hono';
import { readOrWrite } from '../../auth/guards';
import { readJsonObject } from '../../http/body';
import type { AppEnv } from '../../http/context';
import { requestLocale } from '../../http/locale';
import { isUuid } from '../../records/store';
import { readDecision } from '../approvals';
import type { ProcessRuntime } from '../runtime';

const BOXES = ['waiting', 'requested', 'all'] as const;
const STATUSES = ['pending', 'approving', 'approved', 'rejected', 'withdrawn', 'failed'] as const;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], parameter: string): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ValidationError({ code: 'query.invalid', status: 400, message: `"${parameter}" must be one of ${allowed.join(', ')}.`, details: [{ pointer: '', parameter, message: `must be one of ${allowed.join(', ')}` }] });
}

/**
 * `/api/approvals`: moves held for approval (ADR 027). The list (what waits on the caller, what
 * the caller asked for, all for admins), one request, decisions by its approvers, withdrawal by
 * its requester.
 *
 * @example
 * ```ts
 * app.route('/api/approvals', approvalRoutes(runtime));
 * ```
 */
export function approvalRoutes(rt: ProcessRuntime): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', readOrWrite());
  const idOf = (id: string) => {
    if (!isUuid(id)) throw new NotFoundError(`There is no approval request "${id}" you may see.`, { entity: 'approval', id });
    return id;
  };

  app.get('/', async (c) => {
    const box = oneOf(c.req.query('box'), BOXES, 'box') ?? 'waiting';
    const status = oneOf(c.req.query('status'), STATUSES, 'status');
    return c.json({ items: await rt.approvals.list(c.get('actor'), box, status) });
  });
  app.get('/:id', async (c) => c.json(await rt.approvals.get(c.get('actor'), idOf(c.req.param('id')))));
  app.post('/:id/decisions', async (c) => {
    const id = idOf(c.req.param('id'));
    const { decision, comment } = readDecision(await readJsonObject(c));
    const view = await rt.approvals.decide(c.get('actor'), id, decision, comment, requestLocale(c));
    rt.workers?.wake();
    return c.json(view);
  });
  app.post('/:id/withdraw', async (c) => c.json(await rt.approvals.withdraw(c.get('actor'), idOf(c.req.param('id')))));
  return app;
}
