import type { FieldProps } from '@rjsf/utils';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { listSavedRules, ruleName, type SavedRuleSummary } from '../api/rule-library';
import type { EntityInfo } from '../api/types';

/**
 * rjsf field for the saved-rule versions a record pinned when it was saved (id to version, ADR
 * 032), which the server fills: read-only, each rule by its name in the reader's language with a
 * link to it in the rule library, the pinned version, and the latest when it is newer (saving the
 * record again adopts it). An empty map is left out by the form's `FieldTemplate`.
 *
 * @example
 * ```ts
 * uiSchema.rule_versions = { 'ui:readonly': true, 'ui:field': 'ruleVersions' };
 * ```
 */
export function RuleVersionsField(props: FieldProps) {
  const { fieldPathId, formData, schema, name } = props;
  const id = fieldPathId.$id;
  return (
    <div className="readonly-map" role="group" aria-labelledby={`${id}__title`}>
      <span id={`${id}__title`} className="control-label">{schema.title ?? name}</span>
      <RuleVersionPins pins={formData} />
    </div>
  );
}

/**
 * The saved-rule versions a record pinned, as a list: each rule by its name in the reader's
 * language, linked to the rule library, with its pinned version and the latest when newer. Used
 * by the form field above and by the record page, so neither shows the map as JSON.
 *
 * @example
 * ```tsx
 * <RuleVersionPins pins={{ discount_rule: 2 }} />
 * ```
 */
export function RuleVersionPins({ pins: value }: { pins: unknown }) {
  const { t, i18n } = useTranslation();
  const pins = Object.entries(value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
  const rules = useSavedRules();
  return (
    <ul className="rule-pins">
      {pins.map(([ruleId, version]) => {
        const rule = rules.get(ruleId);
        const newer = rule && typeof version === 'number' && rule.latestVersion > version;
        return (
          <li key={ruleId} data-rule={ruleId}>
            <Link href={`/rules/${encodeURIComponent(ruleId)}`}>{rule ? ruleName(rule.name, i18n.language) : ruleId}</Link>
            {rule && <span className="muted"> ({ruleId})</span>}
            {' · '}
            {t('forms.pinnedVersion', { version: String(version) })}
            {newer && <span className="muted"> · {t('forms.newerVersion', { latest: rule.latestVersion })}</span>}
          </li>
        );
      })}
    </ul>
  );
}

/** Whether an entity's form shows this field with the `ruleVersions` field (above). */
export function isRuleVersionsField(entity: EntityInfo, field: string): boolean {
  return (entity.ui?.form?.[field] as Record<string, unknown> | undefined)?.['ui:field'] === 'ruleVersions';
}

/**
 * Pinned rule versions as one line of text, for the record's history: each rule id with its
 * version in the reader's language.
 *
 * @example
 * ```ts
 * ruleVersionsText({ discount_rule: 2 }, t); // 'discount_rule · version 2'
 * ```
 */
export function ruleVersionsText(value: unknown, t: (key: string, options: Record<string, string>) => string): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.entries(value as Record<string, unknown>).map(([id, v]) => `${id} · ${t('forms.pinnedVersion', { version: String(v) })}`).join('; ');
}

/** The rule library by id (empty until it has loaded, or when it cannot be read). */
export function useSavedRules(): ReadonlyMap<string, SavedRuleSummary> {
  const [rules, setRules] = useState<ReadonlyMap<string, SavedRuleSummary>>(new Map());
  useEffect(() => {
    const ctrl = new AbortController();
    listSavedRules(undefined, ctrl.signal).then((items) => setRules(new Map(items.map((r) => [r.id, r]))), () => undefined);
    return () => ctrl.abort();
  }, []);
  return rules;
}

/**
 * The saved rule a json-logic value is, when it is exactly a reference to one (`{"rule": "<id>"}`).
 *
 * @example
 * ```ts
 * savedRuleId({ rule: 'customer-tiers' }); // 'customer-tiers'
 * savedRuleId({ '>': [{ var: 'x' }, 1] }); // undefined
 * ```
 */
export function savedRuleId(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const id = (value as { rule?: unknown }).rule;
  return keys.length === 1 && typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * A value that names a saved rule, shown as the rule: its name in the reader's language, linked
 * to the rule library, and its id.
 *
 * @example
 * ```tsx
 * <SavedRuleRef id="customer-tiers" />
 * ```
 */
export function SavedRuleRef({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const rule = useSavedRules().get(id);
  return (
    <span className="saved-rule-ref" data-rule={id}>
      {t('forms.savedRuleRef')}<Link href={`/rules/${encodeURIComponent(id)}`}>{rule ? ruleName(rule.name, i18n.language) : id}</Link>
      {rule && <span className="muted"> ({id})</span>}
    </span>
  );
}
