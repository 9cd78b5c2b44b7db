import { definePlugin } from '@pipewright/core';

/**
 * Runtime part of the crm plugin. Its entities, processes and rules are data (see plugin.json);
 * behaviour that data cannot express is registered here as later capabilities land.
 *
 * @example
 * ```ts
 * import { plugin } from '@pipewright/plugin-crm';
 * ```
 */
export const plugin = definePlugin({});
