import jsonLogic from 'json-logic-js';
import type { HookProblem, PluginRecord } from './sdk-types';

export const RULE = 'handoff.routing_rule';

/** A routing rule as stored (schemas/routing-rule.schema.json). */
export interface RoutingRule {
  id: string;
  name: string;
  position: number;
  active: boolean;
  appliesTo: string | null;
  condition: Record<string, unknown> | null;
  strategy: 'round_robin' | 'weighted' | 'capacity' | 'territory' | 'account_owner';
  team: string | null;
  role: string | null;
  users: string[];
  weights: Record<string, number>;
  capacity: number | null;
  territoryField: string | null;
  territories: Record<string, string>;
}

/** Reads a rule record. */
export function ruleOf(r: PluginRecord): RoutingRule {
  const d = r.data;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return {
    id: r.id,
    name: String(d.name ?? ''),
    position: typeof d.position === 'number' ? d.position : 0,
    active: d.active !== false,
    appliesTo: str(d.applies_to),
    condition: typeof d.condition === 'object' && d.condition !== null && Object.keys(d.condition).length > 0 ? (d.condition as Record<string, unknown>) : null,
    strategy: d.strategy as RoutingRule['strategy'],
    team: str(d.team),
    role: str(d.role),
    users: Array.isArray(d.users) ? d.users.filter((u): u is string => typeof u === 'string') : [],
    weights: (d.weights as Record<string, number> | undefined) ?? {},
    capacity: typeof d.capacity === 'number' ? d.capacity : null,
    territoryField: str(d.territory_field),
    territories: (d.territories as Record<string, string> | undefined) ?? {},
  };
}

/** Operators a routing condition may use (json-logic's data operators; no string building of code). */
const OPERATORS = new Set(['==', '===', '!=', '!==', '>', '>=', '<', '<=', '!', '!!', 'and', 'or', 'if', 'in', 'var', 'missing', '+', '-', '*', '/', '%', 'min', 'max', 'cat', 'substr']);
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Problems of a routing condition: unknown operators and `var` paths through `__proto__`,
 * `constructor` or `prototype`, each with a JSON pointer under `/data/condition`.
 *
 * @example
 * ```ts
 * conditionProblems({ '>': [{ var: 'score' }, 50] }); // []
 * ```
 */
