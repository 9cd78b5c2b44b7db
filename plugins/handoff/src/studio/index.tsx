import { defineStudioPlugin } from '@pipewright/studio/plugin-api';
import { LEAD, convertLead } from './actions';
import { inboxPage } from './InboxPage';
import { routingPanel } from './RoutingPanel';
import { rulesPage } from './RulesPage';
import { translations } from './translations';

export { translations };

/**
 * The handoff plugin's studio half: "Waiting on me" (`/p/handoff/inbox`: leads and handoffs
 * routed to the reader with SLA countdowns, one-click accept and reject with a reason, accepted
 * leads to convert), the routing rules page (`/p/handoff/rules`), a "Convert to deal" button on
 * accepted leads, and the labels of its entities and lead stages in en and zh-CN.
 *
 * @example
 * ```ts
 * import handoffStudio from '@pipewright/plugin-handoff/studio';
 * ```
 */
export default defineStudioPlugin({
  id: 'handoff',
  setup: (host) => ({
    pages: [
      { path: 'inbox', component: inboxPage(host) },
      { path: 'rules', component: rulesPage(host) },
    ],
    nav: [
      { id: 'inbox', label: 'nav.inbox', href: '/p/handoff/inbox', order: 10 },
      { id: 'rules', label: 'nav.rules', href: '/p/handoff/rules', order: 20 },
    ],
    recordPanels: [{ id: 'routing', entities: [LEAD], component: routingPanel(host), order: 10 }],
    recordActions: [
      {
        id: 'convert',
        entities: [LEAD],
        label: 'action.convert',
        async run({ record, navigate }) {
          if (record.stage !== 'sales_accepted') throw new Error('Only an accepted lead can be converted.');
          const { converted } = await convertLead(host.api, record.id);
          navigate(`/records/pipeline.deal/${converted.deal.id}`);
        },
      },
    ],
    translations,
  }),
});
