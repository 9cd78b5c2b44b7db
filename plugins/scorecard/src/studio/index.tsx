import { defineStudioPlugin, lazyComponent } from '@pipewright/plugin-sdk/studio';


/**
 * The scorecard plugin's studio half: the scorecard designer (`/p/scorecard/designer`), the
 * person's own scorecard (`/p/scorecard/me`), the team page with the review and calibration
 * board (`/p/scorecard/team`), and the labels of its entities and review stages in en and zh-CN.
 * Pages load on first use (`lazyComponent`, ADR 030).
 *
 * @example
 * ```ts
 * import scorecardStudio from '@pipewright/plugin-scorecard/studio';
 * ```
 */
export default defineStudioPlugin({
  id: 'scorecard',
  setup: (host) => ({
    pages: [
      { path: 'designer', component: lazyComponent(host, () => import('./designer').then((m) => m.designerPage(host))) },
      { path: 'me', component: lazyComponent(host, () => import('./results').then((m) => m.myScorecardPage(host))) },
      { path: 'team', component: lazyComponent(host, () => import('./results').then((m) => m.teamPage(host))) },
    ],
    nav: [
      { id: 'me', label: 'nav.me', href: '/p/scorecard/me', order: 10 },
      { id: 'team', label: 'nav.team', href: '/p/scorecard/team', order: 20 },
      { id: 'designer', label: 'nav.designer', href: '/p/scorecard/designer', order: 30 },
    ],
    translations: { en: () => import('./translations.en'), 'zh-CN': () => import('./translations.zh-cn') },
  }),
});
