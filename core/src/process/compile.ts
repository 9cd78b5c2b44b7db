import { RuleError } from '../errors';
import { checkRule } from '../rules/check';
import { explain, type ExplainNode } from '../rules/explain';
import { compileTrees, type CompiledRule } from '../rules/compile';
import { DEFAULT_EVALUATION_LIMITS, interpretRule, needsBudget, type EvaluationLimits } from '../rules/interpret';
import { standardOperators } from '../rules/operators/registry';
import type { RuleNode } from '../rules/types';
import { truthy } from '../rules/runtime';
import type { RuleContext } from '../rules/types';
import type { LoadedEntity } from '../plugins/types';
import type { LocalizableText } from '../i18n/text';
import type { ValidateFunction } from '../validation/ajv';
import { ProcessError } from './errors';
import { ajvOf, compileSchema, expandedRule, type ProcessContext } from './context';
import { checkProcess } from './check';
import { movesBetween, nextStages, type Move } from './graph';
import { unmetRequirements, type UnmetRequirements } from './requirements';
import type { ProcessDefinition, StageDefinition, TransitionDefinition } from './types';

/** A compiled guard: the function, its checked tree, and whether it must run under the limits. */
interface Guard {
  fn: CompiledRule;
  tree: RuleNode;
  budgeted: boolean;
  /** Index of its transition in the definition. */
  index: number;
  /** The rule with its saved-rule references replaced (ADR 032): what runs and is explained. */
  logic: unknown;
}

/** Result of evaluating a guard: passed, or failed with the rule engine's explanation. */
/** A guard's verdict; a failed one carries the explanation and the message for the rep (the transition's `guardMessage`, by language, else the explanation's sentence). */
export type GuardResult = { passed: true } | { passed: false; explanation: ExplainNode; message: LocalizableText };

/**
 * A checked process compiled once: stages by id, guards as functions, entry requirements as
 * validators. Everything a transition, a version migration or a backtest evaluates.
 *
 * @example
 * ```ts
 * const p = compileProcess(def, ctx);
 * const move = p.resolveMove('engaging', 'proposal');
 * p.evaluateGuard(move.transition, deal.data);
 * p.checkRequirements('proposal', deal.data);
 * ```
 */
export class CompiledProcess {
  readonly stages: ReadonlyMap<string, StageDefinition>;
  readonly entity: LoadedEntity | undefined;
  readonly #guards = new Map<TransitionDefinition, Guard>();
  readonly #approvals = new Map<TransitionDefinition, Guard>();
  readonly #limits: EvaluationLimits;
  readonly #requirements = new Map<string, ValidateFunction>();

  constructor(
    readonly definition: ProcessDefinition,
    private readonly ctx: ProcessContext,
  ) {
    this.stages = new Map(definition.stages.map((s) => [s.id, s]));
    this.entity = ctx.entities.get(definition.entity);
    const options = { ...(ctx.operators ? { operators: ctx.operators } : {}), ...(this.entity ? { schema: this.entity.schema } : {}), ...(ctx.ruleCompiler ? { compiler: ctx.ruleCompiler } : {}) };
    // All guards of a version in one compilation (compileRules): one compiler call for the lot.
    const guarded = (definition.transitions ?? []).filter((t) => t.guard !== undefined);
    const logics = guarded.map((t) => expandedRule(ctx, t.guard));
    const trees = logics.map((logic) => checkRule(logic, options));
    const guards = compileTrees(trees, options);
    const operators = ctx.operators ?? standardOperators;
    this.#limits = ctx.evaluationLimits ?? DEFAULT_EVALUATION_LIMITS;
    guarded.forEach((t, i) => {
      const tree = trees[i] as RuleNode;
      this.#guards.set(t, { fn: guards[i] as CompiledRule, tree, budgeted: needsBudget(tree, operators), index: (definition.transitions ?? []).indexOf(t), logic: logics[i] });
    });
    for (const s of definition.stages) if (s.requirements) this.#requirements.set(s.id, compileSchema(ajvOf(ctx), s.requirements));
    for (const t of definition.transitions ?? []) {
      if (t.approval?.when === undefined) continue;
      const logic = expandedRule(ctx, t.approval.when);
      const tree = checkRule(logic, options);
      this.#approvals.set(t, { fn: compileTrees([tree], options)[0] as CompiledRule, tree, budgeted: needsBudget(tree, operators), index: (definition.transitions ?? []).indexOf(t), logic });
    }
  }

