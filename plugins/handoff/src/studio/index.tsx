import { defineStudioPlugin, lazyComponent } from '@pipewright/plugin-sdk/studio';
import { LEAD, convertLead } from './actions';
import { reasonIn } from './model';


/**
 * The handoff plugin's studio half: "Waiting on me" (`/p/handoff/inbox`: leads and handoffs
 * routed to the reader with SLA countdowns, one-click accept and reject with a reason, accepted
 * leads to convert), the routing rules page (`/p/handoff/rules`), a "Convert to deal" button on
 * accepted leads, and the labels of its entities and lead stages in en and zh-CN. Pages and the
 * routing panel load on first use (`lazyComponent`, ADR 030).
 *
 * @example
 * ```ts
 * import handoffStudio from '@pipewright/plugin-handoff/studio';
 * ```
 */
/** A stored routing explanation as one line in the reader's language: "<rule>: <why>". */
export function routingText(value: unknown, language: string): string {
  if (typeof value !== 'object' || value === null) return '';
  const r = value as { rule?: string; reason?: string; reason_zh?: string };
  const why = reasonIn(language, r.reason, r.reason_zh);
  return r.rule ? `${r.rule}: ${why}` : why;
}

export default defineStudioPlugin({
  id: 'handoff',
  setup: (host) => ({
    pages: [
      { path: 'inbox', component: lazyComponent(host, () => import('./InboxPage').then((m) => m.inboxPage(host))) },
      { path: 'rules', component: lazyComponent(host, () => import('./RulesPage').then((m) => m.rulesPage(host))) },
    ],
    nav: [
      { id: 'inbox', label: 'nav.inbox', href: '/p/handoff/inbox', order: 10 },
      { id: 'rules', label: 'nav.rules', href: '/p/handoff/rules', order: 20 },
    ],
    // The routing explanation reads as a sentence (rule: why), not as its stored object.
    fieldWidgets: [
      {
        format: 'routing',
        display: routingText,
        component: function RoutingField({ value }) {
          return <span className="muted">{routingText(value, host.useLanguage())}</span>;
        },
      },
    ],
    recordPanels: [
      { id: 'routing', entities: [LEAD], component: lazyComponent(host, () => import('./RoutingPanel').then((m) => m.routingPanel(host))), order: 10 },
      { id: 'answer', entities: ['handoff.handoff'], component: lazyComponent(host, () => import('./AnswerPanel').then((m) => m.answerPanel(host))), order: 5 },
    ],
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
    translations: { en: () => import('./translations.en'), 'zh-CN': () => import('./translations.zh-cn') },
  }),
});
