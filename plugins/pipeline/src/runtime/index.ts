import { definePlugin } from '@pipewright/plugin-sdk';
import { summariseAccounts, summaryAfterChange } from './account-summary';
import { collisionAfterChange, collisionComputed } from './collision';
import { forecastRoutes } from './forecast/routes';

/**
 * Runtime part of the pipeline plugin. Its entities, processes and rules are data (see plugin.json);
 * behaviour that data cannot express is registered here: the forecast and its backtest
 * (`/api/plugins/pipeline/forecast`, ADR 020); deal collisions (撞单, ADR 023): a deal on an
 * account owned by another rep notifies both reps' managers and carries `computed.collision_with`;
 * each account's deal summary (won value, won and open deals) kept on the account on every deal
 * change (job `summarise_accounts`), so crm's hooks regrade it.
 *
 * @example
 * ```ts
 * import { plugin } from '@pipewright/plugin-pipeline';
 * ```
 */
export const plugin = definePlugin({
  routes: forecastRoutes,
  hooks: {
    'pipeline.deal': {
      async afterChange(change, s) {
        await collisionAfterChange(change, s);
        await summaryAfterChange(change, s);
      },
    },
  },
  computed: { 'pipeline.deal': collisionComputed },
  jobs: {
    async summarise_accounts(data, s) {
      const written = await summariseAccounts(s, Array.isArray(data.accounts) ? data.accounts.map(String) : undefined);
      s.log.info('account deal summaries written', { written });
    },
  },
  // Nightly, and after the demo seed (its imports write without hooks), before crm's maintenance.
  schedules: { summarise_accounts: { cron: '15 2 * * *', tz: 'UTC', afterDemoSeed: true } },
});