export function conditionProblems(rule: unknown, pointer = '/data/condition', depth = 0): HookProblem[] {
  if (depth > 50) return [{ pointer, message: 'is nested too deeply', code: 'handoff.rule-too-deep' }];
  if (Array.isArray(rule)) return rule.flatMap((r, i) => conditionProblems(r, `${pointer}/${i}`, depth + 1));
  if (typeof rule !== 'object' || rule === null) return [];
  const keys = Object.keys(rule);
  if (depth === 0 && keys.length === 0) return [];
  if (keys.length !== 1) return [{ pointer, message: 'a rule is an object with exactly one operator', code: 'handoff.rule-invalid' }];
  const op = keys[0] as string;
  const escaped = op.replace(/~/g, '~0').replace(/\//g, '~1');
  if (!OPERATORS.has(op)) return [{ pointer: `${pointer}/${escaped}`, message: `unknown operator "${op}"; use one of ${[...OPERATORS].join(' ')}`, code: 'handoff.rule-operator' }];
  const args = (rule as Record<string, unknown>)[op];
  if (op === 'var') {
    const path = Array.isArray(args) ? args[0] : args;
    if (typeof path === 'string' && path.split('.').some((s) => FORBIDDEN_SEGMENTS.has(s))) return [{ pointer: `${pointer}/var`, message: 'may not read __proto__, constructor or prototype', code: 'handoff.rule-path' }];
    return [];
  }
  return conditionProblems(args, `${pointer}/${escaped}`, depth + 1);
}

/** Whether the rule's condition holds for the item's body (no condition: always). A rule that fails to evaluate does not hold. */
export function holds(rule: RoutingRule, data: Record<string, unknown>): boolean {
  if (!rule.condition) return true;
  if (conditionProblems(rule.condition).length > 0) return false;
  try {
    return jsonLogic.truthy(jsonLogic.apply(rule.condition as Parameters<typeof jsonLogic.apply>[0], structuredClone(data)));
  } catch {
    return false;
  }
}

/** A person routing may pick. */
export interface Candidate {
  id: string;
  name: string;
}

/** What a strategy chose and why. */
export interface Choice {
  user: string;
  /** Why, in English and in Simplified Chinese. */
  reason: string;
  reasonZh: string;
}

/** What a strategy knows besides the rule. */
export interface PickInput {
  candidates: Candidate[];
  /** Assignments so far by this rule, per person (routing state). */
  counts: Record<string, number>;
  /** Open items per person (capacity). */
  open?: Record<string, number>;
  item: Record<string, unknown>;
  /** The owner of the account matching the item (account owner). */
  accountOwner?: { user: string; account: string } | null;
}

/**
 * Picks a person by the rule's strategy, or null when nobody fits (the next rule is tried):
 *
 * - round robin: the candidate with the fewest assignments by this rule (ties: candidate order),
 *   so N items over K people give each N/K, rounded;
 * - weighted: the candidate furthest below his share, `(assigned + 1) / weight` smallest;
 * - capacity: the candidate with the fewest open items, if below the rule's capacity;
 * - territory: the person the item's territory field names;
 * - account owner: the owner of the account whose name is the item's company.
 *
 * @example
 * ```ts
 * pick(rule, { candidates: [{ id: 'a', name: 'Ann' }], counts: {}, item: {} }); // { user: 'a', reason: '...' }
 * ```
 */
export function pick(rule: RoutingRule, input: PickInput): Choice | null {
  const { candidates, counts } = input;
  const name = (id: string) => candidates.find((c) => c.id === id)?.name ?? id;
  const n = (id: string) => counts[id] ?? 0;
  switch (rule.strategy) {
    case 'round_robin': {
      if (candidates.length === 0) return null;
      const best = candidates.reduce((a, b) => (n(b.id) < n(a.id) ? b : a));
      return { user: best.id, reason: `Round robin over ${candidates.length} people: ${best.name} had the fewest assignments by this rule (${n(best.id)}).`, reasonZh: `在 ${candidates.length} 人中轮流分配：${best.name} 按此规则获得的分配最少（${n(best.id)} 条）。` };
    }
    case 'weighted': {
      const weighted = candidates.filter((c) => (rule.weights[c.id] ?? 0) > 0);
      if (weighted.length === 0) return null;
      const total = weighted.reduce((s, c) => s + (rule.weights[c.id] ?? 0), 0);
      const score = (c: Candidate) => (n(c.id) + 1) / (rule.weights[c.id] ?? 1);
      const best = weighted.reduce((a, b) => (score(b) < score(a) ? b : a));
      const w = rule.weights[best.id] ?? 0;
      return { user: best.id, reason: `Weighted ratio: ${best.name} has weight ${w} of ${total} and was furthest below that share (${n(best.id)} assigned).`, reasonZh: `按权重比例：${best.name} 的权重为 ${w}/${total}，距离其应得份额最远（已分配 ${n(best.id)} 条）。` };
    }
    case 'capacity': {
      const cap = rule.capacity ?? Number.POSITIVE_INFINITY;
      const open = input.open ?? {};
      const free = candidates.filter((c) => (open[c.id] ?? 0) < cap);
      if (free.length === 0) return null;
      const best = free.reduce((a, b) => ((open[b.id] ?? 0) < (open[a.id] ?? 0) ? b : a));
      return { user: best.id, reason: `Capacity: ${best.name} had ${open[best.id] ?? 0} open items, below the limit of ${cap}, the fewest of ${free.length} people with room.`, reasonZh: `按容量：${best.name} 有 ${open[best.id] ?? 0} 条未结事项，低于上限 ${cap}，是 ${free.length} 位尚有余量者中最少的。` };
    }
    case 'territory': {
      const field = rule.territoryField ?? 'territory';
      const value = input.item[field];
      if (typeof value !== 'string' || value === '') return null;
      const user = rule.territories[value];
      if (!user || !candidates.some((c) => c.id === user)) return null;
      return { user, reason: `Territory: ${field} is "${value}", which ${name(user)} covers.`, reasonZh: `按区域：${field} 为“${value}”，由 ${name(user)} 负责。` };
    }
    case 'account_owner': {
      const owner = input.accountOwner;
      if (!owner || !candidates.some((c) => c.id === owner.user)) return null;
      return { user: owner.user, reason: `Account owner: ${name(owner.user)} owns the account "${owner.account}".`, reasonZh: `客户负责人：${name(owner.user)} 负责客户“${owner.account}”。` };
    }
    default:
      return null;
  }
}
