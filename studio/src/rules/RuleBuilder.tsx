import { applyEdgeChanges, applyNodeChanges, Background, Controls, ReactFlow, type Connection, type Edge, type EdgeChange, type NodeChange, type ReactFlowInstance } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { explainOnServer } from '../api/rules';
import type { EntityInfo } from '../api/types';
import { checkForStudio, explainForStudio, ruleOperators, type ExplainNode } from './engine';
import { addNode, addRuleReference, connect } from './graph-edit';
import { OUTPUT_ID, type JsonValue, type RuleGraph, type RuleNodeData } from './graph-model';
import { graphToLogic, nodeForPointer } from './graph-to-logic';
import { layoutGraph } from './layout';
import { logicToGraph } from './logic-to-graph';
import { RuleInspector } from './RuleInspector';
import { RuleJsonPanel } from './RuleJsonPanel';
import { RuleNodeView, type RuleFlowNode } from './RuleNodeView';
import { RulePalette } from './RulePalette';
import { RulePreview, type RuleSample } from './RulePreview';
import { fieldPaths, inlineTypes } from './rule-schema';
import { useServerOperatorList } from './server-operators';
import { MIN_ZOOM, useNodePlacement } from './use-node-placement';
import { RuleViewContext, type RuleView } from './view-context';

const nodeTypes = { rule: RuleNodeView };
const toFlow = (g: RuleGraph): { nodes: RuleFlowNode[]; edges: Edge[] } => ({
  nodes: g.nodes.map((n) => ({ ...n, type: 'rule' as const, deletable: n.id !== OUTPUT_ID })),
  edges: g.edges.map((e) => ({ ...e })),
});

function flatten(node: ExplainNode, out: ExplainNode[] = []): ExplainNode[] {
  out.push(node);
  node.children.forEach((c) => flatten(c, out));
  return out;
}

/**
 * Draws a json-logic rule as a graph (inputs, operators, one output) with React Flow, keeps the
 * json-logic in sync, shows checker problems on the offending nodes and previews the rule on a
 * sample record with core's explanation.
 *
 * @example
 * ```tsx
 * <RuleBuilder entity={deal} initialRule={{ '>=': [{ var: 'amount.amount' }, 10000] }} onChange={save} />
 * <RuleBuilder entity={deal} initialRule={guard} serverProblems={[{ pointer: '/>=/0', message: 'unknown field' }]} />
 * ```
 */
