import { definePlugin } from '@pipewright/plugin-sdk';
import { createActivity } from './create-activity';

/**
 * Runtime part of the crm plugin: the `crm.create_activity` action. Entities, rules and metrics
 * are data (see plugin.json).
 *
 * @example
 * ```ts
 * import { plugin } from '@pipewright/plugin-crm';
 * ```
 */
export const plugin = definePlugin({
  actions: { create_activity: createActivity },
});
