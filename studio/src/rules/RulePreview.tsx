import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { EntityInfo, RecordView } from '../api/types';
import { recordTitle } from '../entities/format';
import type { ExplainNode } from './engine';
import { ExplainTree } from './ExplainTree';

/**
 * Live preview: pick a sample record of the entity (or edit its JSON) and see the rule's result
 * and explanation tree.
 *
 * @example
 * ```tsx
 * <RulePreview entity={deal} sampleText={text} onSampleText={setText} result={explanation} />
 * ```
 */
/** A sample the preview offers instead of the entity's records. */
export interface RuleSample {
  label: string;
  data: unknown;
}

export function RulePreview(props: { entity: EntityInfo | undefined; sampleText: string; onSampleText: (text: string) => void; result: ExplainNode | { error: string } | { pending: true } | null; samples?: readonly RuleSample[] }) {
  const { entity, sampleText, onSampleText, result, samples } = props;
  const { t } = useTranslation();
  const id = useId();
  const [fetched, setRecords] = useState<RecordView[]>([]);
  // Samples the caller gives (e.g. a plugin's real people) replace the entity's records.
  const records: { id: string; title: string; data: unknown }[] = samples ? samples.map((s, i) => ({ id: String(i), title: s.label, data: s.data })) : fetched.map((r) => ({ id: r.id, title: recordTitle(entity, r.data, r.id), data: r.data }));
  useEffect(() => {
    if (!entity || samples || !entity.fullId) return;
    const ctrl = new AbortController();
    api.list(entity.fullId, { limit: 20 }, ctrl.signal).then((p) => setRecords(p.items)).catch(() => setRecords([]));
    return () => ctrl.abort();
  }, [entity]);

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('rules.preview')}</h2>
      <label htmlFor={`${id}-record`}>{t('rules.sampleRecord')}</label>
      <select
        id={`${id}-record`}
        defaultValue=""
        onChange={(e) => {
          const r = records.find((x) => x.id === e.target.value);
          if (r) onSampleText(JSON.stringify(r.data, null, 2));
        }}
      >
        <option value="">{t('forms.choose')}</option>
        {records.map((r) => (
          <option key={r.id} value={r.id}>{r.title}</option>
        ))}
      </select>
      <label htmlFor={`${id}-json`}>{t('rules.sampleJson')}</label>
      <textarea id={`${id}-json`} className="rule-json" value={sampleText} onChange={(e) => onSampleText(e.target.value)} spellCheck={false} />
      <div role="status" aria-live="polite" data-testid="rule-result">
        {result === null && <p className="muted">{t('rules.fixToPreview')}</p>}
        {result && 'error' in result && <p className="field-error">{result.error}</p>}
        {result && 'pending' in result && <p className="muted">{t('rules.evaluatingOnServer')}</p>}
        {result && !('error' in result) && !('pending' in result) && (
          <>
            <p>
              <strong>{t('rules.result')}:</strong> <code>{JSON.stringify(result.value) ?? 'undefined'}</code>
            </p>
            <ul className="explain-tree" aria-label={t('rules.explanation')}>
              <ExplainTree node={result} />
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
