import { defineStudioPlugin } from '@pipewright/studio/plugin-api';
import { ACTIVITY, activityTimeline, linkFields } from './ActivityTimeline';
import { translations } from './translations';

/**
 * The crm plugin's studio half: the activity timeline on the page of every record the activity
 * entity links to (deals, accounts, contacts), and the labels of its entities in en and zh-CN.
 *
 * @example
 * ```ts
 * import crmStudio from '@pipewright/plugin-crm/studio';
 * ```
 */
export default defineStudioPlugin({
  id: 'crm',
  setup: (host) => ({
    recordPanels: [{ id: 'activities', entities: (entity, all) => entity.fullId !== ACTIVITY && linkFields(all.get(ACTIVITY), entity.fullId).length > 0, component: activityTimeline(host), order: 50 }],
    translations,
  }),
});
