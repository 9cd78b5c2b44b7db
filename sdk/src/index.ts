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
// STUDIO API: `defineStudioPlugin` and its types are re-exported here once the studio extension
// API (studio/src/plugin-api/) is on main: `export * from '@pipewright/studio/plugin-api';`.
