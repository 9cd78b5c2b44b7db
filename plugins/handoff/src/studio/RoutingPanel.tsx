import type { RecordPanelProps, StudioHost } from '@pipewright/plugin-sdk/studio';
import { duration, reasonIn, secondsLeft } from './model';

/**
 * The routing panel on a lead's page: who routing chose, by which rule and strategy, why, and
 * the time left to accept (or that nobody matched).
 *
 * @example
 * ```ts
 * recordPanels: [{ id: 'routing', entities: ['handoff.lead'], component: routingPanel(host) }]
 * ```
 */
export function routingPanel(host: StudioHost) {
  const { ui, useT, useLanguage } = host;
  return function LeadRoutingPanel({ entity, record }: RecordPanelProps) {
    const t = useT();
    const language = useLanguage();
    const { byId } = host.useEntities();
    const routing = (record.data.routing ?? null) as { rule?: string; strategy?: string; reason?: string; reason_zh?: string; at?: string } | null;
    if (!routing) return null;
    const strategy = routing.strategy ? (byId.get('handoff.routing_rule')?.fields.find((f) => f.name === 'strategy')?.enumLabels?.[routing.strategy] ?? routing.strategy) : null;
    const due = record.stage === 'marketing_qualified' ? secondsLeft(typeof record.data.due_at === 'string' ? record.data.due_at : null, Date.now()) : null;
    return (
      <ui.Panel title={t('panel.routing')} testId="lead-routing">
        <dl className="fields">
          {routing.rule && (
            <div className="field-row">
              <dt>{t('panel.rule')}</dt>
              <dd>{routing.rule}{strategy ? ` · ${strategy}` : ''}</dd>
            </div>
          )}
          <div className="field-row">
            <dt>{t('panel.why')}</dt>
            <dd data-testid="lead-routing-reason">{reasonIn(language, routing.reason, routing.reason_zh)}</dd>
          </div>
          {typeof record.data.to_user === 'string' && (
            <div className="field-row">
              <dt>{entity.fields.find((f) => f.name === 'to_user')?.title ?? t('panel.to')}</dt>
              <dd>{record.data.to_user}</dd>
            </div>
          )}
          {due !== null && (
            <div className="field-row">
              <dt>{t('inbox.due')}</dt>
              <dd>{due < 0 ? t('inbox.late', { time: duration(due, language) }) : t('inbox.left', { time: duration(due, language) })}</dd>
            </div>
          )}
        </dl>
      </ui.Panel>
    );
  };
}
