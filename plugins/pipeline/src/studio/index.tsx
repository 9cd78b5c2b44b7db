import { defineStudioPlugin, lazyComponent } from '@pipewright/plugin-sdk/studio';
import { DEAL } from './ids';

/**
 * The pipeline plugin's studio half: the deal board (the studio's default `/board` and a
 * navigation entry), the pipeline analytics page (conversion by stage, time in stage, stuck
 * deals), the forecast page (current forecast and its backtest), contracts and payment collection
 * (the contracts list, a contract's page and the contract panel on deal pages), the deals panel on account pages, and the labels of deals, products and deal stages
 * in en and zh-CN. Pages and panels load on first use (`lazyComponent`, ADR 030).
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
      { path: 'analytics', component: lazyComponent(host, () => import('./analytics/AnalyticsPage').then((m) => m.analyticsPage(host))) },
      { path: 'forecast', component: lazyComponent(host, () => import('./forecast/ForecastPage').then((m) => m.forecastPage(host))) },
      { path: 'contracts', component: lazyComponent(host, () => import('./contracts/ContractsPage').then((m) => m.contractsPage(host))) },
      { path: 'contracts/:id', component: lazyComponent(host, () => import('./contracts/ContractsPage').then((m) => m.contractPage(host))) },
    ],
    nav: [
      { id: 'board', label: 'nav.dealBoard', href: `/board/${DEAL}` },
      { id: 'analytics', label: 'nav.analytics', href: '/p/pipeline/analytics' },
      { id: 'forecast', label: 'nav.forecast', href: '/p/pipeline/forecast' },
      { id: 'contracts', label: 'nav.contracts', href: '/p/pipeline/contracts' },
    ],
    recordPanels: [
      { id: 'deals', entities: (entity, all) => all.get(DEAL)?.references?.account_id?.entity === entity.fullId, component: lazyComponent(host, () => import('./AccountDeals').then((m) => m.accountDeals(host))), order: 40 },
      { id: 'contract', entities: [DEAL], component: lazyComponent(host, () => import('./contracts/ContractsPage').then((m) => m.dealContract(host))), order: 30 },
      { id: 'collision', entities: [DEAL], component: lazyComponent(host, () => import('./DealCollision').then((m) => m.dealCollision(host))), order: 5 },
    ],
    translations: { en: () => import('./translations.en'), 'zh-CN': () => import('./translations.zh-cn') },
  }),
});
