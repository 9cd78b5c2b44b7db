import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useEntities } from '../app/entities-context';
import { defaultBoardEntity } from '../process/board/board-entity';
import { useStudioPlugins } from '../plugins/context';
import { RuleBuilder } from './RuleBuilder';
import { entityChoices } from './entity-choices';

/**
 * The rule builder page: choose the entity the rule reads, draw the rule, preview it. It opens on
 * the default board's entity (else the first entity) with the rule a plugin gives as its example.
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
  const plugins = useStudioPlugins();
  const [type, setType] = useState(() => defaultBoardEntity(plugins.boards, entities) ?? entities[0]?.fullId ?? '');
  const example = plugins.ruleExamples.find((r) => r.entity === type)?.rule;
  return (
    <section aria-labelledby={`${id}-title`}>
      <div className="page-head">
        <h1 id={`${id}-title`}>{t('rules.title')}</h1>
        <span>
          <label htmlFor={`${id}-entity`}>{t('rules.entity')} </label>
          <select id={`${id}-entity`} value={type} onChange={(e) => setType(e.target.value)}>
            {entityChoices(entities).map((e) => (
              <option key={e.value} value={e.value}>{e.label}</option>
            ))}
          </select>
        </span>
      </div>
      <RuleBuilder key={type} entity={byId.get(type)} initialRule={example ?? true} />
    </section>
  );
}
