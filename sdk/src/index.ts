/**
 * @pipewright/plugin-sdk: everything a plugin imports from the platform. The plugin API is
 * re-exported wholesale from core's plugin API module, so what the platform adds there reaches
 * plugins without a change here. Plugins import this package and nothing else of the platform.
 *
 * @example
 * ```ts
 * import { definePlugin } from '@pipewright/plugin-sdk';
 * export const plugin = definePlugin({ actions: { log_visit: (ctx) => ({ key: ctx.idempotencyKey }) } });
 * ```
 */
export * from '@pipewright/core/plugin-api';
export type { PluginManifest, EntityDefinition } from '@pipewright/core';
export { renderTemplate } from '@pipewright/core';
// The studio half's API (`defineStudioPlugin`, the host, contribution types) is the separate
// entry `@pipewright/plugin-sdk/studio`, so server code never pulls in browser types.
// The rule engine, for plugins that evaluate json-logic rules of their own documents (e.g. the
// scorecard plugin's rule indicators): check, compile and explain, as the platform does.
export { checkRule, compileRule, explain, fieldsRead, type CompiledRule, type ExplainNode } from '@pipewright/core';
export { NotFoundError, PipewrightError, ValidationError, type ErrorDetail } from '@pipewright/core';
// The types of the injected services, for plugin code split over several modules.
export type { HookProblem, PluginCaller, PluginRecord, PluginServices, PluginUser, RouteSchema } from '@pipewright/core';
