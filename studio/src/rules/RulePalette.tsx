import { useEffect, useId, useState } from 'react';
import type { EntityInfo } from '../api/types';
import { listSavedRules, ruleName, type SavedRuleSummary } from '../api/rule-library';
import { pathLabel } from './rule-schema';
import { useTranslation } from 'react-i18next';
import { ARRAY_OP, METRICS_PREFIX, type JsonValue, type RuleNodeData } from './graph-model';
import { useMetricCatalogue } from '../dashboards/use-dashboard-data';
import { localText } from '../dashboards/format';

/**
 * Parses a constant typed by a person: JSON when it parses (`10`, `true`, `"x"`, `[1,2]`), else the text.
 *
 * @example
 * ```ts
 * parseConstant('10'); // 10
 * parseConstant('inbound'); // 'inbound'
 * ```
 */
export function parseConstant(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/**
 * Adds inputs (record fields, by their labels; metrics, constants), operators and references to
 * saved rules of the library (`onAddReference`) to the rule canvas; every control is labelled
 * and keyboard operable.
 *
 * @example
 * ```tsx
 * <RulePalette fields={['amount.amount']} operators={['>=', 'and']} onAdd={(data) => add(data)} />
 * ```
 */
export function RulePalette({ entity, fields, operators, onAdd, onAddReference }: { entity?: EntityInfo | undefined; fields: string[]; operators: string[]; onAdd: (data: RuleNodeData) => void; onAddReference?: (ruleId: string) => void }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [field, setField] = useState(fields[0] ?? '');
  // Metrics are offered from the server's catalogue (every installed plugin's), by name in the reader's language.
  const catalogue = useMetricCatalogue();
  const metricIds = catalogue ? [...catalogue.keys()].sort() : [];
  const [metric, setMetric] = useState('');
  const metricValue = metricIds.includes(metric) ? metric : (metricIds[0] ?? '');
  const [constant, setConstant] = useState('0');
  const [op, setOp] = useState('>=');
  const fieldValue = fields.includes(field) ? field : (fields[0] ?? '');
  // The saved rules of the library, to insert as {"rule": "<id>"} (ADR 032 addendum).
  const [saved, setSaved] = useState<SavedRuleSummary[]>([]);
  const [savedId, setSavedId] = useState('');
  useEffect(() => {
    if (!onAddReference) return;
    const ctrl = new AbortController();
    listSavedRules(undefined, ctrl.signal).then(setSaved, () => undefined);
    return () => ctrl.abort();
  }, [onAddReference === undefined]);
  const savedValue = saved.some((r) => r.id === savedId) ? savedId : (saved[0]?.id ?? '');

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('rules.palette')}</h2>
      <div className="palette">
        <label>
          {t('rules.kinds.field')}
          <select value={fieldValue} onChange={(e) => setField(e.target.value)}>
            {fields.map((f) => (
              <option key={f} value={f}>{pathLabel(entity, f, t)}</option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!fieldValue} onClick={() => onAdd({ kind: 'field', path: fieldValue, varArg: fieldValue })}>{t('rules.add')}</button>
      </div>
      <div className="palette">
        <label>
          {t('rules.kinds.metric')}
          <select value={metricValue} onChange={(e) => setMetric(e.target.value)}>
            {metricIds.map((m) => (
              <option key={m} value={m}>{`${localText(catalogue?.get(m)?.label, i18n.language) || m} (${m})`}</option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!metricValue} onClick={() => onAdd({ kind: 'metric', path: METRICS_PREFIX + metricValue, varArg: METRICS_PREFIX + metricValue })}>{t('rules.add')}</button>
      </div>
      <div className="palette">
        <label>
          {t('rules.kinds.constant')}
          <input value={constant} onChange={(e) => setConstant(e.target.value)} />
        </label>
        <button type="button" onClick={() => onAdd({ kind: 'constant', value: parseConstant(constant) })}>{t('rules.add')}</button>
      </div>
      {onAddReference && (
        <div className="palette">
          <label>
            {t('rules.kinds.savedRule')}
            <select value={savedValue} onChange={(e) => setSavedId(e.target.value)} disabled={saved.length === 0}>
              {saved.length === 0 && <option value="">{t('rules.noSavedRules')}</option>}
              {saved.map((r) => (
                <option key={r.id} value={r.id}>{`${ruleName(r.name, i18n.language)} (${r.id})`}</option>
              ))}
            </select>
          </label>
          <button type="button" disabled={!savedValue} onClick={() => onAddReference(savedValue)}>{t('rules.add')}</button>
        </div>
      )}
      <div className="palette">
        <label>
          {t('rules.kinds.operator')}
          <select value={op} onChange={(e) => setOp(e.target.value)}>
            {[...operators, ARRAY_OP].map((o) => (
              <option key={o} value={o}>{o}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => onAdd({ kind: 'operator', op, arity: ['!', '!!', 'rule'].includes(op) ? 1 : 2, form: 'array' })}>{t('rules.add')}</button>
      </div>
    </section>
  );
}
