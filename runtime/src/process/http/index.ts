import type { Hono } from 'hono';
import type { AppEnv } from '../../http/context';
import type { ProcessRuntime } from '../runtime';
import { pipelineRoutes } from './pipeline-routes';
import { transitionRoutes } from './transition-routes';
import { approvalRoutes } from './approval-routes';

export { aliasPaths, processPaths } from './openapi';
export { actionTypeRoutes } from './action-type-routes';
export { processRoutes } from './process-routes';

/**
 * Mounts the rest of the process API on the app (before its `/api/*` catch-all): approvals,
 * transitions and pipeline analytics. `/api/processes` is a declared {@link processRoutes} table.
 *
 * @example
 * ```ts
 * mountProcessRoutes(app, runtime);
 * ```
 */
export function mountProcessRoutes(app: Hono<AppEnv>, rt: ProcessRuntime): void {
  app.route('/api/approvals', approvalRoutes(rt));
  app.route('/api', transitionRoutes(rt));
  app.route('/api', pipelineRoutes(rt));
}
