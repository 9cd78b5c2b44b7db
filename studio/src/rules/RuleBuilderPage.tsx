import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useEntities } from '../app/entities-context';
import { RuleBuilder } from './RuleBuilder';

/** Starting rule of the page: a deal guard over a money field and an enum. */
export const SAMPLE_RULE = { and: [{ '>=': [{ var: 'amount.amount' }, 10000] }, { in: [{ var: 'source' }, ['inbound', 'referral']] }] };

/**
 * The rule builder page: choose the entity the rule reads, draw the rule, preview it.
 *
 * @example
 * ```tsx
 * <Route path="/rules" component={RuleBuilderPage} />
 * ```
 */
export function RuleBuilderPage() {
  const { t } = useTranslation();
  const id = useId();
  const { entities, byId } = useEntities();
  const [type, setType] = useState(byId.has('pipeline.deal') ? 'pipeline.deal' : (entities[0]?.fullId ?? ''));
  return (
    <section aria-labelledby={`${id}-title`}>
      <div className="page-head">
        <h1 id={`${id}-title`}>{t('rules.title')}</h1>
        <span>
          <label htmlFor={`${id}-entity`}>{t('rules.entity')} </label>
          <select id={`${id}-entity`} value={type} onChange={(e) => setType(e.target.value)}>
            {entities.map((e) => (
              <option key={e.fullId} value={e.fullId}>{e.label} ({e.fullId})</option>
            ))}
          </select>
        </span>
      </div>
      <RuleBuilder key={type} entity={byId.get(type)} initialRule={type === 'pipeline.deal' ? SAMPLE_RULE : true} />
    </section>
  );
}
