import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JsonValue } from './graph-model';

/**
 * The rule's json-logic, kept in sync with the canvas; editing it and pressing "Load" redraws
 * the graph from the JSON.
 *
 * @example
 * ```tsx
 * <RuleJsonPanel logic={logic} onLoad={(rule) => setGraph(layoutGraph(logicToGraph(rule)))} />
 * ```
 */
export function RuleJsonPanel({ logic, onLoad }: { logic: JsonValue; onLoad: (rule: JsonValue) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const shown = JSON.stringify(logic, null, 2);
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText(shown), [shown]);
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('rules.json')}</h2>
      <label htmlFor={`${id}-text`} className="visually-hidden">{t('rules.json')}</label>
      <textarea id={`${id}-text`} className="rule-json" value={text} spellCheck={false} onChange={(e) => setText(e.target.value)} data-testid="rule-json" />
      {error && <p role="alert" className="field-error">{error}</p>}
      <button
        type="button"
        onClick={() => {
          try {
            onLoad(JSON.parse(text) as JsonValue);
            setError(null);
          } catch (err) {
            setError(t('rules.badJson', { message: err instanceof Error ? err.message : String(err) }));
          }
        }}
      >
        {t('rules.loadJson')}
      </button>
    </section>
  );
}
