import { defineStudioPlugin, lazyComponent } from '@pipewright/plugin-sdk/studio';
import { ACCOUNT, ACTIVITY, linkFields } from './ids';

/** Deals, named by id (crm does not depend on pipeline). */
const DEAL = 'pipeline.deal';

/**
 * The crm plugin's studio half: the 360° account panel, "log a call / visit / note / task" on
 * accounts and deals, the activity timeline on the page of every record the activity entity
 * links to (deals, accounts, contacts), the ownership transfer page, and the labels of its
 * entities in en and zh-CN; field visits (外勤签到): the phone check-in page and the managers'
 * list of the day's visits per rep; daily and weekly reports (日报/周报) for reps and managers; the account
 * pool (公海池) page and the pool panel of accounts. Pages and panels load on first use
 * (`lazyComponent`); this module holds only what the studio needs to start (ADR 030).
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
      { path: 'transfers', component: lazyComponent(host, () => import('./TransferPage').then((m) => m.transferPage(host))) },
      { path: 'visit', component: lazyComponent(host, () => import('./VisitPage').then((m) => m.visitPage(host))) },
      { path: 'visits', component: lazyComponent(host, () => import('./TeamVisitsPage').then((m) => m.teamVisitsPage(host))) },
      { path: 'report', component: lazyComponent(host, () => import('./ReportPage').then((m) => m.reportPage(host))) },
      { path: 'reports', component: lazyComponent(host, () => import('./TeamReportsPage').then((m) => m.teamReportsPage(host))) },
      { path: 'pool', component: lazyComponent(host, () => import('./PoolPage').then((m) => m.poolPage(host))) },
      { path: 'at-risk', component: lazyComponent(host, () => import('./AtRiskPage').then((m) => m.atRiskPage(host))) },
    ],
    nav: [
      { id: 'transfers', label: 'transfer.nav', href: '/p/crm/transfers', order: 80 },
      { id: 'visit', label: 'visit.nav', href: '/p/crm/visit', order: 60 },
      { id: 'visits', label: 'visits.nav', href: '/p/crm/visits', order: 70 },
      { id: 'report', label: 'report.nav', href: '/p/crm/report', order: 72 },
      { id: 'reports', label: 'reports.nav', href: '/p/crm/reports', order: 74 },
      { id: 'pool', label: 'pool.nav', href: '/p/crm/pool', order: 76 },
      { id: 'at_risk', label: 'atRisk.nav', href: '/p/crm/at-risk', order: 78 },
    ],
    recordActions: [{ id: 'visit_checkin', entities: [ACCOUNT], label: 'visit.action', run: ({ record, navigate }) => navigate(`/p/crm/visit?account=${record.id}`) }],
    recordPanels: [
      { id: 'quick_log', entities: [ACCOUNT, DEAL], component: lazyComponent(host, () => import('./QuickLog').then((m) => m.quickLog(host))), order: 10 },
      { id: 'account_overview', entities: [ACCOUNT], component: lazyComponent(host, () => import('./AccountOverview').then((m) => m.accountOverview(host))), order: 20 },
      { id: 'merge', entities: [ACCOUNT], component: lazyComponent(host, () => import('./MergePanel').then((m) => m.mergePanel(host))), order: 15 },
      { id: 'account_pool', entities: [ACCOUNT], component: lazyComponent(host, () => import('./AccountPoolPanel').then((m) => m.accountPoolPanel(host))), order: 30 },
      { id: 'activities', entities: (entity, all) => entity.fullId !== ACTIVITY && linkFields(all.get(ACTIVITY), entity.fullId).length > 0, component: lazyComponent(host, () => import('./ActivityTimeline').then((m) => m.activityTimeline(host))), order: 50 },
    ],
    translations: { en: () => import('./translations.en'), 'zh-CN': () => import('./translations.zh-cn') },
  }),
});
