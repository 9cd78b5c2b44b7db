import { defineStudioPlugin } from '@pipewright/plugin-sdk/studio';
import { accountDeals, DEAL } from './AccountDeals';
import { dealCollision } from './DealCollision';
import { analyticsPage } from './analytics/AnalyticsPage';
import { contractPage, contractsPage, dealContract } from './contracts/ContractsPage';
import { forecastPage } from './forecast/ForecastPage';
import { translations } from './translations';

/**
 * The pipeline plugin's studio half: the deal board (the studio's default `/board` and a
 * navigation entry), the pipeline analytics page (conversion by stage, time in stage, stuck
 * deals), the forecast page (current forecast and its backtest), contracts and payment collection
 * (the contracts list, a contract's page and the contract panel on deal pages), the deals panel on account pages, and the labels of deals, products and deal stages
 * in en and zh-CN.
 *
 * @example
 * ```ts
 * import pipelineStudio from '@pipewright/plugin-pipeline/studio';
 * ```
 */
export default defineStudioPlugin({
  id: 'pipeline',
  setup: (host) => ({
    // open and weighted pipeline per open stage, won value in the won column, and their totals
    boards: [{ entity: DEAL, values: ['pipeline.open_pipeline_value', 'pipeline.weighted_pipeline_value', 'pipeline.won_value'] }],
    // a deal guard over a money field and an enum: the rule builder's starting point for deals
    ruleExamples: [{ entity: DEAL, rule: { and: [{ '>=': [{ var: 'amount.amount' }, 10000] }, { in: [{ var: 'source' }, ['inbound', 'referral']] }] } }],
    pages: [
      { path: 'analytics', component: analyticsPage(host) },
      { path: 'forecast', component: forecastPage(host) },
      { path: 'contracts', component: contractsPage(host) },
      { path: 'contracts/:id', component: contractPage(host) },
    ],
    nav: [
      { id: 'board', label: 'nav.dealBoard', href: `/board/${DEAL}` },
      { id: 'analytics', label: 'nav.analytics', href: '/p/pipeline/analytics' },
      { id: 'forecast', label: 'nav.forecast', href: '/p/pipeline/forecast' },
      { id: 'contracts', label: 'nav.contracts', href: '/p/pipeline/contracts' },
    ],
    recordPanels: [
      { id: 'deals', entities: (entity, all) => all.get(DEAL)?.references?.account_id?.entity === entity.fullId, component: accountDeals(host), order: 40 },
      { id: 'contract', entities: [DEAL], component: dealContract(host), order: 30 },
      { id: 'collision', entities: [DEAL], component: dealCollision(host), order: 5 },
    ],
    translations,
  }),
});