  /**
   * Whether a move by `t` must wait for approvers (its `approval` applies to this record body:
   * no `when`, or a `when` that holds). A `when` over its budget counts as applying, so the move
   * waits for a person rather than passing unchecked.
   */
  needsApproval(t: TransitionDefinition | undefined, data: Record<string, unknown>, context?: RuleContext): boolean {
    if (!t?.approval) return false;
    const a = this.#approvals.get(t);
    if (!a) return true;
    try {
      return truthy(a.budgeted ? interpretRule(a.tree, data, this.ctx.operators ?? standardOperators, context ?? {}, undefined, this.#limits) : a.fn(data, context));
    } catch (err) {
      if (err instanceof RuleError && err.code === 'rule.budget-exceeded') return true;
      throw err;
    }
  }

  /** The stage with this id, or a 422 {@link ProcessError}. */
  stage(id: string): StageDefinition {
    const s = this.stages.get(id);
    if (!s) throw new ProcessError({ code: 'process.unknown-stage', status: 422, message: `Process "${this.definition.id}" has no stage "${id}".`, details: [{ pointer: '/to', message: 'no such stage', code: 'unknown-stage' }], extensions: { stages: [...this.stages.keys()] } });
    return s;
  }

  /** Stage ids one move away from `from`. */
  nextStages(from: string): string[] {
    return nextStages(this.definition, from);
  }

  /**
   * The move from `from` to `to`, choosing the transition with id `transitionId` when given.
   * Throws 422 `process.transition-not-allowed` (listing the allowed targets) when there is none,
   * and `process.ambiguous-transition` when several match and none was chosen.
   */
  resolveMove(from: string, to: string, transitionId?: string): Move {
    this.stage(to);
    const moves = movesBetween(this.definition, from, to);
    const chosen = transitionId === undefined ? moves : moves.filter((m) => m.transition?.id === transitionId);
    const first = chosen[0];
    if (!first) {
      const why = transitionId === undefined ? `from "${from}" to "${to}"` : `"${transitionId}" from "${from}" to "${to}"`;
      throw new ProcessError({ code: 'process.transition-not-allowed', status: 422, message: `Process "${this.definition.id}" allows no move ${why}.`, details: [{ pointer: transitionId === undefined ? '/to' : '/transition', message: 'not allowed from the current stage', code: 'transition-not-allowed' }], extensions: { from, to, allowed: this.nextStages(from) } });
    }
    if (chosen.length > 1) {
      throw new ProcessError({ code: 'process.ambiguous-transition', status: 422, message: `Several transitions lead from "${from}" to "${to}"; name one in "transition".`, details: [{ pointer: '/transition', message: 'choose a transition', code: 'required' }], extensions: { transitions: chosen.map((m) => m.transition?.id) } });
    }
    return first;
  }

  /**
   * Evaluates a transition's guard on a record body (no guard: passed). A guard whose work can
   * exceed its size (loops, list building, plugin operators: see `needsBudget`) runs in the
   * interpreter under the evaluation limits, as explain does; the others run compiled. A guard
   * that exceeds the limits throws a 422 `process.guard-budget-exceeded` pointing into the
   * definition (`/transitions/<i>/guard/...`), and so does its explanation. A failed guard's
   * explanation is worded in `locale` (English by default).
   */
  evaluateGuard(t: TransitionDefinition | undefined, data: Record<string, unknown>, context?: RuleContext, locale?: string): GuardResult {
    const g = t ? this.#guards.get(t) : undefined;
    if (!t || !g) return { passed: true };
    const operators = this.ctx.operators ?? standardOperators;
    try {
      const result = g.budgeted ? interpretRule(g.tree, data, operators, context ?? {}, undefined, this.#limits) : g.fn(data, context);
      if (truthy(result)) return { passed: true };
      const explanation = explain(g.logic, data, { operators, ...(context ? { context } : {}), budget: this.#limits, ...(locale ? { locale } : {}) });
      return { passed: false, explanation, message: t.guardMessage ?? explanation.sentence };
    } catch (err) {
      if (!(err instanceof RuleError) || err.code !== 'rule.budget-exceeded') throw err;
      const pointer = `/transitions/${g.index}/guard${err.pointer ?? ''}`;
      throw new ProcessError({
        code: 'process.guard-budget-exceeded',
        status: 422,
        message: `The guard of "${t.id ?? t.to}" stopped: ${err.message} (limit: ${this.#limits.maxSteps} steps, lists and texts of ${this.#limits.maxLength}). The move is refused; an admin should simplify the guard.`,
        details: [{ pointer: '', message: err.message, code: 'budget-exceeded' }],
        extensions: { transition: t.id ?? null, process: this.definition.id, guardPointer: pointer, limits: this.#limits },
        pointer,
      });
    }
  }

  /** The stage's entry requirements that `data` does not meet, or null. */
  checkRequirements(stageId: string, data: Record<string, unknown>, prefix = '/data'): UnmetRequirements | null {
    const validate = this.#requirements.get(stageId);
    const s = this.stages.get(stageId);
    if (!validate || !s?.requirements) return null;
    return unmetRequirements(validate, s.requirements, this.entity, data, prefix);
  }
}

/**
 * Checks (see {@link checkProcess}) and compiles a definition; throws a 422 {@link ProcessError}
 * `process.invalid` listing every problem when it does not pass.
 *
 * @example
 * ```ts
 * const compiled = compileProcess(definition, { entities: registry.entities, actionTypes: registry.actionTypes, operators });
 * ```
 */
export function compileProcess(doc: unknown, ctx: ProcessContext): CompiledProcess {
  const { definition, problems } = checkProcess(doc, ctx);
  if (!definition) throw invalidProcess(problems);
  return new CompiledProcess(definition, ctx);
}

/**
 * The 422 error for a definition with problems; details carry the pointers.
 *
 * @example
 * ```ts
 * throw invalidProcess([{ pointer: '/id', code: 'id-changed', message: 'The id must stay "x".' }]);
 * ```
 */
export function invalidProcess(problems: readonly { pointer: string; code: string; message: string; params?: Record<string, unknown> }[]): ProcessError {
  const first = problems[0];
  return new ProcessError({
    code: 'process.invalid',
    status: 422,
    message: `The process definition has ${problems.length} problem(s)${first ? `, first at ${first.pointer || '/'}: ${first.message}` : ''}.`,
    details: problems.map((p) => ({ pointer: p.pointer, message: p.message, code: p.code, ...(p.params ? { params: p.params } : {}) })),
    ...(first ? { pointer: first.pointer } : {}),
  });
}
