import type { ProcessDefinition, StageDefinition, TransitionDefinition } from './types';

/** One changed member of a stage or transition. */
export interface MemberChange {
  member: string;
  before: unknown;
  after: unknown;
}

/** A changed rule: a transition guard or a stage's entry requirements. */
export interface RuleChange {
  kind: 'guard' | 'requirements';
  /** Transition key or stage id. */
  id: string;
  change: 'added' | 'removed' | 'changed';
  before: unknown;
  after: unknown;
}

/**
 * Machine-readable difference between two versions of a process.
 *
 * @example
 * ```ts
 * const d: ProcessDiff = diffProcesses(v1, v2);
 * d.stages.added; // ['discovery']
 * ```
 */
export interface ProcessDiff {
  settings: MemberChange[];
  stages: { added: string[]; removed: string[]; changed: { id: string; changes: MemberChange[] }[] };
  transitions: { added: string[]; removed: string[]; changed: { id: string; changes: MemberChange[] }[] };
  rules: RuleChange[];
  layoutChanged: boolean;
  /** Whether anything the runtime reads differs (layout aside). */
  changed: boolean;
}

const SETTINGS = ['label', 'description', 'entity', 'initialStage', 'allowSkip', 'allowBackward'] as const;

/**
 * The key a transition is compared by: its id, else `from->to`.
 *
 * @example
 * ```ts
 * transitionKey({ from: ['a', 'b'], to: 'c' }); // 'a,b->c'
 * ```
 */
export function transitionKey(t: TransitionDefinition): string {
  return t.id ?? `${Array.isArray(t.from) ? t.from.join(',') : t.from}->${t.to}`;
}

const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

function members<T extends object>(a: T, b: T, skip: readonly string[]): MemberChange[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !skip.includes(k)).sort();
  return keys.filter((k) => !same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])).map((k) => ({ member: k, before: (a as Record<string, unknown>)[k], after: (b as Record<string, unknown>)[k] }));
}

function compare<T extends object>(a: readonly T[], b: readonly T[], key: (x: T) => string, skip: readonly string[]) {
  const left = new Map(a.map((x) => [key(x), x]));
  const right = new Map(b.map((x) => [key(x), x]));
  const changed: { id: string; changes: MemberChange[] }[] = [];
  for (const [id, x] of left) {
    const y = right.get(id);
    if (y) {
      const changes = members(x, y, skip);
      if (changes.length) changed.push({ id, changes });
    }
  }
  return { added: [...right.keys()].filter((k) => !left.has(k)), removed: [...left.keys()].filter((k) => !right.has(k)), changed, left, right };
}

function ruleChanges<T>(left: Map<string, T>, right: Map<string, T>, kind: RuleChange['kind'], read: (x: T) => unknown): RuleChange[] {
  const out: RuleChange[] = [];
  for (const id of new Set([...left.keys(), ...right.keys()])) {
    const a = left.has(id) ? read(left.get(id) as T) : undefined;
    const b = right.has(id) ? read(right.get(id) as T) : undefined;
    if (same(a, b)) continue;
    out.push({ kind, id, change: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed', before: a ?? null, after: b ?? null });
  }
  return out;
}

/**
 * Compares two versions of a process: settings, stages and transitions added, removed or
 * changed (member by member), and the rules (guards and entry requirements) that changed.
 * Layout positions are reported only as `layoutChanged`.
 *
 * @example
 * ```ts
 * diffProcesses(v1, v2).rules; // [{ kind: 'guard', id: 'win', change: 'changed', before: {...}, after: {...} }]
 * ```
 */
export function diffProcesses(a: ProcessDefinition, b: ProcessDefinition): ProcessDiff {
  const settings: MemberChange[] = SETTINGS.filter((k) => !same(a[k], b[k])).map((k) => ({ member: k, before: a[k], after: b[k] }));
  const stages = compare<StageDefinition>(a.stages, b.stages, (s) => s.id, []);
  const transitions = compare<TransitionDefinition>(a.transitions ?? [], b.transitions ?? [], transitionKey, []);
  const rules = [...ruleChanges(transitions.left, transitions.right, 'guard', (t) => t.guard), ...ruleChanges(stages.left, stages.right, 'requirements', (s) => s.requirements)];
  const order = !same(a.stages.map((s) => s.id), b.stages.map((s) => s.id));
  if (order && stages.added.length === 0 && stages.removed.length === 0) settings.push({ member: 'stageOrder', before: a.stages.map((s) => s.id), after: b.stages.map((s) => s.id) });
  const strip = ({ left: _l, right: _r, ...rest }: ReturnType<typeof compare>) => rest;
  const result = { settings, stages: strip(stages), transitions: strip(transitions), rules, layoutChanged: !same(a.layout, b.layout) };
  const changed = settings.length > 0 || [result.stages, result.transitions].some((x) => x.added.length + x.removed.length + x.changed.length > 0);
  return { ...result, changed };
}
