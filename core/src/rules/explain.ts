import { checkRule } from './check';
import type { CompileOptions } from './compile';
import { interpretRule, type EvaluationLimits } from './interpret';
import { standardOperators } from './operators/registry';
import { COMPARISON_OPERATORS } from './operators/standard';
import { truthy } from './runtime';
import type { RuleNode } from './types';

/**
 * One node of an explanation: the value of a sub-rule for the given record, whether it was
 * evaluated at all (and/or/if short-circuit), and a sentence for the person who is blocked.
 */
export interface ExplainNode {
  readonly pointer: string;
  /** Operator name, or `literal` / `array` / `var`. */
  readonly op: string;
  readonly evaluated: boolean;
  readonly value: unknown;
  /** json-logic truthiness of `value`. */
  readonly passed: boolean;
  readonly sentence: string;
  readonly children: readonly ExplainNode[];
}

/**
 * Evaluates `rule` on `data` with the interpreter (no eval / `Function`, so it runs under a
 * strict CSP) and returns the value of every sub-rule as a tree. `explain(...).value` equals the
 * compiled rule's result. Sub-rules inside map/filter/reduce/all/some/none bodies run once per
 * element and are summarised by their operator's node.
 *
 * @example
 * ```ts
 * explain({ '>=': [{ var: 'amount' }, 10000] }, { amount: 5000 }).sentence;
 * // "amount >= 10000 failed: amount is 5000"
 * ```
 */
export function explain(rule: unknown, data: unknown, options: ExplainOptions = {}): ExplainNode {
  const operators = options.operators ?? standardOperators;
  const tree = checkRule(rule, options);
  const values = new Map<RuleNode, unknown>();
  interpretRule(tree, data, operators, options.context ?? {}, (node, value) => values.set(node, value), options.budget);
  return build(tree, values, options);
}

/**
 * Options of {@link explain}: those of `compileRule`, plus limits on the work of the evaluation
 * (see {@link EvaluationLimits}) for rules or records nobody vetted.
 *
 * @example
 * ```ts
 * explain(rule, sample, { operators, budget: { maxSteps: 1_000_000, maxLength: 100_000 } });
 * ```
 */
export interface ExplainOptions extends CompileOptions {
  budget?: EvaluationLimits;
}

function build(node: RuleNode, values: Map<RuleNode, unknown>, options: CompileOptions): ExplainNode {
  const evaluated = values.has(node);
  const value = values.get(node);
  const childNodes = node.kind === 'op' ? node.args : node.kind === 'array' ? node.items : node.kind === 'var' ? [node.dynamic, node.fallback].filter((n) => n !== undefined) : [];
  const children = node.kind === 'op' && isScoped(node.op) ? childNodes.filter((_, i) => i !== 1).map((c) => build(c, values, options)) : childNodes.map((c) => build(c, values, options));
  const op = node.kind === 'op' ? node.op : node.kind;
  const base = { pointer: node.pointer, op, evaluated, value, passed: truthy(value) };
  return { ...base, children, sentence: evaluated ? sentence(node, value, children, options) : `${label(node)} was not evaluated` };
}

function isScoped(op: string): boolean {
  return op === 'map' || op === 'filter' || op === 'reduce' || op === 'all' || op === 'some' || op === 'none';
}

/** Short human label of a sub-rule: a field name, a constant, or `op(…)`. */
export function label(node: RuleNode): string {
  switch (node.kind) {
    case 'literal':
      return show(node.value);
    case 'array':
      return `[${node.items.map(label).join(', ')}]`;
    case 'var':
      return node.path === null ? (node.dynamic === undefined ? 'the record' : 'a computed field') : node.path.join('.');
    case 'op':
      if (COMPARISON_OPERATORS.has(node.op) || ['+', '-', '*', '/', '%'].includes(node.op)) return node.args.map(label).join(` ${node.op} `);
      return `${node.op}(${node.args.map(label).join(', ').slice(0, 80)})`;
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function facts(children: readonly ExplainNode[]): string {
  const found = children.filter((c) => c.op === 'var' && c.evaluated).map((c) => (c.value === null ? `${c.sentence}` : c.sentence));
  return found.length > 0 ? `: ${found.join(', ')}` : '';
}

function sentence(node: RuleNode, value: unknown, children: readonly ExplainNode[], options: CompileOptions): string {
  const verdict = truthy(value) ? 'passed' : 'failed';
  switch (node.kind) {
    case 'literal':
    case 'array':
      return show(value);
    case 'var':
      return value === null ? `${label(node)} is missing` : `${label(node)} is ${show(value)}`;
    case 'op':
      break;
  }
  const { op } = node;
  if (COMPARISON_OPERATORS.has(op)) return `${label(node)} ${verdict}${facts(children)}`;
  switch (op) {
    case 'and': {
      const failed = children.find((c) => c.evaluated && !c.passed);
      return failed === undefined ? `all ${children.length} conditions passed` : `not all conditions passed: ${failed.sentence}`;
    }
    case 'or': {
      const ok = children.find((c) => c.evaluated && c.passed);
      return ok === undefined ? `none of ${children.length} alternatives passed` : `an alternative passed: ${ok.sentence}`;
    }
    case '!':
      return `not (${children[0]?.sentence ?? ''}) ${verdict}`;
    case '!!':
      return `${children[0]?.sentence ?? ''} (${verdict})`;
    case 'missing':
    case 'missing_some':
      return Array.isArray(value) && value.length > 0 ? `missing: ${value.map(String).join(', ')}` : 'no required field is missing';
    case 'if':
    case '?:':
      return `${label(node).slice(0, 60)} gave ${show(value)}`;
  }
  const definition = (options.operators ?? standardOperators).get(op)?.definition;
  const args = children.map((c) => c.value);
  if (definition?.describe !== undefined) return definition.describe(args, value);
  if (isScoped(op)) {
    const items = children[0]?.value;
    return `${op} over ${label(node.args[0] as RuleNode)} (${Array.isArray(items) ? items.length : 0} items) gave ${show(value)}`;
  }
  return `${label(node)} is ${show(value)}${facts(children)}`;
}