export function RuleBuilder({ entity, initialRule, onChange, serverProblems, samples }: { entity: EntityInfo | undefined; initialRule: unknown; onChange?: (logic: JsonValue) => void; serverProblems?: readonly { pointer: string; message: string }[]; samples?: readonly RuleSample[] }) {
  const { t, i18n } = useTranslation();
  const initial = useMemo(() => toFlow(layoutGraph(logicToGraph(initialRule))), [initialRule]);
  const [nodes, setNodes] = useState<RuleFlowNode[]>(initial.nodes);
  const [edges, setEdges] = useState<Edge[]>(initial.edges);
  const [sampleText, setSampleText] = useState('{}');
  const graph: RuleGraph = useMemo(() => ({ nodes, edges: edges.map((e) => ({ ...e, targetHandle: e.targetHandle ?? '' })) }), [nodes, edges]);
  const setGraph = (g: RuleGraph) => {
    const f = toFlow(g);
    setNodes(f.nodes);
    setEdges(f.edges);
  };
  const selectedId = nodes.find((n) => n.selected)?.id ?? null;
  const operatorsVersion = useServerOperatorList();
  const operators = useMemo(() => ruleOperators().list().map((o) => o.name), [operatorsVersion]);
  const schema = useMemo(() => (entity ? (inlineTypes(entity.schema) as EntityInfo['schema']) : undefined), [entity]);

  const { logic, pointers, problems: graphProblems } = useMemo(() => graphToLogic(graph), [graph]);
  // The registry (hence the check) changes when the server's operator list arrives.
  const ruleProblems = useMemo(() => (graphProblems.length ? [] : checkForStudio(logic, schema)), [graphProblems, logic, schema, operatorsVersion]);
  const local = useMemo(() => {
    if (graphProblems.length || ruleProblems.length) return null;
    try {
      return explainForStudio(logic, JSON.parse(sampleText) as unknown, new Date(), i18n.language);
    } catch (err) {
      return { error: t('rules.badSample', { message: err instanceof Error ? err.message : String(err) }) };
    }
  }, [graphProblems, ruleProblems, logic, sampleText, t, i18n.language]);
  // Rules using operators only the runtime can run (company plugins') are evaluated there.
  const remoteKey = local && 'server' in local ? JSON.stringify([logic, sampleText, entity?.fullId ?? null]) : null;
  const [remote, setRemote] = useState<{ key: string; result: ExplainNode | { error: string } } | null>(null);
  useEffect(() => {
    if (remoteKey === null) return;
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      // The browser's clock, as for a local preview; no answer within 15 s counts as an error.
      const signal = AbortSignal.any([ctrl.signal, AbortSignal.timeout(15_000)]);
      explainOnServer({ rule: logic, data: JSON.parse(sampleText) as unknown, now: new Date().toISOString(), ...(entity?.fullId ? { entity: entity.fullId } : {}) }, signal).then(
        (r) => setRemote({ key: remoteKey, result: r.explanation }),
        (err: unknown) => {
          if (!ctrl.signal.aborted) setRemote({ key: remoteKey, result: { error: err instanceof Error ? err.message : String(err) } });
        },
      );
    }, 200);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
    // remoteKey stands for logic, sample and entity.
  }, [remoteKey]);
  const result: ExplainNode | { error: string } | { pending: true } | null =
    local === null ? null : 'server' in local ? (remote?.key === remoteKey ? remote.result : { pending: true }) : local;
  const view: RuleView = useMemo(() => {
    const problems = new Map<string, string[]>();
    const note = (nodeId: string | undefined, message: string) => {
      const key = nodeId ?? OUTPUT_ID;
      problems.set(key, [...(problems.get(key) ?? []), message]);
    };
    graphProblems.forEach((p) => note(p.nodeId, p.code === 'unconnected-argument' ? t('rules.unconnectedArg', { n: (p.arg ?? 0) + 1 }) : t(`rules.problems.${p.code}`)));
    ruleProblems.forEach((p) => note(nodeForPointer(pointers, p.pointer), p.message));
    // what the server found (e.g. with plugin operators the browser does not know), once per node
    serverProblems?.forEach((p) => {
      const id = nodeForPointer(pointers, p.pointer) ?? OUTPUT_ID;
      if (!problems.get(id)?.includes(p.message)) note(id, p.message);
    });
    const values = new Map<string, ExplainNode>();
    if (result && !('error' in result) && !('pending' in result)) for (const n of flatten(result)) { const id = pointers.get(n.pointer); if (id && !values.has(id)) values.set(id, n); }
    return { problems, values };
  }, [graphProblems, ruleProblems, serverProblems, pointers, result, t]);

  useEffect(() => {
    if (!graphProblems.length) onChange?.(logic);
  }, [logic, graphProblems, onChange]);

  const canvas = useRef<HTMLDivElement>(null);
  const [flow, setFlow] = useState<ReactFlowInstance<RuleFlowNode, Edge> | null>(null);
  const land = useNodePlacement(canvas, flow, nodes, setNodes, edges);
  // what was added lands in view, clear of the other nodes; the node to connect next is selected
  const place = ({ graph: next, id }: { graph: typeof graph; id: string }) => {
    const known = new Set(graph.nodes.map((n) => n.id));
    const landed = land(next, next.nodes.filter((n) => !known.has(n.id)).map((n) => n.id));
    setGraph({ ...landed, nodes: landed.nodes.map((n) => ({ ...n, selected: n.id === id })) as RuleFlowNode[] });
  };
  const add = (data: RuleNodeData) => place(addNode(graph, data, { x: 0, y: 0 }));
  const addReference = (ruleId: string) => place(addRuleReference(graph, ruleId, { x: 0, y: 0 }));

  return (
    <div className="rule-builder">
      <div>
        <div className="page-head">
          <p className="muted" role="status">
            {view.problems.size ? t('rules.problemCount', { count: [...view.problems.values()].flat().length }) : t('rules.valid')}
          </p>
          <button type="button" onClick={() => setGraph(layoutGraph(graph))}>{t('rules.autoLayout')}</button>
        </div>
        <div className="rule-canvas" aria-label={t('rules.canvas')} role="region" ref={canvas}>
          <RuleViewContext.Provider value={view}>
            <ReactFlow<RuleFlowNode, Edge>
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              onNodesChange={(changes: NodeChange<RuleFlowNode>[]) => setNodes((ns) => applyNodeChanges(changes, ns))}
              onEdgesChange={(changes: EdgeChange[]) => setEdges((es) => applyEdgeChanges(changes, es))}
              onConnect={(c: Connection) => c.targetHandle && setGraph(connect(graph, c.source, c.target, c.targetHandle))}
              onInit={setFlow}
              fitView
              minZoom={MIN_ZOOM}
              proOptions={{ hideAttribution: true }}
            >
              <Background />
              <Controls />
            </ReactFlow>
          </RuleViewContext.Provider>
        </div>
        <RuleJsonPanel logic={logic} onLoad={(rule) => setGraph(layoutGraph(logicToGraph(rule)))} />
      </div>
      <div className="rule-side">
        <section className="panel" aria-label={t('rules.inspector')}>
          <h2>{t('rules.inspector')}</h2>
          <RuleInspector graph={graph} selectedId={selectedId} operators={operators} onChange={setGraph} />
        </section>
        <RulePalette entity={entity} fields={fieldPaths(entity)} operators={operators} onAdd={add} onAddReference={addReference} />
        <RulePreview entity={entity} sampleText={sampleText} onSampleText={setSampleText} result={result} {...(samples ? { samples } : {})} />
      </div>
    </div>
  );
}
