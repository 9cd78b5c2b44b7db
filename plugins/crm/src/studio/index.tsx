import { defineStudioPlugin } from '@pipewright/studio/plugin-api';
import { ACCOUNT, accountOverview } from './AccountOverview';
import { ACTIVITY, activityTimeline, linkFields } from './ActivityTimeline';
import { atRiskPage } from './AtRiskPage';
import { mergePanel } from './MergePanel';
import { quickLog } from './QuickLog';
import { transferPage } from './TransferPage';
import { translations } from './translations';

/** Deals, named by id (crm does not depend on pipeline). */
const DEAL = 'pipeline.deal';

/**
 * The crm plugin's studio half: the 360° account panel, "log a call / visit / note / task" on
 * accounts and deals, the activity timeline on the page of every record the activity entity
 * links to (deals, accounts, contacts), the ownership transfer page, and the labels of its
 * entities in en and zh-CN.
 *
 * @example
 * ```ts
 * import crmStudio from '@pipewright/plugin-crm/studio';
 * ```
 */
export default defineStudioPlugin({
  id: 'crm',
  setup: (host) => ({
    pages: [
      { path: 'transfers', component: transferPage(host) },
      { path: 'at-risk', component: atRiskPage(host) },
    ],
    nav: [
      { id: 'transfers', label: 'transfer.nav', href: '/p/crm/transfers', order: 80 },
      { id: 'at_risk', label: 'atRisk.nav', href: '/p/crm/at-risk', order: 70 },
    ],
    recordPanels: [
      { id: 'quick_log', entities: [ACCOUNT, DEAL], component: quickLog(host), order: 10 },
      { id: 'account_overview', entities: [ACCOUNT], component: accountOverview(host), order: 20 },
      { id: 'merge', entities: [ACCOUNT], component: mergePanel(host), order: 15 },
      { id: 'activities', entities: (entity, all) => entity.fullId !== ACTIVITY && linkFields(all.get(ACTIVITY), entity.fullId).length > 0, component: activityTimeline(host), order: 50 },
    ],
    translations,
  }),
});
