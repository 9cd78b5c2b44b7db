import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { SchemaObject as JsonSchema, LoadedEntity } from '../plugins/types';
import type { RuleCompiler } from '../rules/compile';
import type { EvaluationLimits } from '../rules/interpret';
import type { OperatorRegistry } from '../rules/operators/registry';
import type { RuleResolver } from '../rules/references';
import { createAjv, type ValidateFunction } from '../validation/ajv';
import { BUILTIN_ACTION_TYPES } from './builtin-actions';
import { expandRuleReferences } from '../rules/references';

/**
 * What checking and compiling a process needs to know about the platform: the entities and
 * action types the plugins contribute (a {@link Registry} fits), the guard operators and,
 * optionally, the role names transitions and SLAs may name.
 *
 * @example
 * ```ts
 * const ctx: ProcessContext = { entities: registry.entities, actionTypes: registry.actionTypes, operators: processOperators(registry), roles: ['admin', 'manager', 'rep'] };
 * ```
 */
export interface ProcessContext {
  entities: ReadonlyMap<string, LoadedEntity>;
  actionTypes: ReadonlyMap<string, { configSchema?: JsonSchema }>;
  operators?: OperatorRegistry;
  /** Strict validator with the platform schemas; a shared one by default. */
  ajv?: Ajv2020;
  /** Known role names; when given, unknown roles in transitions and SLAs are problems. */
  roles?: readonly string[];
  /** How guards are turned into functions (see `RuleCompiler`); `new Function` by default. */
  ruleCompiler?: RuleCompiler;
  /** Work a guard evaluation may do (`DEFAULT_EVALUATION_LIMITS`, explain's, by default). */
  evaluationLimits?: EvaluationLimits;
  /**
   * The saved rules `{"rule": "<id>"}` references in guards and approval conditions resolve to
   * (ADR 032): the versions a published version pinned, or the latest for a draft. Without it
   * every reference is an unknown rule.
   */
  rules?: RuleResolver;
}

const NO_RULES: RuleResolver = () => undefined;

/**
 * A guard or approval condition with its `{"rule": "<id>"}` references replaced by the saved
 * rules the context resolves (ADR 032); throws a 422 `RuleError` naming each bad reference.
 *
 * @example
 * ```ts
 * const logic = expandedRule(ctx, transition.guard);
 * ```
 */
export function expandedRule(ctx: Pick<ProcessContext, 'rules'>, logic: unknown): unknown {
  return expandRuleReferences(logic, ctx.rules ?? NO_RULES).logic;
}

let shared: Ajv2020 | undefined;

/**
 * The validator of a context (a lazily created shared strict one by default).
 *
 * @example
 * ```ts
 * const ajv = ajvOf(ctx);
 * ```
 */
export function ajvOf(ctx: Pick<ProcessContext, 'ajv'>): Ajv2020 {
  if (ctx.ajv) return ctx.ajv;
  shared ??= createAjv();
  return shared;
}

const compiled = new WeakMap<object, ValidateFunction>();

/**
 * Compiles a schema once per schema object (throws if it does not compile).
 *
 * @example
 * ```ts
 * const validate = compileSchema(ajvOf(ctx), stage.requirements);
 * ```
 */
export function compileSchema(ajv: Ajv2020, schema: JsonSchema): ValidateFunction {
  const hit = compiled.get(schema);
  if (hit) return hit;
  const fn = ajv.compile(schema);
  compiled.set(schema, fn);
  return fn;
}

/**
 * The configuration schema of an action type, built-in or contributed; undefined if unknown.
 *
 * @example
 * ```ts
 * actionTypeOf(ctx, 'core.notify')?.configSchema;
 * ```
 */
export function actionTypeOf(ctx: Pick<ProcessContext, 'actionTypes'>, type: string): { configSchema?: JsonSchema } | undefined {
  return BUILTIN_ACTION_TYPES.get(type) ?? ctx.actionTypes.get(type);
}
