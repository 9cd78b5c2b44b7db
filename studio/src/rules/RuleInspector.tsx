import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { connect, disconnect, removeNode, updateNode } from './graph-edit';
import { argHandle, ARRAY_OP, nodeLabel, OUTPUT_ID, type RuleGraph } from './graph-model';
import { parseConstant } from './RulePalette';

/**
 * Edits the selected node with form controls: operator and argument count, field path, constant
 * value, and which node feeds each argument. It makes the whole canvas usable from the keyboard.
 *
 * @example
 * ```tsx
 * <RuleInspector graph={graph} selectedId={id} operators={ops} onChange={setGraph} />
 * ```
 */
export function RuleInspector({ graph, selectedId, operators, onChange }: { graph: RuleGraph; selectedId: string | null; operators: string[]; onChange: (g: RuleGraph) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const node = graph.nodes.find((n) => n.id === selectedId);
  if (!node) return <p className="muted">{t('rules.selectHint')}</p>;
  const d = node.data;
  const sources = graph.nodes.filter((n) => n.id !== node.id && n.id !== OUTPUT_ID);
  const inputs = d.kind === 'operator' ? Array.from({ length: d.arity }, (_, i) => argHandle(i)) : d.kind === 'output' ? ['in'] : [];
  const fedBy = (handle: string) => graph.edges.find((e) => e.target === node.id && e.targetHandle === handle)?.source ?? '';

  return (
    <div className="inspector" aria-label={t('rules.inspector')}>
      <p>
        <strong>{t(`rules.kinds.${d.kind}`)}</strong>: {nodeLabel(d)}
      </p>
      {d.kind === 'operator' && (
        <>
          <label htmlFor={`${id}-op`}>{t('rules.operator')}</label>
          <select id={`${id}-op`} value={d.op} onChange={(e) => onChange(updateNode(graph, node.id, { ...d, op: e.target.value }))}>
            {[...new Set([...operators, ARRAY_OP, d.op])].map((o) => (
              <option key={o} value={o}>{o}</option>
            ))}
          </select>
          <label htmlFor={`${id}-arity`}>{t('rules.arity')}</label>
          <input
            id={`${id}-arity`}
            type="number"
            min={0}
            max={20}
            value={d.arity}
            onChange={(e) => {
              const arity = Math.max(0, Math.min(20, Number(e.target.value) || 0));
              onChange(updateNode(graph, node.id, { ...d, arity, form: arity === 1 ? d.form : 'array' }));
            }}
          />
        </>
      )}
      {(d.kind === 'field' || d.kind === 'metric') && (
        <>
          <label htmlFor={`${id}-path`}>{t('rules.path')}</label>
          <input
            id={`${id}-path`}
            value={d.path}
            onChange={(e) => {
              const path = e.target.value;
              const varArg = Array.isArray(d.varArg) ? [path, ...d.varArg.slice(1)] : path;
              onChange(updateNode(graph, node.id, { ...d, path, varArg }));
            }}
          />
        </>
      )}
      {d.kind === 'constant' && (
        <>
          <label htmlFor={`${id}-value`}>{t('rules.value')}</label>
          <input id={`${id}-value`} defaultValue={JSON.stringify(d.value)} key={node.id} onBlur={(e) => onChange(updateNode(graph, node.id, { kind: 'constant', value: parseConstant(e.target.value) }))} />
        </>
      )}
      {inputs.map((handle, i) => (
        <div key={handle}>
          <label htmlFor={`${id}-${handle}`}>{d.kind === 'output' ? t('rules.resultFrom') : t('rules.argument', { n: i + 1 })}</label>
          <select
            id={`${id}-${handle}`}
            value={fedBy(handle)}
            onChange={(e) => onChange(e.target.value ? connect(graph, e.target.value, node.id, handle) : disconnect(graph, node.id, handle))}
          >
            <option value="">{t('rules.unconnected')}</option>
            {sources.map((s) => (
              <option key={s.id} value={s.id}>
                {t(`rules.kinds.${s.data.kind}`)}: {nodeLabel(s.data)}
              </option>
            ))}
          </select>
        </div>
      ))}
      {d.kind !== 'output' && (
        <button type="button" className="danger" onClick={() => onChange(removeNode(graph, node.id))}>
          {t('rules.deleteNode')}
        </button>
      )}
    </div>
  );
}
