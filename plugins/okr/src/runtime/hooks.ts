import type { HookProblem, PluginRecord, PluginServices, RecordChange, RecordHooks } from '@pipewright/plugin-sdk';
import { mayEdit, scopeProblems } from './access';
import { CHECK_IN, CYCLE, KEY_RESULT, OBJECTIVE, listAll, valueTree } from './compute';
import { LEVELS } from './model';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const isAdmin = (s: PluginServices) => s.caller.userId === null || s.caller.roles.includes('admin');

/** Problems when the record's cycle (before or after the change) is closed: a closed cycle is read-only. */
async function closedCycle(change: RecordChange, s: PluginServices, pointer: string): Promise<HookProblem[]> {
  for (const id of new Set([str(change.data.cycle_id), str(change.before?.data.cycle_id)])) {
    if (!id) continue;
    const cycle = await s.records.get(CYCLE, id);
    if (cycle?.data.state === 'closed') return [{ pointer, message: `the cycle "${String(cycle.data.name)}" is closed; its OKRs are read-only`, code: 'okr.cycle-closed' }];
  }
  return [];
}

/** Copies a parent's cycle, privacy and readers (the objective's owner and co-owners) onto a key result or check-in (never typed by hand). */
async function inherit(data: Record<string, unknown>, parentType: string, parentField: string, s: PluginServices): Promise<Record<string, unknown>> {
  // Runs before the schema check: a malformed id is left for the schema to refuse (422).
  const id = str(data[parentField]);
  const parent = id && UUID.test(id) ? await s.records.get(parentType, id).catch(() => null) : null;
  if (!parent) {
    const { readers: _typed, ...rest } = data;
    return rest;
  }
  // The objective's owner and co-owners read its key results and check-ins even when private (an audience field).
  const readers = parentType === OBJECTIVE ? [...new Set([parent.owner, ...(Array.isArray(parent.data.co_owners) ? parent.data.co_owners : [])].filter((u): u is string => typeof u === 'string' && u !== ''))] : Array.isArray(parent.data.readers) ? parent.data.readers : [];
  const out: Record<string, unknown> = { ...data, private: parent.data.private === true, readers };
  if (str(parent.data.cycle_id)) out.cycle_id = parent.data.cycle_id;
  else delete out.cycle_id;
  return out;
}

/**
 * Cycles: admins manage them; start before end; closing computes and stores the final score of
 * every objective and key result of the cycle; a closed cycle is read-only.
 */
export const cycleHooks: RecordHooks = {
  async beforeChange(change, s) {
    if (change.operation === 'delete') return;
    const closing = change.data.state === 'closed' && change.before?.data.state !== 'closed';
    if (!closing || !change.before) return;
    const objectives = await listAll(s, OBJECTIVE, { cycle_id: change.before.id });
    const krs = await listAll(s, KEY_RESULT, { cycle_id: change.before.id });
    const { objectives: o, keyResults: k } = await valueTree(s, objectives, krs, new Map([[change.before.id, { ...change.before, data: { ...change.before.data, state: 'active' } }]]));
    const scores: Record<string, unknown> = {};
    for (const [id, v] of o) scores[id] = { progress: v.progress, asOf: v.asOf };
    for (const [id, v] of k) scores[id] = v;
    return { ...change.data, scores, closed_at: s.clock.now().toISOString() };
  },
  validate(change, s) {
    const problems: HookProblem[] = [];
    if (!isAdmin(s)) problems.push({ pointer: '', message: 'only admins manage OKR cycles', code: 'okr.admins-only' });
    if (change.before?.data.state === 'closed') return [...problems, { pointer: '/data/state', message: 'a closed cycle is read-only', code: 'okr.cycle-closed' }];
    if (change.operation === 'delete') return problems;
    const start = str(change.data.start);
    const end = str(change.data.end);
    if (start && end && end < start) problems.push({ pointer: '/data/end', message: 'the cycle ends before it starts', code: 'okr.cycle-dates' });
    const closing = change.data.state === 'closed' && change.before?.data.state !== 'closed';
    if (change.operation === 'create' && change.data.state === 'closed') problems.push({ pointer: '/data/state', message: 'a cycle starts in planning or active', code: 'okr.cycle-state' });
    if (!closing && !same(change.data.scores, change.before?.data.scores)) problems.push({ pointer: '/data/scores', message: 'final scores are computed when the cycle closes', code: 'okr.computed-field' });
    if (!closing && !same(change.data.closed_at, change.before?.data.closed_at)) problems.push({ pointer: '/data/closed_at', message: 'set when the cycle closes', code: 'okr.computed-field' });
    return problems;
  },
};

