import { definePlugin } from '@pipewright/plugin-sdk';
import { createHandoff } from './create';

/**
 * Runtime part of the handoff plugin: the `handoff.create` action. Entities and metrics are data
 * (see plugin.json); routing by policy, capacity caps and acceptance SLAs come later.
 *
 * @example
 * ```ts
 * import { plugin } from '@pipewright/plugin-handoff';
 * ```
 */
export const plugin = definePlugin({
  actions: { create: createHandoff },
});
