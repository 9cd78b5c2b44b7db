import { Background, Controls, MiniMap, ReactFlow, type Connection, type ReactFlowInstance } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProcessDetail } from '../../api/processes';
import type { EntityInfo } from '../../api/types';
import { RuleBuilder } from '../../rules/RuleBuilder';
import type { StageFlowNode, TransitionFlowEdge } from './designer-graph';
import { addStage, ANY_NODE, connectStages, deleteEdge, deleteStages, renameStage, transitionKeyOf, transitionTargets, updateStage, updateTransition } from './designer-model';
import { DesignerToolbar } from './DesignerToolbar';
import { PublishDialog } from './PublishDialog';
import { usePublishFlow } from './use-publish-flow';
import { ProcessSettings } from './ProcessSettings';
import { BacktestPanel, DiffPanel } from './ResultPanels';
import { StageInspector } from './StageInspector';
import { StageNode } from './StageNode';
import { TransitionInspector, useGuardChange } from './TransitionInspector';
import { useDesignerActions } from './use-designer-actions';
import { useDesignerState } from './use-designer-state';
import { textIn, withText } from '@pipewright/core/i18n';

const nodeTypes = { stage: StageNode };
const PRO_OPTIONS = { hideAttribution: true };
const DELETE_KEYS = ['Delete', 'Backspace'];
const NONE: readonly string[] = [];
const NO_GUARD_PROBLEMS: readonly { pointer: string; message: string }[] = [];
/** Above this many stages the overview map is left out: it redraws every node on each drag frame. */
const MINIMAP_LIMIT = 80;
const typing = (el: EventTarget) => el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

/** Props of {@link ProcessDesigner}. */
export interface ProcessDesignerProps {
  detail: ProcessDetail;
  entity: EntityInfo | undefined;
  readOnly: boolean;
  onSaved(detail: ProcessDetail): void;
}

/**
 * The process designer: stages as nodes and transitions as edges on a React Flow canvas (add,
 * connect, delete, undo/redo, dagre auto-layout), an inspector for the selected stage or
 * transition, the transition's guard in the rule builder, server problems on the nodes and
 * edges they concern, and save / compare / backtest / publish.
 *
 * @example
 * ```tsx
 * <ProcessDesigner detail={detail} entity={deal} readOnly={false} onSaved={setDetail} />
 * ```
 */
/** "Fit view" never zooms out so far that stage text is unreadable (a long process is panned instead). */
const FIT_VIEW = { minZoom: 0.75, padding: 0.1 };

