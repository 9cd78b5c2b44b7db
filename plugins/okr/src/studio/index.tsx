import { defineStudioPlugin } from '@pipewright/plugin-sdk/studio';
import { okrPage } from './OkrPage';
import { targetsPage } from './TargetsPage';
import { translations } from './translations';

export { translations } from './translations';

/**
 * The okr plugin's studio half: the OKR page (`/p/okr/cycles`: the alignment map of a cycle with
 * computed progress, key result detail with its explanation, check-in form and confidence
 * trend), the sales targets page (`/p/okr/targets`), their navigation entries, and the labels of cycles, objectives, key results, check-ins
 * and their computed values in en and zh-CN.
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
      { path: 'cycles', component: okrPage(host) },
      { path: 'targets', component: targetsPage(host) },
    ],
    nav: [
      { id: 'okr', label: 'nav.okr', href: '/p/okr/cycles' },
      { id: 'targets', label: 'nav.targets', href: '/p/okr/targets' },
    ],
    translations,
  }),
});
