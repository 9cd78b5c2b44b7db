import { defineStudioPlugin } from '@pipewright/studio/plugin-api';
import { accountDeals, DEAL } from './AccountDeals';
import { translations } from './translations';

/**
 * The pipeline plugin's studio half: the deal board (the studio's default `/board` and a
 * navigation entry), the deals panel on account pages, and the labels of deals, products and
 * deal stages in en and zh-CN.
 *
 * @example
 * ```ts
 * import pipelineStudio from '@pipewright/plugin-pipeline/studio';
 * ```
 */
export default defineStudioPlugin({
  id: 'pipeline',
  setup: (host) => ({
    boards: [{ entity: DEAL }],
    // a deal guard over a money field and an enum: the rule builder's starting point for deals
    ruleExamples: [{ entity: DEAL, rule: { and: [{ '>=': [{ var: 'amount.amount' }, 10000] }, { in: [{ var: 'source' }, ['inbound', 'referral']] }] } }],
    nav: [{ id: 'board', label: 'nav.dealBoard', href: `/board/${DEAL}` }],
    recordPanels: [{ id: 'deals', entities: (entity, all) => all.get(DEAL)?.references?.account_id?.entity === entity.fullId, component: accountDeals(host), order: 40 }],
    translations,
  }),
});