export function ProcessDesigner({ detail, entity, readOnly, onSaved }: ProcessDesignerProps) {
  const { t, i18n } = useTranslation();
  const d = useDesignerState(detail.draft, i18n.language);
  const flow = useRef<ReactFlowInstance<StageFlowNode, TransitionFlowEdge> | null>(null);
  const canvas = useRef<HTMLDivElement>(null);
  const [epoch, setEpoch] = useState(0);
  const actions = useDesignerActions(d, detail, onSaved, () => flow.current?.getViewport());
  const publishFlow = usePublishFlow(actions.ready, onSaved);
  const undo = () => { d.undo(); setEpoch((e) => e + 1); };
  const redo = () => { d.redo(); setEpoch((e) => e + 1); };

  const sel = d.selection;
  const stage = sel?.kind === 'stage' ? d.def.stages.find((s) => s.id === sel.id) : undefined;
  const tIndex = sel?.kind === 'transition' ? (d.def.transitions ?? []).findIndex((x, i) => transitionKeyOf(x, i) === sel.key) : -1;
  const transition = tIndex >= 0 ? d.def.transitions?.[tIndex] : undefined;
  const transitionKey = transition ? transitionKeyOf(transition, tIndex) : '';
  const writeTransition = (next: NonNullable<typeof transition>) => d.commit(updateTransition(d.def, transitionKey, next));
  const onGuard = useGuardChange(transition ?? { from: '', to: '' }, writeTransition);
  const labels = new Map(d.def.stages.map((s) => [s.id, textIn(s.label, i18n.language) || s.id]));

  const add = () => {
    // the label in the language the admin works in (a Chinese label is not taken for English)
    const { def, id } = addStage(d.def, withText(undefined, i18n.language, t('designer.newStage')));
    const rect = canvas.current?.getBoundingClientRect();
    const at = rect && flow.current ? flow.current.screenToFlowPosition({ x: rect.left + rect.width / 2 - 95, y: rect.top + rect.height / 2 - 40 }) : { x: 0, y: 0 };
    d.commit(def, { ...d.positions(), [id]: at });
    d.setSelection({ kind: 'stage', id });
  };
  /** Adds a transition (one undoable step) and selects it; false when there was nothing to add. */
  const connectStagesAndSelect = (source: string, target: string): boolean => {
    const next = connectStages(d.def, source, target);
    if (!next) return false;
    d.commit(next);
    const added = next.transitions?.at(-1);
    if (added?.id) d.setSelection({ kind: 'transition', key: added.id });
    return true;
  };
  const connect = (c: Connection) => void connectStagesAndSelect(c.source, c.target);
  // a transition added from the stage inspector (keyboard): focus moves to the new transition's
  // first field, as the control that added it is gone
  const aside = useRef<HTMLElement>(null);
  const [focusInspector, setFocusInspector] = useState(0);
  useEffect(() => {
    if (focusInspector) aside.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  }, [focusInspector]);
  // Enter or Space on a focused stage or transition selects it, as a click does (React Flow
  // selects its own copy only, which the inspector does not follow)
  const selectFocused = (e: KeyboardEvent) => {
    if ((e.key !== 'Enter' && e.key !== ' ') || !(e.target instanceof Element)) return;
    const el = e.target;
    const id = el.getAttribute('data-id');
    if (id === null) return;
    if (el.classList.contains('react-flow__node')) d.setSelection(id === ANY_NODE ? null : { kind: 'stage', id });
    else if (el.classList.contains('react-flow__edge')) {
      const edge = d.edges.find((x) => x.id === id);
      if (!edge?.data) return;
      d.setSelection({ kind: 'transition', key: edge.data.key });
    } else return;
    if (e.key === ' ') e.preventDefault();
  };
  const remove = (nodes: StageFlowNode[], edges: TransitionFlowEdge[]) => {
    const stages = nodes.filter((n) => n.id !== ANY_NODE).map((n) => n.id);
    let next = deleteStages(d.def, stages);
    for (const e of edges) if (e.data && !stages.includes(e.source) && !stages.includes(e.target)) next = deleteEdge(next, e.data.key, e.data.source === ANY_NODE ? '*' : e.data.source);
    d.commit(next);
    d.setSelection(null);
  };
  // React Flow re-renders every node wrapper when a handler's identity changes: hand it stable
  // functions that call the latest closures, so a drag frame only touches the dragged node
  const latest = useRef({ connect, remove, select: d.setSelection, onNodesChange: d.onNodesChange });
  latest.current = { connect, remove, select: d.setSelection, onNodesChange: d.onNodesChange };
  const handlers = useMemo(() => ({
    onInit: (i: ReactFlowInstance<StageFlowNode, TransitionFlowEdge>) => { flow.current = i; },
    onNodesChange: (c: Parameters<typeof d.onNodesChange>[0]) => latest.current.onNodesChange(c),
    onConnect: (c: Connection) => latest.current.connect(c),
    onDelete: ({ nodes, edges }: { nodes: StageFlowNode[]; edges: TransitionFlowEdge[] }) => latest.current.remove(nodes, edges),
    onNodeClick: (_: unknown, n: StageFlowNode) => latest.current.select(n.id === ANY_NODE ? null : { kind: 'stage', id: n.id }),
    onEdgeClick: (_: unknown, e: TransitionFlowEdge) => { if (e.data) latest.current.select({ kind: 'transition', key: e.data.key }); },
    onPaneClick: () => latest.current.select(null),
  }), []);
  const keys = (e: KeyboardEvent) => {
    if (typing(e.target) || !(e.ctrlKey || e.metaKey)) return;
    const k = e.key.toLowerCase();
    if (k === 'z' && !e.shiftKey) { e.preventDefault(); undo(); }
    else if (k === 'y' || (k === 'z' && e.shiftKey)) { e.preventDefault(); redo(); }
  };
  const viewportProps = useMemo(() => {
    const vp = (detail.draft.layout as { viewport?: { x: number; y: number; zoom: number } } | undefined)?.viewport;
    return vp ? { defaultViewport: vp } : { fitView: true, fitViewOptions: FIT_VIEW };
    // the saved viewport applies when the designer opens, not after each save
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <div className="designer" onKeyDown={keys}>
      <DesignerToolbar d={d} actions={actions} readOnly={readOnly} latestVersion={detail.latestVersion} revision={detail.draftRevision} onAdd={add} onUndo={undo} onRedo={redo} onPublish={() => void publishFlow.start()} />
      <PublishDialog flow={publishFlow} labels={labels} />
      {d.problems.general.length > 0 && (
        <ul className="form-alert" role="alert" aria-label={t('designer.otherProblems')}>
          {d.problems.general.map((m) => <li key={m}>{m}</li>)}
        </ul>
      )}
      <div className="designer-main">
        <div className="designer-canvas" ref={canvas} role="region" aria-label={t('designer.canvas')} onKeyDown={selectFocused}>
          <ReactFlow<StageFlowNode, TransitionFlowEdge>
            nodes={d.nodes}
            edges={d.edges}
            nodeTypes={nodeTypes}
            onInit={handlers.onInit}
            onNodesChange={handlers.onNodesChange}
            {...(readOnly ? {} : { onConnect: handlers.onConnect, onDelete: handlers.onDelete })}
            onNodeClick={handlers.onNodeClick}
            onEdgeClick={handlers.onEdgeClick}
            onPaneClick={handlers.onPaneClick}
            nodesDraggable={!readOnly}
            nodesConnectable={!readOnly}
            deleteKeyCode={readOnly ? null : DELETE_KEYS}
            onlyRenderVisibleElements
            {...viewportProps}
            minZoom={0.05}
            proOptions={PRO_OPTIONS}
          >
            <Background />
            <Controls fitViewOptions={FIT_VIEW} />
            {d.nodes.length <= MINIMAP_LIMIT && <MiniMap pannable zoomable ariaLabel={t('designer.minimap')} />}
          </ReactFlow>
        </div>
        <aside className="panel designer-side" aria-labelledby="inspector-title" ref={aside}>
          <h2 id="inspector-title">{stage ? t('designer.stage.title') : transition ? t('designer.transition.title') : t('designer.settings.title')}</h2>
          {!stage && !transition && (
            <>
              <p className="muted">{t('designer.selectHint')}</p>
              <ProcessSettings key={epoch} def={d.def} readOnly={readOnly} onChange={d.commit} />
            </>
          )}
          {stage && (
            <StageInspector
              key={`${stage.id}:${epoch}`}
              stage={stage}
              entity={entity}
              initial={d.def.initialStage === stage.id}
              problems={d.problems.stages.get(stage.id) ?? NONE}
              readOnly={readOnly}
              onChange={(next) => d.commit(updateStage(d.def, stage.id, next))}
              onRename={(id) => {
                const r = renameStage(d.def, d.positions(), stage.id, id);
                if (r) { d.commit(r.def, r.positions); d.setSelection({ kind: 'stage', id }); }
                return r !== null;
              }}
              onMakeInitial={() => d.commit({ ...d.def, initialStage: stage.id })}
              onDelete={() => { d.commit(deleteStages(d.def, [stage.id])); d.setSelection(null); }}
              targets={transitionTargets(d.def, stage.id)}
              onAddTransition={(target) => { if (connectStagesAndSelect(stage.id, target)) setFocusInspector((n) => n + 1); }}
            />
          )}
          {transition && (
            <TransitionInspector
              key={`${transitionKey}:${epoch}`}
              transition={transition}
              labels={labels}
              problems={d.problems.transitions.get(transitionKey) ?? NONE}
              actionProblems={d.problems.actions.get(transitionKey)}
              readOnly={readOnly}
              onChange={writeTransition}
              onDelete={() => { d.commit({ ...d.def, transitions: (d.def.transitions ?? []).filter((_, i) => i !== tIndex) }); d.setSelection(null); }}
            />
          )}
        </aside>
      </div>
      {transition && transition.guard !== undefined && (
        <section className="guard-editor" aria-labelledby="guard-title" data-testid="guard-editor">
          <h2 id="guard-title">{t('designer.transition.guardTitle', { transition: transition.label !== undefined ? textIn(transition.label, i18n.language) : transitionKey })}</h2>
          <RuleBuilder key={`${transitionKey}:${epoch}`} entity={entity} initialRule={transition.guard} onChange={onGuard} serverProblems={d.problems.guards.get(transitionKey) ?? NO_GUARD_PROBLEMS} />
        </section>
      )}
      {actions.diff && <DiffPanel diff={actions.diff.diff} version={actions.diff.version} />}
      {actions.report && <BacktestPanel report={actions.report} />}
    </div>
  );
}
