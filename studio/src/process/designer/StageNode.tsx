import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { StageFlowNode } from './designer-graph';
import { textIn } from '@pipewright/core/i18n';

function slaText(sla: NonNullable<NonNullable<StageFlowNode['data']['stage']>['sla']>): string {
  return sla.maxDays !== undefined ? `${sla.maxDays}d` : (sla.maxDuration ?? '');
}

/**
 * One stage on the process canvas: label, kind, win probability, SLA, number of entry
 * requirements, the initial-stage marker and the server's problems (red). The "any stage" node
 * (`from: "*"`) has only an outgoing handle.
 *
 * @example
 * ```tsx
 * <ReactFlow nodeTypes={{ stage: StageNode }} />
 * ```
 */
export const StageNode = memo(function StageNode({ id, data, selected }: NodeProps<StageFlowNode>) {
  const { t, i18n } = useTranslation();
  const s = data.stage;
  if (!s) {
    return (
      <div className={`stage-node kind-any${selected ? ' selected' : ''}`} data-testid="stage-node-any">
        <div className="stage-label">{t('designer.anyStage')}</div>
        <Handle type="source" position={Position.Right} title={t('designer.connectFrom', { stage: t('designer.anyStage') })} />
      </div>
    );
  }
  const required = ((s.requirements as { required?: string[] } | undefined)?.required ?? []).length;
  const classes = ['stage-node', `kind-${s.kind}`, data.problems.length ? 'has-error' : '', selected ? 'selected' : ''].filter(Boolean).join(' ');
  return (
    <div className={classes} data-testid={`stage-node-${id}`} aria-invalid={data.problems.length > 0}>
      <Handle type="target" position={Position.Left} title={t('designer.connectTo', { stage: textIn(s.label, i18n.language) })} />
      <div className="stage-meta">
        <span>{t(`designer.kinds.${s.kind}`)}</span>
        {data.initial && <span className="badge">{t('designer.initial')}</span>}
        {s.probability !== undefined && <span>{Math.round(s.probability * 100)}%</span>}
      </div>
      <div className="stage-label">{textIn(s.label, i18n.language)}</div>
      <div className="stage-meta">
        {required > 0 && <span>{t('designer.requiredCount', { count: required })}</span>}
        {s.sla && <span>{t('designer.slaShort', { sla: slaText(s.sla) })}</span>}
      </div>
      {data.problems.map((p) => (
        <div key={p} className="node-error" role="note">{p}</div>
      ))}
      <Handle type="source" position={Position.Right} title={t('designer.connectFrom', { stage: textIn(s.label, i18n.language) })} />
    </div>
  );
});
