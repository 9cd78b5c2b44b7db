import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { useTranslation } from 'react-i18next';
import { argHandle, nodeLabel, type RuleNodeData } from './graph-model';
import { useNodeView } from './view-context';

/** A rule graph node as React Flow holds it. */
export type RuleFlowNode = Node<RuleNodeData, 'rule'>;

const show = (v: unknown): string => {
  const s = v === undefined ? '—' : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
};

/**
 * One node on the rule canvas: its kind, label, argument handles (operators), output handle,
 * checker problems (red) and the value it had in the live preview.
 *
 * @example
 * ```tsx
 * <ReactFlow nodeTypes={{ rule: RuleNodeView }} />
 * ```
 */
export function RuleNodeView({ id, data, selected }: NodeProps<RuleFlowNode>) {
  const { t } = useTranslation();
  const { problems, value } = useNodeView(id);
  const inputs = data.kind === 'operator' ? data.arity : data.kind === 'output' ? 1 : 0;
  const classes = ['rule-node', `kind-${data.kind}`, problems.length ? 'has-error' : '', selected ? 'selected' : ''].filter(Boolean).join(' ');
  return (
    <div className={classes} data-testid={`rule-node-${id}`} aria-invalid={problems.length > 0}>
      {Array.from({ length: inputs }, (_, i) => (
        <Handle
          key={i}
          type="target"
          id={data.kind === 'output' ? 'in' : argHandle(i)}
          position={Position.Left}
          style={{ top: `${((i + 1) * 100) / (inputs + 1)}%` }}
          title={t('rules.argument', { n: i + 1 })}
        />
      ))}
      <div className="node-kind">{t(`rules.kinds.${data.kind}`)}</div>
      <div className="node-label">{nodeLabel(data)}</div>
      {value && (
        <div className={`node-value ${value.evaluated ? (value.passed ? 'pass' : 'fail') : ''}`}>
          {value.evaluated ? `= ${show(value.value)}` : t('rules.notEvaluated')}
        </div>
      )}
      {problems.map((p) => (
        <div key={p} className="node-error" role="note">
          {p}
        </div>
      ))}
      {data.kind !== 'output' && <Handle type="source" id="out" position={Position.Right} title={t('rules.outputHandle')} />}
    </div>
  );
}
