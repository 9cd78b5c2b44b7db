import dagre from '@dagrejs/dagre';

/** An objective as the alignment map draws it. */
export interface MapObjective {
  id: string;
  title: string;
  level: string;
  parentId: string | null;
  progress: number | null;
  final: boolean;
  private: boolean;
}

/** A key result as the page lists it. */
export interface MapKeyResult {
  id: string;
  objectiveId: string;
  title: string;
  kind: string;
  start: number;
  target: number | null;
  unit: string | null;
  current: number | null;
  progress: number | null;
  confidence: number | null;
  status: string | null;
  asOf: string | null;
}

interface RecordLike {
  id: string;
  data: Record<string, unknown>;
  computed?: Record<string, unknown>;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Objectives from the records API (with their `computed`); a parent not among them is dropped (the node becomes a root). */
export function mapObjectives(records: readonly RecordLike[]): MapObjective[] {
  const ids = new Set(records.map((r) => r.id));
  return records.map((r) => {
    const parent = str(r.data.parent_id);
    return { id: r.id, title: String(r.data.title ?? ''), level: String(r.data.level ?? ''), parentId: parent && ids.has(parent) ? parent : null, progress: num(r.computed?.progress), final: r.computed?.final === true, private: r.data.private === true };
  });
}

/** Key results from the records API (with their `computed`). */
export function mapKeyResults(records: readonly RecordLike[]): MapKeyResult[] {
  return records.map((r) => ({
    id: r.id,
    objectiveId: String(r.data.objective_id ?? ''),
    title: String(r.data.title ?? ''),
    kind: String(r.data.kind ?? ''),
    start: num(r.data.start) ?? 0,
    target: num(r.data.target),
    unit: str(r.data.unit),
    current: num(r.computed?.current),
    progress: num(r.computed?.progress),
    confidence: num(r.computed?.confidence),
    status: str(r.computed?.status),
    asOf: str(r.computed?.asOf),
  }));
}

export const NODE_WIDTH = 260;
/** A node's height: its header plus one line per key result. */
export const nodeHeight = (keyResults: number) => 86 + 22 * keyResults;

/**
 * Positions of the objectives top-down (company first), laid out by dagre along the alignment
 * edges (parent above child).
 *
 * @example
 * ```ts
 * layoutTree([{ id: 'a', parentId: null, ... }], new Map()); // { a: { x: 20, y: 20 } }
 * ```
 */
export function layoutTree(objectives: readonly MapObjective[], krCount: ReadonlyMap<string, number>): Record<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 60, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const o of objectives) g.setNode(o.id, { width: NODE_WIDTH, height: nodeHeight(krCount.get(o.id) ?? 0) });
  for (const o of objectives) if (o.parentId) g.setEdge(o.parentId, o.id);
  dagre.layout(g);
  const out: Record<string, { x: number; y: number }> = {};
  for (const o of objectives) {
    const p = g.node(o.id) as { x: number; y: number; width: number; height: number } | undefined;
    if (p) out[o.id] = { x: Math.round(p.x - p.width / 2), y: Math.round(p.y - p.height / 2) };
  }
  return out;
}

/** A progress as a whole percent for the reader ("75%"), or null. */
export function percent(progress: number | null, language: string): string | null {
  return progress === null ? null : new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 }).format(progress);
}

/** A number for the reader (up to two decimals). */
export function formatNumber(v: number | null, language: string): string {
  return v === null ? '—' : new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(v);
}

/** The cycle to show first: the one in the address, else the active one that contains today, else the latest. */
export function defaultCycle(cycles: readonly { id: string; data: Record<string, unknown> }[], wanted: string | null, today: string): string | null {
  if (wanted && cycles.some((c) => c.id === wanted)) return wanted;
  const current = cycles.find((c) => c.data.state === 'active' && String(c.data.start) <= today && today <= String(c.data.end));
  return current?.id ?? cycles.find((c) => c.data.state === 'active')?.id ?? cycles[0]?.id ?? null;
}
