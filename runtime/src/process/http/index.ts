import type { Hono } from 'hono';
import type { AppEnv } from '../../http/context';
import type { ProcessRuntime } from '../runtime';
import { transitionRoutes } from './transition-routes';

export { aliasPaths, processPaths } from './openapi';
export { actionTypeRoutes } from './action-type-routes';
export { approvalRoutes } from './approval-routes';
export { pipelineRoutes } from './pipeline-routes';
export { processRoutes } from './process-routes';

/**
 * Mounts the transition routes on the app (before its `/api/*` catch-all). The rest of the
 * process API is declared once, as route tables: {@link processRoutes}, {@link approvalRoutes}
 * and {@link pipelineRoutes}.
 *
 * @example
 * ```ts
 * mountProcessRoutes(app, runtime);
 * ```
 */
export function mountProcessRoutes(app: Hono<AppEnv>, rt: ProcessRuntime): void {
  app.route('/api', transitionRoutes(rt));
}
