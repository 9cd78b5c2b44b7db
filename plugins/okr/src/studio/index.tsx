import { defineStudioPlugin, lazyComponent } from '@pipewright/plugin-sdk/studio';


const HOMES = ['pipeline.company_home', 'pipeline.manager_home', 'pipeline.rep_home'];

/**
 * The okr plugin's studio half: the OKR page (`/p/okr/cycles`: the alignment map of a cycle with
 * computed progress, key result detail with its explanation, check-in form and confidence
 * trend), the sales targets page (`/p/okr/targets`: the month-by-month target grid and CSV upload), the
 * target attainment and leaderboard tiles on the home dashboards, their navigation entries, and the labels of cycles, objectives, key results, check-ins
 * and their computed values in en and zh-CN. Pages and tiles load on first use (`lazyComponent`,
 * ADR 030): the alignment map's React Flow comes with the OKR page only.
 *
 * @example
 * ```ts
 * import okrStudio from '@pipewright/plugin-okr/studio';
 * ```
 */
export default defineStudioPlugin({
  id: 'okr',
  setup: (host) => ({
    pages: [
      { path: 'cycles', component: lazyComponent(host, () => import('./OkrPage').then((m) => m.okrPage(host))) },
      { path: 'targets', component: lazyComponent(host, () => import('./TargetsPage').then((m) => m.targetsPage(host))) },
    ],
    nav: [
      { id: 'okr', label: 'nav.okr', href: '/p/okr/cycles' },
      { id: 'targets', label: 'nav.targets', href: '/p/okr/targets' },
    ],
    // The home dashboards the pipeline plugin ships (by id; absent ones simply show nothing of these).
    dashboardWidgets: [
      { id: 'attainment', title: 'widget.attainment', dashboards: HOMES, component: lazyComponent(host, () => import('./Widgets').then((m) => m.attainmentWidget(host))) },
      { id: 'leaderboard', title: 'widget.leaderboard', dashboards: HOMES, component: lazyComponent(host, () => import('./Widgets').then((m) => m.leaderboardWidget(host))) },
    ],
    translations: { en: () => import('./translations.en'), 'zh-CN': () => import('./translations.zh-cn') },
  }),
});
