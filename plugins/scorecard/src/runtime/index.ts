import { definePlugin } from '@pipewright/plugin-sdk';

/**
 * Runtime part of the scorecard plugin. Its entities, processes and rules are data (see plugin.json);
 * behaviour that data cannot express is registered here as later capabilities land.
 *
 * @example
 * ```ts
 * import { plugin } from '@pipewright/plugin-scorecard';
 * ```
 */
export const plugin = definePlugin({});
