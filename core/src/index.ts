/**
 * @pipewright/core: the kernel. No I/O: plugin registry and loading from manifests, the rule
 * engine, typed errors. The runtime and the studio build on it.
 */
export * from './errors';
export * from './i18n/text';
export * from './validation/ajv';
export * from './plugins/index';
export * from './rules/index';
export * from './process/index';
export * from './validation/members';
export * from './dashboards/index';
export { assertDashboard, checkDashboard, type DashboardContext } from './dashboards/check';
