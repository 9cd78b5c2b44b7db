import { definePlugin } from '@pipewright/plugin-sdk';
import { dealChangeMatters, summariseAccounts, summaryAfterChange } from './account-summary';
import { collisionAfterChange, collisionComputed } from './collision';
import { createContract } from './contracts/action';
import { contractRecordHooks } from './contracts/hooks';
import { overdueJob } from './contracts/overdue';
import { contractRoutes } from './contracts/routes';
import { forecastRoutes } from './forecast/routes';

/**
 * Runtime part of the pipeline plugin. Its entities, processes and rules are data (see plugin.json);
 * behaviour that data cannot express is registered here: the forecast and its backtest
 * (`/api/plugins/pipeline/forecast`, ADR 020), contracts and payment collection
 * (`pipeline.create_contract`, `/api/plugins/pipeline/contracts`, the overdue timer; ADR 026),
 * deal collisions (撞单, ADR 023): a deal on an account owned by another rep notifies both reps'
 * managers and carries `computed.collision_with`; and each account's deal summary (won value,
 * won and open deals) kept on the account on every deal change (job `summarise_accounts`), so
 * crm's hooks regrade it.
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
  hooks: {
    ...contractRecordHooks,
    'pipeline.deal': {
      when: dealChangeMatters,
      async afterChange(change, s) {
        await collisionAfterChange(change, s);
        await summaryAfterChange(change, s);
      },
    },
  },
  computed: { 'pipeline.deal': collisionComputed },
  routes: [...forecastRoutes, ...contractRoutes],
  jobs: {
    async contract_overdue(data, s) {
      await overdueJob(data, s);
    },
    async summarise_accounts(data, s) {
      const written = await summariseAccounts(s, Array.isArray(data.accounts) ? data.accounts.map(String) : undefined);
      s.log.info('account deal summaries written', { written });
    },
  },
  schedules: {
    contract_overdue: { cron: '15 * * * *' },
    // Nightly, and after the demo seed (its imports write without hooks), before crm's maintenance.
    summarise_accounts: { cron: '15 2 * * *', tz: 'UTC', afterDemoSeed: true },
  },
});