/** The key results of an objective and their check-ins (those the caller reads). */
async function dependents(objectiveId: string, s: PluginServices): Promise<{ krs: PluginRecord[]; checkIns: PluginRecord[] }> {
  const krs = await listAll(s, KEY_RESULT, { objective_id: objectiveId });
  const checkIns = (await Promise.all(krs.map((k) => listAll(s, CHECK_IN, { key_result_id: k.id })))).flat();
  return { krs, checkIns };
}

/**
 * Whether the caller may change an objective's privacy: its key results and check-ins carry the
 * flag too (the read rule is over their own body), so he must be able to rewrite every one of
 * them in the same transaction; one he may not edit (a key result a manager above added, a
 * check-in by someone else) refuses the change, naming `private`.
 */
async function privacyProblems(objective: PluginRecord, s: PluginServices): Promise<HookProblem[]> {
  const { krs, checkIns } = await dependents(objective.id, s);
  for (const r of [...krs, ...checkIns]) {
    if (!(await mayEdit(r, s.caller, s))) return [{ pointer: '/data/private', message: `a ${r.type === KEY_RESULT ? 'key result' : 'check-in'} of this objective is someone else's to change; its owner, a manager above or an admin can change the privacy`, code: 'okr.private-cascade' }];
  }
  return [];
}

/**
 * Objectives: aligned to a parent of a higher level in the same cycle (company objectives to
 * none), privacy changeable by whoever may rewrite its key results and check-ins (copied to them
 * in the same transaction), nothing written in a closed cycle.
 */
export const objectiveHooks: RecordHooks = {
  async validate(change, s) {
    const problems = await closedCycle(change, s, '/data/cycle_id');
    if (change.operation === 'delete') return problems;
    const d = change.data;
    if (change.before && (d.private === true) !== (change.before.data.private === true)) problems.push(...(await privacyProblems(change.before, s)));
    const parentId = str(d.parent_id);
    if (parentId) {
      const parent = d.level === 'company' ? null : await s.records.get(OBJECTIVE, parentId);
      if (d.level === 'company') problems.push({ pointer: '/data/parent_id', message: 'company objectives align to nothing', code: 'okr.parent-level' });
      else if (parent) {
        if (LEVELS.indexOf(parent.data.level as never) >= LEVELS.indexOf(d.level as never)) problems.push({ pointer: '/data/parent_id', message: `a ${String(d.level)} objective aligns to a higher level than ${String(parent.data.level)}`, code: 'okr.parent-level' });
        if (str(parent.data.cycle_id) !== str(d.cycle_id)) problems.push({ pointer: '/data/parent_id', message: 'the objective it aligns to belongs to another cycle', code: 'okr.parent-cycle' });
      }
    }
    return problems;
  },
  /** A changed privacy is copied to the key results and their check-ins in the same transaction (their hooks copy it from the parent). */
  async afterChange(change, s) {
    if (change.operation !== 'update' || (change.after.data.private === true) === (change.before?.data.private === true)) return;
    const { krs, checkIns } = await dependents(change.after.id, s);
    for (const k of krs) await s.records.update(KEY_RESULT, k.id, { data: { private: change.after.data.private === true } }, { expectedVersion: k.version });
    for (const c of checkIns) await s.records.update(CHECK_IN, c.id, { data: { private: change.after.data.private === true } }, { expectedVersion: c.version });
  },
};

/**
 * Key results: added and changed by whoever may edit the objective; cycle and privacy copied
 * from it; kinds checked (a metric and a scope in reach for metric ones, a target for metric
 * and numeric ones, in the stated direction).
 */
