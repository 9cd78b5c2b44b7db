import type { ErrorDetail } from '../errors';
import { RuleError } from '../errors';
import { childPointer } from './pointer';

/**
 * The operator that names a saved rule of the rule library: `{"rule": "big-discount"}` (ADR 032).
 * It is a macro, not an evaluated operator: {@link expandRuleReferences} replaces it by the
 * referenced rule's json-logic before the rule is parsed, so checking, compiling, explaining and
 * SQL translation all see one plain rule.
 */
export const RULE_REFERENCE = 'rule';

/** A saved rule as a reference resolves it: its json-logic and the version that logic is. */
export interface ResolvedRule {
  logic: unknown;
  version: number;
}

/** Finds a saved rule by id (at the version the caller pinned, or the latest); undefined if none. */
export type RuleResolver = (id: string) => ResolvedRule | undefined;

/** A reference found in a rule: the id and the JSON pointer of the `{"rule": ...}` object. */
export interface RuleReference {
  id: string;
  pointer: string;
}

/** What a saved rule's id looks like: a lowercase slug (`big-discount`). */
export const RULE_ID_PATTERN = '^[a-z0-9][a-z0-9_.-]{0,99}$';
const ID = new RegExp(RULE_ID_PATTERN);
const MAX_EXPANSION_DEPTH = 16;

/** The id a `{"rule": ...}` object names, or null when its argument is not a valid id. */
function referenceId(arg: unknown): string | null {
  const id = Array.isArray(arg) && arg.length === 1 ? arg[0] : arg;
  return typeof id === 'string' && ID.test(id) ? id : null;
}

function isReference(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && Object.keys(node).length === 1 && Object.hasOwn(node, RULE_REFERENCE);
}

/**
 * The saved rules a rule names directly (not those the named rules name in turn), with the
 * pointer of each reference; a malformed reference is listed with id `''`.
 *
 * @example
 * ```ts
 * ruleReferences({ and: [{ rule: 'big-discount' }, { '>': [{ var: 'amount' }, 0] }] });
 * // [{ id: 'big-discount', pointer: '/and/0' }]
 * ```
 */
export function ruleReferences(logic: unknown, pointer = ''): RuleReference[] {
  const out: RuleReference[] = [];
  const walk = (node: unknown, at: string): void => {
    if (isReference(node)) {
      out.push({ id: referenceId(node[RULE_REFERENCE]) ?? '', pointer: at });
      return;
    }
    if (Array.isArray(node)) node.forEach((n, i) => walk(n, childPointer(at, i)));
    else if (typeof node === 'object' && node !== null) for (const [k, v] of Object.entries(node)) walk(v, childPointer(at, k));
  };
  walk(logic, pointer);
  return out;
}

/**
 * Replaces every `{"rule": "<id>"}` in a rule by the referenced rule's json-logic, recursively,
 * and says which versions it used. A malformed reference, a rule the resolver does not know and
 * a cycle (a rule that reaches itself) are refused together in one 422 {@link RuleError}
 * (`rule.invalid-reference`, `rule.unknown-rule`, `rule.reference-cycle`) whose details point at
 * the reference in the rule given (under `pointer`), naming the chain of rules for nested ones.
 * A rule without references is returned as is.
 *
 * @example
 * ```ts
 * const lib = new Map([['big-discount', { logic: { '>': [{ var: 'discount' }, 20] }, version: 2 }]]);
 * expandRuleReferences({ not: [{ rule: 'big-discount' }] }, (id) => lib.get(id)).logic;
 * // { not: [{ '>': [{ var: 'discount' }, 20] }] }
 * ```
 */
export function expandRuleReferences(logic: unknown, resolve: RuleResolver, pointer = ''): { logic: unknown; used: Map<string, number> } {
  const used = new Map<string, number>();
  const problems: ErrorDetail[] = [];
  const expand = (node: unknown, at: string, chain: string[]): unknown => {
    if (isReference(node)) {
      const id = referenceId(node[RULE_REFERENCE]);
      const via = chain.length > 0 ? ` (through ${chain.map((c) => `"${c}"`).join(' -> ')})` : '';
      if (id === null) {
        problems.push({ pointer: at, code: 'invalid-reference', message: `A rule reference names a saved rule by its id: {"rule": "big-discount"}${via}.` });
        return node;
      }
      if (chain.includes(id)) {
        problems.push({ pointer: at, code: 'reference-cycle', message: `Rule "${id}" refers to itself: ${[...chain, id].map((c) => `"${c}"`).join(' -> ')}.`, params: { rule: id, chain: [...chain, id] } });
        return node;
      }
      if (chain.length >= MAX_EXPANSION_DEPTH) {
        problems.push({ pointer: at, code: 'reference-too-deep', message: `Rule references nest more than ${MAX_EXPANSION_DEPTH} deep${via}.` });
        return node;
      }
      const found = resolve(id);
      if (!found) {
        problems.push({ pointer: at, code: 'unknown-rule', message: `There is no saved rule "${id}"${via}.`, params: { rule: id } });
        return node;
      }
      used.set(id, found.version);
      // Nested problems point at the outermost reference: that is where the document can be fixed.
      return expand(found.logic, at, [...chain, id]);
    }
    if (Array.isArray(node)) return node.map((n, i) => expand(n, chain.length === 0 ? childPointer(at, i) : at, chain));
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, expand(v, chain.length === 0 ? childPointer(at, k) : at, chain)]));
    }
    return node;
  };
  if (ruleReferences(logic).length === 0) return { logic, used };
  const out = expand(logic, pointer, []);
  const first = problems[0];
  if (first) {
    const code = `rule.${first.code ?? 'invalid-reference'}`;
    const message = problems.length === 1 ? first.message : `${first.message} (and ${problems.length - 1} more problem(s))`;
    throw new RuleError({ code, message, pointer: first.pointer, details: problems });
  }
  return { logic: out, used };
}
