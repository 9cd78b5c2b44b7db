import { applyNodeChanges, type NodeChange } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { ProcessDefinition } from '../../api/processes';
import { buildEdges, buildNodes, positionsFromNodes, type StageFlowNode } from './designer-graph';
import { positionsOf, type Positions } from './designer-model';
import { NO_PROBLEMS, type LocatedProblems } from './problem-map';
import { layoutProcess } from './process-layout';

interface Snapshot {
  def: ProcessDefinition;
  positions: Positions;
}

const HISTORY_LIMIT = 100;

/** What is selected in the designer. */
export type DesignerSelection = { kind: 'stage'; id: string } | { kind: 'transition'; key: string } | null;

/**
 * The designer's state: the definition being edited, canvas nodes (positions), edges, server
 * problems, selection, and undo/redo over definition and positions (a drag is one step).
 *
 * @example
 * ```ts
 * const d = useDesignerState(detail.draft);
 * d.commit(addStage(d.def, 'New').def);
 * d.undo();
 * ```
 */
export function useDesignerState(initial: ProcessDefinition, language = 'en') {
  const start = useMemo(() => {
    const saved = positionsOf(initial);
    const positions = Object.keys(saved).length === initial.stages.length ? saved : { ...layoutProcess(initial), ...saved };
    return { def: initial, positions };
  }, [initial]);
  const [def, setDef] = useState(start.def);
  const [problems, setProblemsState] = useState<LocatedProblems>(NO_PROBLEMS);
  const [nodes, setNodes] = useState<StageFlowNode[]>(() => buildNodes(start.def, start.positions, NO_PROBLEMS));
  const [selection, setSelection] = useState<DesignerSelection>(null);
  const [dirty, setDirty] = useState(false);
  const [, setTick] = useState(0);
  const refs = useRef({ def: start.def, problems: NO_PROBLEMS, nodes, past: [] as Snapshot[], future: [] as Snapshot[], drag: null as Snapshot | null });
  refs.current.nodes = nodes;

  const snapshot = (): Snapshot => ({ def: refs.current.def, positions: positionsFromNodes(refs.current.nodes) });
  const show = useCallback((next: ProcessDefinition, positions?: Positions, located?: LocatedProblems) => {
    refs.current.def = next;
    if (located) refs.current.problems = located;
    const probs = refs.current.problems;
    setDef(next);
    if (located) setProblemsState(located);
    setNodes((prev) => buildNodes(next, positions ?? positionsFromNodes(prev), probs, prev));
  }, []);
  const remember = (s: Snapshot) => {
    refs.current.past = [...refs.current.past.slice(-HISTORY_LIMIT + 1), s];
    refs.current.future = [];
    setTick((n) => n + 1);
    setDirty(true);
  };

  /** Applies an edit as one undoable step. */
  const commit = useCallback((next: ProcessDefinition, positions?: Positions) => {
    remember(snapshot());
    show(next, positions);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [show]);

  const undo = useCallback(() => {
    const s = refs.current.past.at(-1);
    if (!s) return;
    refs.current.future = [...refs.current.future, snapshot()];
    refs.current.past = refs.current.past.slice(0, -1);
    show(s.def, s.positions);
    setTick((n) => n + 1);
    setDirty(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [show]);

  const redo = useCallback(() => {
    const s = refs.current.future.at(-1);
    if (!s) return;
    refs.current.past = [...refs.current.past, snapshot()];
    refs.current.future = refs.current.future.slice(0, -1);
    show(s.def, s.positions);
    setTick((n) => n + 1);
    setDirty(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [show]);

  /** React Flow's node changes: drags (one undo step each), selection, measurements; removals go through `commit`. */
  const onNodesChange = useCallback((changes: NodeChange<StageFlowNode>[]) => {
    const kept: NodeChange<StageFlowNode>[] = [];
    for (const c of changes) {
      if (c.type === 'remove') continue;
      if (c.type === 'position' && c.dragging && !refs.current.drag) refs.current.drag = snapshot();
      if (c.type === 'position' && c.dragging === false && refs.current.drag) {
        remember(refs.current.drag);
        refs.current.drag = null;
      }
      kept.push(c);
    }
    if (kept.length) setNodes((ns) => applyNodeChanges(kept, ns));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const selectedKey = selection?.kind === 'transition' ? selection.key : null;
  const edges = useMemo(() => buildEdges(def, problems, selectedKey, language), [def, problems, selectedKey, language]);

  return {
    def,
    nodes,
    edges,
    problems,
    selection,
    setSelection,
    dirty,
    markClean: () => setDirty(false),
    canUndo: refs.current.past.length > 0,
    canRedo: refs.current.future.length > 0,
    commit,
    undo,
    redo,
    onNodesChange,
    /** Shows server problems on the nodes and edges of the definition that was checked. */
    setProblems: (located: LocatedProblems) => show(refs.current.def, undefined, located),
    positions: () => positionsFromNodes(refs.current.nodes),
    /** Lays the canvas out with dagre (undoable). */
    autoLayout: () => commit(refs.current.def, layoutProcess(refs.current.def)),
  };
}

/** The state and operations {@link useDesignerState} returns. */
export type DesignerState = ReturnType<typeof useDesignerState>;
