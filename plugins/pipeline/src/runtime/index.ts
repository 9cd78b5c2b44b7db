import { definePlugin } from '@pipewright/plugin-sdk';
import { createContract } from './contracts/action';
import { contractRecordHooks } from './contracts/hooks';
import { overdueJob } from './contracts/overdue';
import { contractRoutes } from './contracts/routes';
import { forecastRoutes } from './forecast/routes';

/**
 * Runtime part of the pipeline plugin. Its entities, processes and rules are data (see plugin.json);
 * behaviour that data cannot express is registered here: the forecast and its backtest
 * (`/api/plugins/pipeline/forecast`, ADR 020), and contracts and payment collection
 * (`pipeline.create_contract`, `/api/plugins/pipeline/contracts`, the overdue timer; ADR 026).
 *
 * @example
 * ```ts
 * import { plugin } from '@pipewright/plugin-pipeline';
 * ```
 */
export const plugin = definePlugin({
  config: {
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: { contract_escalate_days: { type: 'integer', minimum: 1, maximum: 365, default: 15 } },
    },
  },
  actions: { create_contract: createContract },
  hooks: contractRecordHooks,
  routes: [...forecastRoutes, ...contractRoutes],
  jobs: {
    async contract_overdue(data, s) {
      await overdueJob(data, s);
    },
  },
  schedules: { contract_overdue: { cron: '15 * * * *' } },
});
