/**
 * The studio's window onto core's rule engine (`core/src/rules/index.ts`). Only the
 * interpreter-based functions are used: `explain` evaluates without eval/`Function`, so it runs
 * under the runtime's CSP. Imported by relative path because `@pipewright/core` exposes the
 * rule engine from `core/src/rules/index.ts` only (no package subpath export yet).
 */
import { createOperatorRegistry, errorDetails, RULE_REFERENCE, explain, isPipewrightError, parseRule, registerBusinessOperators, typeProblems, type ExplainNode, type OperatorRegistry } from './core-rules';
import type { RuleOperatorInfo } from '../api/rules';
import type { JsonSchema } from '../api/types';

export type { ExplainNode, OperatorRegistry };

/** A located problem of a rule: from the parser (structure, allowlist) or the type checker. */
export interface RuleProblem {
  pointer: string;
  message: string;
  code: string;
}

let registry: OperatorRegistry | undefined;
let serverOperators: readonly RuleOperatorInfo[] = [];

/**
 * Thrown by the stand-in of an operator whose code only the runtime has (a company plugin's):
 * {@link explainForStudio} answers `{ server: true }` and the caller asks the server.
 */
export class ServerOnlyOperator extends Error {
  constructor(readonly operator: string) {
    super(`'${operator}' is evaluated on the server`);
  }
}

/**
 * Standard json-logic operators plus the business operators, as the runtime registers them, plus
 * the server's other operators (company plugins') once {@link useServerOperatorList} gave them:
 * those are checked by their signature and evaluated on the server.
 *
 * @example
 * ```ts
 * ruleOperators().list().map((o) => o.name);
 * ```
 */
export function ruleOperators(): OperatorRegistry {
  if (!registry) {
    registry = createOperatorRegistry();
    registerBusinessOperators(registry);
    for (const op of serverOperators) {
      if (op.builtin || registry.has(op.name)) continue;
      const signature = { params: op.signature.params, returns: op.signature.returns, ...(op.signature.rest ? { rest: op.signature.rest } : {}), ...(op.signature.minArgs !== undefined ? { minArgs: op.signature.minArgs } : {}) } as Parameters<OperatorRegistry['register']>[1]['signature'];
      try {
        registry.register(op.owner, { name: op.name, signature, evaluate: () => { throw new ServerOnlyOperator(op.name); }, ...(op.description ? { doc: op.description } : {}) });
      } catch {
        // A name or owner this build refuses: the server's own check still reports on it.
      }
    }
    // A saved rule of the rule library, {"rule": "<id>"} (ADR 032): checked by its shape here,
    // resolved and evaluated by the server, whose check and preview expand it.
    if (!registry.has(RULE_REFERENCE)) registry.register('library', { name: RULE_REFERENCE, signature: { params: ['string'], returns: 'any' }, evaluate: () => { throw new ServerOnlyOperator(RULE_REFERENCE); }, doc: 'A saved rule of the rule library, by id.' });
    registry.freeze();
  }
  return registry;
}

/**
 * Adds the server's operator list (`GET /api/rules/operators`) to {@link ruleOperators}.
 *
 * @example
 * ```ts
 * setServerOperators(await fetchRuleOperators());
 * ```
 */
export function setServerOperators(list: readonly RuleOperatorInfo[]): void {
  serverOperators = list;
  registry = undefined;
}

/**
 * Parses and type-checks a rule against an entity schema without throwing.
 *
 * @example
 * ```ts
 * checkForStudio({ '>': [{ var: 'close_date' }, 5] }, deal.schema); // [{ pointer: '/>/0', ... }]
 * ```
 */
export function checkForStudio(rule: unknown, schema: JsonSchema | undefined): RuleProblem[] {
  const operators = ruleOperators();
  try {
    const tree = parseRule(rule, { operators });
    return typeProblems(tree, { operators, ...(schema ? { schema } : {}) }).map((d) => ({ pointer: d.pointer, message: d.message, code: d.code ?? 'invalid' }));
  } catch (err) {
    if (isPipewrightError(err)) {
      return errorDetails(err).map((d) => ({ pointer: d.pointer, message: d.message, code: d.code ?? err.code }));
    }
    return [{ pointer: '', message: err instanceof Error ? err.message : String(err), code: 'invalid' }];
  }
}

/**
 * Evaluates a rule on a sample record and explains every sub-rule (interpreter, CSP-safe).
 *
 * @example
 * ```ts
 * const tree = explainForStudio(rule, { amount: 5000 });
 * tree.value; tree.sentence;
 * ```
 */
export function explainForStudio(rule: unknown, data: unknown, now: Date = new Date(), locale = 'en'): ExplainNode | { error: string } | { server: true } {
  try {
    return explain(rule, data, { operators: ruleOperators(), context: { now: () => now }, locale });
  } catch (err) {
    if (err instanceof ServerOnlyOperator) return { server: true };
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