export const keyResultHooks: RecordHooks = {
  async beforeChange(change, s) {
    if (change.operation === 'delete') return;
    return inherit(change.data, OBJECTIVE, 'objective_id', s);
  },
  async validate(change, s) {
    const problems = await closedCycle(change, s, '/data/objective_id');
    if (change.operation === 'delete') return problems;
    const d = change.data;
    const objective = str(d.objective_id) ? await s.records.get(OBJECTIVE, String(d.objective_id)) : null;
    if (objective && !(await mayEdit(objective, s.caller, s))) problems.push({ pointer: '/data/objective_id', message: "only the objective's owner or a manager above adds key results to it", code: 'okr.not-editor' });
    const kind = d.kind;
    const start = typeof d.start === 'number' ? d.start : 0;
    if (kind === 'metric' || kind === 'numeric') {
      if (typeof d.target !== 'number') problems.push({ pointer: '/data/target', message: `a ${String(kind)} key result needs a target`, code: 'required' });
      else if (d.target === start) problems.push({ pointer: '/data/target', message: 'the target must differ from the start value', code: 'okr.target-equals-start' });
      else if ((d.direction ?? 'up') === 'up' ? d.target < start : d.target > start) problems.push({ pointer: '/data/direction', message: `the target ${String(d.target)} is ${d.target < start ? 'below' : 'above'} the start ${String(start)}: direction ${(d.direction ?? 'up') === 'up' ? 'down' : 'up'}`, code: 'okr.direction' });
    }
    if (kind === 'metric') {
      if (!str(d.metric)) problems.push({ pointer: '/data/metric', message: 'a metric key result names a metric', code: 'required' });
      else {
        try {
          await s.metrics.query({ metrics: [d.metric] });
        } catch {
          problems.push({ pointer: '/data/metric', message: `"${String(d.metric)}" is not a metric of the metric layer`, code: 'okr.unknown-metric' });
        }
      }
      const scopeChanged = !change.before || !same(d.scope_unit, change.before.data.scope_unit) || !same(d.scope_user, change.before.data.scope_user);
      if (scopeChanged) problems.push(...(await scopeProblems(d, s)));
    } else {
      for (const f of ['metric', 'scope_unit', 'scope_user'] as const) if (d[f] !== undefined) problems.push({ pointer: `/data/${f}`, message: 'only metric key results have a metric and a scope', code: 'okr.kind-field' });
    }
    return problems;
  },
};

/**
 * Check-ins: made by whoever may edit the key result; a value for numeric key results, done for
 * milestones, none for metric ones (their value is computed); cycle and privacy copied; the date
 * defaults to the platform clock.
 */
export const checkInHooks: RecordHooks = {
  async beforeChange(change, s) {
    if (change.operation === 'delete') return;
    const data = await inherit(change.data, KEY_RESULT, 'key_result_id', s);
    return str(data.date) ? data : { ...data, date: s.clock.now().toISOString() };
  },
  async validate(change, s) {
    const problems = await closedCycle(change, s, '/data/key_result_id');
    if (change.operation === 'delete') return problems;
    const d = change.data;
    const kr: PluginRecord | null = str(d.key_result_id) ? await s.records.get(KEY_RESULT, String(d.key_result_id)) : null;
    if (!kr) return problems;
    if (!(await mayEdit(kr, s.caller, s))) problems.push({ pointer: '/data/key_result_id', message: "only the key result's owner or a manager above checks in on it; others may read and comment", code: 'okr.not-editor' });
    if (kr.data.kind === 'numeric' && typeof d.value !== 'number') problems.push({ pointer: '/data/value', message: 'a check-in on a numeric key result gives the value reached', code: 'required' });
    if (kr.data.kind === 'milestone' && typeof d.done !== 'boolean') problems.push({ pointer: '/data/done', message: 'a check-in on a milestone says whether it is done', code: 'required' });
    if (kr.data.kind === 'metric' && d.value !== undefined) problems.push({ pointer: '/data/value', message: "a metric key result's value is computed from the metric layer", code: 'okr.computed-field' });
    if (kr.data.kind !== 'milestone' && d.done !== undefined) problems.push({ pointer: '/data/done', message: 'only milestones are done or not', code: 'okr.kind-field' });
    return problems;
  },
};

export const hooks: Record<string, RecordHooks> = { [CYCLE]: cycleHooks, [OBJECTIVE]: objectiveHooks, [KEY_RESULT]: keyResultHooks, [CHECK_IN]: checkInHooks };
