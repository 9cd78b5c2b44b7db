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
  /** Language of the sentences: `zh-CN` for Simplified Chinese, else English (ADR 019). */
  locale?: string;
}

type Words = typeof EN;
const EN = {
  notEvaluated: (l: string) => `${l} was not evaluated`,
  passed: 'passed',
  failed: 'failed',
  missingValue: (l: string) => `${l} is missing`,
  is: (l: string, v: string) => `${l} is ${v}`,
  allPassed: (n: number) => `all ${n} conditions passed`,
  notAll: (s: string) => `not all conditions passed: ${s}`,
  none: (n: number) => `none of ${n} alternatives passed`,
  one: (s: string) => `an alternative passed: ${s}`,
  not: (s: string, v: string) => `not (${s}) ${v}`,
  truthy: (s: string, v: string) => `${s} (${v})`,
  missing: (f: string) => `missing: ${f}`,
  noneMissing: 'no required field is missing',
  gave: (l: string, v: string) => `${l} gave ${v}`,
  over: (op: string, l: string, n: number, v: string) => `${op} over ${l} (${n} items) gave ${v}`,
  verdict: (l: string, v: string, f: string) => `${l} ${v}${f}`,
  factsSep: ', ',
  factsLead: ': ',
};
const ZH: Words = {
  notEvaluated: (l) => `${l} 未计算`,
  passed: '成立',
  failed: '不成立',
  missingValue: (l) => `${l} 未填写`,
  is: (l, v) => `${l} 为 ${v}`,
  allPassed: (n) => `全部 ${n} 个条件成立`,
  notAll: (s) => `并非全部条件成立：${s}`,
  none: (n) => `${n} 个备选条件均不成立`,
  one: (s) => `有一个备选条件成立：${s}`,
  not: (s, v) => `非（${s}）${v}`,
  truthy: (s, v) => `${s}（${v}）`,
  missing: (f) => `缺少：${f}`,
  noneMissing: '没有缺少必填字段',
  gave: (l, v) => `${l} 的结果为 ${v}`,
  over: (op, l, n, v) => `对 ${l}（${n} 项）执行 ${op} 的结果为 ${v}`,
  verdict: (l, v, f) => `${l} ${v}${f}`,
  factsSep: '，',
  factsLead: '：',
};
const wordsFor = (locale: string | undefined): Words => (locale === 'zh-CN' || locale?.startsWith('zh') ? ZH : EN);

function build(node: RuleNode, values: Map<RuleNode, unknown>, options: ExplainOptions): ExplainNode {
  const evaluated = values.has(node);
  const value = values.get(node);
  const childNodes = node.kind === 'op' ? node.args : node.kind === 'array' ? node.items : node.kind === 'var' ? [node.dynamic, node.fallback].filter((n) => n !== undefined) : [];
  const children = node.kind === 'op' && isScoped(node.op) ? childNodes.filter((_, i) => i !== 1).map((c) => build(c, values, options)) : childNodes.map((c) => build(c, values, options));
  const op = node.kind === 'op' ? node.op : node.kind;
  const base = { pointer: node.pointer, op, evaluated, value, passed: truthy(value) };
  return { ...base, children, sentence: evaluated ? sentence(node, value, children, options) : wordsFor(options.locale).notEvaluated(label(node)) };
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

function facts(children: readonly ExplainNode[], w: Words): string {
  const found = children.filter((c) => c.op === 'var' && c.evaluated).map((c) => c.sentence);
  return found.length > 0 ? `${w.factsLead}${found.join(w.factsSep)}` : '';
}

function sentence(node: RuleNode, value: unknown, children: readonly ExplainNode[], options: ExplainOptions): string {
  const w = wordsFor(options.locale);
  const verdict = truthy(value) ? w.passed : w.failed;
  switch (node.kind) {
    case 'literal':
    case 'array':
      return show(value);
    case 'var':
      return value === null ? w.missingValue(label(node)) : w.is(label(node), show(value));
    case 'op':
      break;
  }
  const { op } = node;
  if (COMPARISON_OPERATORS.has(op)) return w.verdict(label(node), verdict, facts(children, w));
  switch (op) {
    case 'and': {
      const failed = children.find((c) => c.evaluated && !c.passed);
      return failed === undefined ? w.allPassed(children.length) : w.notAll(failed.sentence);
    }
    case 'or': {
      const ok = children.find((c) => c.evaluated && c.passed);
      return ok === undefined ? w.none(children.length) : w.one(ok.sentence);
    }
    case '!':
      return w.not(children[0]?.sentence ?? '', verdict);
    case '!!':
      return w.truthy(children[0]?.sentence ?? '', verdict);
    case 'missing':
    case 'missing_some':
      return Array.isArray(value) && value.length > 0 ? w.missing(value.map(String).join(', ')) : w.noneMissing;
    case 'if':
    case '?:':
      return w.gave(label(node).slice(0, 60), show(value));
  }
  const definition = (options.operators ?? standardOperators).get(op)?.definition;
  const args = children.map((c) => c.value);
  // an operator's own sentence (plugin operators describe themselves in English)
  if (definition?.describe !== undefined) return definition.describe(args, value);
  if (isScoped(op)) {
    const items = children[0]?.value;
    return w.over(op, label(node.args[0] as RuleNode), Array.isArray(items) ? items.length : 0, show(value));
  }
  return w.is(label(node), show(value)) + facts(children, w);
}
