import * as React from 'react';
import { useEntities } from '../app/entities-context';
import type { RuleBuilderProps } from '../plugin-api/types';
import { RuleBuilder } from '../rules/RuleBuilder';
import { variablesEntity } from './host';

/**
 * The studio's rule builder as plugins get it (`host.ui.RuleBuilder`), loaded on first use: the
 * starting rule is read once; `onChange` is called only when the rule really changes.
 *
 * @example
 * ```tsx
 * <PluginRuleBuilder rule={rule} onChange={setRule} entity="acme.ticket" label="Guard" />
 * ```
 */
export function PluginRuleBuilder({ rule, onChange, entity, variables, samples, label, testId }: RuleBuilderProps) {
  const { byId } = useEntities();
  const [initial] = React.useState(() => rule);
  const latest = React.useRef(onChange);
  latest.current = onChange;
  const last = React.useRef(JSON.stringify(rule ?? null));
  const changed = React.useCallback((logic: unknown) => {
    const text = JSON.stringify(logic ?? null);
    if (text === last.current) return;
    last.current = text;
    latest.current(logic);
  }, []);
  const key = JSON.stringify(variables ?? null);
  const info = React.useMemo(() => (variables ? variablesEntity(variables) : entity ? byId.get(entity) : undefined), [key, entity, byId]);
  return (
    <div className="plugin-rule-builder" role="group" aria-label={label} {...(testId ? { 'data-testid': testId } : {})}>
      <RuleBuilder entity={info} initialRule={initial} onChange={changed} {...(samples ? { samples } : {})} />
    </div>
  );
}
