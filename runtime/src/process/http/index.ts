export { actionTypeRoutes } from './action-type-routes';
export { approvalRoutes } from './approval-routes';
export { pipelineRoutes } from './pipeline-routes';
export { processRoutes } from './process-routes';
export { transitionRoutes } from './transition-routes';
