import { definePlugin } from '@pipewright/plugin-sdk';
import { collisionAfterChange, collisionComputed } from './collision';
import { forecastRoutes } from './forecast/routes';

/**
 * Runtime part of the pipeline plugin. Its entities, processes and rules are data (see plugin.json);
 * behaviour that data cannot express is registered here: the forecast and its backtest
 * (`/api/plugins/pipeline/forecast`, ADR 020); deal collisions (撞单, ADR 023): a deal on an
 * account owned by another rep notifies both reps' managers and carries `computed.collision_with`.
 *
 * @example
 * ```ts
 * import { plugin } from '@pipewright/plugin-pipeline';
 * ```
 */
export const plugin = definePlugin({
  routes: forecastRoutes,
  hooks: { 'pipeline.deal': { afterChange: collisionAfterChange } },
  computed: { 'pipeline.deal': collisionComputed },
});
