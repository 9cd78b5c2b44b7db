import type { PluginOrgUnit, PluginRecord, PluginServices } from '@pipewright/plugin-sdk';
import { keyResultProgress, rollUp, type KeyResultKind } from './model';

export const CYCLE = 'okr.cycle';
export const OBJECTIVE = 'okr.objective';
export const KEY_RESULT = 'okr.key_result';
export const CHECK_IN = 'okr.check_in';
export const COMMENT = 'okr.comment';

/** What a key result's read carries as `computed`. */
export interface KeyResultValue {
  current: number | null;
  progress: number | null;
  asOf: string;
  /** Latest check-in's confidence (1-10), status and time; null without one. */
  confidence: number | null;
  status: string | null;
  lastCheckInAt: string | null;
  /** The closed cycle's stored score rather than a live figure. */
  final?: boolean;
}

/** What an objective's read carries as `computed` (no `current`). */
export interface ObjectiveValue {
  progress: number | null;
  asOf: string;
  final?: boolean;
}

/** The metric query behind a metric key result and the cell of its figure. */
export interface MetricBinding {
  query: { metrics: string[]; from: string; to: string; groupBy?: string[] };
  /** The `<dim>_id` member of the row that holds the key result's figure (none: the only row). */
  cell: Record<string, string> | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Every record of a type matching an equality filter, paged through. */
export async function listAll(s: PluginServices, type: string, filter: Record<string, string>, sort?: string): Promise<PluginRecord[]> {
  const out: PluginRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await s.records.list(type, { filter, limit: 1000, ...(sort ? { sort } : {}), ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** The metric dimension for an org unit kind (the metric layer's org levels). */
export const DIMENSION_OF_UNIT_KIND: Record<string, string | null> = { company: null, region: 'office', team: 'team' };

/**
 * The metric query of a metric key result over its cycle's dates: the scope becomes a
 * `groupBy` on the matching dimension (office or team for an org unit, owner for a person) and
 * the figure is the row of the scope's id. Null when the key result lacks a metric or dates, or
 * its unit is of a kind the metric layer does not split by.
 */
export function metricBinding(kr: PluginRecord, cycle: PluginRecord | undefined, units: ReadonlyMap<string, PluginOrgUnit>): MetricBinding | null {
  const metric = str(kr.data.metric);
  const from = str(cycle?.data.start);
  const to = str(cycle?.data.end);
  if (!metric || !from || !to) return null;
  const query = { metrics: [metric], from, to };
  const user = str(kr.data.scope_user);
  if (user) return { query: { ...query, groupBy: ['owner'] }, cell: { owner_id: user } };
  const unitId = str(kr.data.scope_unit);
  if (!unitId) return { query, cell: null };
  const unit = units.get(unitId);
  const dimension = unit ? DIMENSION_OF_UNIT_KIND[unit.kind] : undefined;
  if (dimension === undefined) return null;
  if (dimension === null) return { query, cell: null };
  return { query: { ...query, groupBy: [dimension] }, cell: { [`${dimension}_id`]: unitId } };
}

/**
 * The live values of key results, in few queries: their cycles, the check-ins of their cycles
 * (latest per key result), and one metric query per distinct (metric, period, dimension) whose
 * rows hold every scope of that group. Key results of a closed cycle answer the cycle's stored
 * final scores.
 */
export async function keyResultValues(krs: readonly PluginRecord[], s: PluginServices, cycles?: Map<string, PluginRecord>): Promise<Map<string, KeyResultValue>> {
  const now = s.clock.now().toISOString();
  const cycleOf = cycles ?? (await loadCycles(s, krs.map((k) => str(k.data.cycle_id))));
  const out = new Map<string, KeyResultValue>();
  const live: PluginRecord[] = [];
  for (const kr of krs) {
    const cycle = cycleOf.get(str(kr.data.cycle_id) ?? '');
    const stored = cycle?.data.state === 'closed' ? (cycle.data.scores as Record<string, KeyResultValue> | undefined)?.[kr.id] : undefined;
    if (stored) out.set(kr.id, { ...stored, final: true });
    else live.push(kr);
  }
  if (live.length === 0) return out;

  const latest = await latestCheckIns(s, live);
  const units = live.some((k) => str(k.data.scope_unit)) ? new Map((await s.directory.orgUnits()).map((u) => [u.id, u])) : new Map<string, PluginOrgUnit>();
  const groups = new Map<string, { binding: MetricBinding; krs: PluginRecord[] }>();
  const metricValue = new Map<string, { value: number | null; asOf: string }>();
  for (const kr of live) {
    if (kr.data.kind !== 'metric') continue;
    const binding = metricBinding(kr, cycleOf.get(str(kr.data.cycle_id) ?? ''), units);
    if (!binding) continue;
    const key = JSON.stringify(binding.query);
    const g = groups.get(key) ?? { binding, krs: [] };
    g.krs.push(kr);
    groups.set(key, g);
  }
  for (const { binding, krs: members } of groups.values()) {
    const { rows, asOf } = await s.metrics.query(binding.query as unknown as Record<string, unknown>);
    const metric = binding.query.metrics[0] ?? '';
    for (const kr of members) {
      const b = metricBinding(kr, cycleOf.get(str(kr.data.cycle_id) ?? ''), units);
      const row = b?.cell ? rows.find((r) => Object.entries(b.cell ?? {}).every(([k, v]) => r[k] === v)) : rows[0];
      // No row: nothing of the metric in the scope and period, which is 0 for sums and counts.
      metricValue.set(kr.id, { value: row ? num(row[metric]) : 0, asOf });
    }
  }

  for (const kr of live) {
    const kind = kr.data.kind as KeyResultKind;
    const check = latest.get(kr.id);
    const start = num(kr.data.start) ?? 0;
    let current: number | null;
    let asOf = now;
    if (kind === 'metric') {
      const m = metricValue.get(kr.id);
      current = m ? m.value : null;
      if (m) asOf = m.asOf;
    } else if (kind === 'milestone') current = check?.data.done === true ? 1 : 0;
    else current = check ? (num(check.data.value) ?? start) : start;
    const cap = num(kr.data.cap) ?? (num(s.config.progress_cap) ?? 1);
    out.set(kr.id, {
      current,
      progress: keyResultProgress({ kind, current, start, target: num(kr.data.target), cap }),
      asOf,
      confidence: check ? num(check.data.confidence) : null,
      status: check ? str(check.data.status) : null,
      lastCheckInAt: check ? (str(check.data.date) ?? check.createdAt) : null,
    });
  }
  return out;
}

/** Cycles by id (the ids given, once each). */
export async function loadCycles(s: PluginServices, ids: readonly (string | null)[]): Promise<Map<string, PluginRecord>> {
  const out = new Map<string, PluginRecord>();
  for (const id of new Set(ids)) {
    if (!id) continue;
    const c = await s.records.get(CYCLE, id);
    if (c) out.set(id, c);
  }
  return out;
}

/** The latest check-in of each key result: the check-ins of their cycles, newest first (one listing per cycle). */
export async function latestCheckIns(s: PluginServices, krs: readonly PluginRecord[]): Promise<Map<string, PluginRecord>> {
  const wanted = new Set(krs.map((k) => k.id));
  const out = new Map<string, PluginRecord>();
  const byCycle = new Set(krs.map((k) => str(k.data.cycle_id)).filter((c): c is string => c !== null));
  const lists = [...byCycle].map((c) => listAll(s, CHECK_IN, { cycle_id: c }, '-date'));
  // Key results outside any cycle: their own check-ins.
  for (const kr of krs) if (!str(kr.data.cycle_id)) lists.push(listAll(s, CHECK_IN, { key_result_id: kr.id }, '-date'));
  for (const list of await Promise.all(lists)) {
    for (const c of list) {
      const kr = str(c.data.key_result_id);
      if (kr && wanted.has(kr) && !out.has(kr)) out.set(kr, c);
    }
  }
  return out;
}

/**
 * Objectives' progress: per cycle, every objective and key result of the cycle is loaded once,
 * the key results valued ({@link keyResultValues}) and the tree rolled up. Objectives of a
 * closed cycle answer its stored final scores.
 */
export async function objectiveValues(objectives: readonly PluginRecord[], s: PluginServices): Promise<Map<string, ObjectiveValue>> {
  const out = new Map<string, ObjectiveValue>();
  const cycles = await loadCycles(s, objectives.map((o) => str(o.data.cycle_id)));
  const byCycle = new Map<string, PluginRecord[]>();
  for (const o of objectives) {
    const c = str(o.data.cycle_id) ?? '';
    byCycle.set(c, [...(byCycle.get(c) ?? []), o]);
  }
  for (const [cycleId, members] of byCycle) {
    const cycle = cycles.get(cycleId);
    if (cycle?.data.state === 'closed') {
      const scores = (cycle.data.scores ?? {}) as Record<string, ObjectiveValue>;
      for (const o of members) if (scores[o.id]) out.set(o.id, { ...scores[o.id], final: true } as ObjectiveValue);
      continue;
    }
    const all = cycleId ? await listAll(s, OBJECTIVE, { cycle_id: cycleId }) : members;
    const krs = cycleId ? await listAll(s, KEY_RESULT, { cycle_id: cycleId }) : (await Promise.all(members.map((o) => listAll(s, KEY_RESULT, { objective_id: o.id })))).flat();
    const { objectives: values } = await valueTree(s, all, krs, cycles);
    for (const o of members) {
      const v = values.get(o.id);
      if (v) out.set(o.id, v);
    }
  }
  return out;
}

/** Key result values and rolled-up objective progress of a set of objectives and their key results. */
export async function valueTree(s: PluginServices, objectives: readonly PluginRecord[], krs: readonly PluginRecord[], cycles?: Map<string, PluginRecord>): Promise<{ objectives: Map<string, ObjectiveValue>; keyResults: Map<string, KeyResultValue> }> {
  const krValues = await keyResultValues(krs, s, cycles);
  const progress = rollUp(
    objectives.map((o) => ({ id: o.id, parentId: str(o.data.parent_id), weight: num(o.data.weight) ?? 1, includeChildren: o.data.include_children === true })),
    krs.map((k) => ({ objectiveId: str(k.data.objective_id) ?? '', weight: num(k.data.weight) ?? 1, progress: krValues.get(k.id)?.progress ?? null })),
  );
  const asOf = [...krValues.values()].reduce((a, v) => (v.asOf > a ? v.asOf : a), s.clock.now().toISOString());
  return { objectives: new Map(objectives.map((o) => [o.id, { progress: progress.get(o.id) ?? null, asOf }])), keyResults: krValues };
}
