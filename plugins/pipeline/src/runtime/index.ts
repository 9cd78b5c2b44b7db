import { definePlugin } from '@pipewright/plugin-sdk';
import { forecastRoutes } from './forecast/routes';

/**
 * Runtime part of the pipeline plugin. Its entities, processes and rules are data (see plugin.json);
 * behaviour that data cannot express is registered here: the forecast and its backtest
 * (`/api/plugins/pipeline/forecast`, ADR 020).
 *
 * @example
 * ```ts
 * import { plugin } from '@pipewright/plugin-pipeline';
 * ```
 */
export const plugin = definePlugin({ routes: forecastRoutes });
