/**
 * The rule engine: json-logic rules parsed to a typed tree, checked (allowlist, caps, paths,
 * entity schema types), compiled once to a JavaScript function, explained, analysed for the
 * fields they read and translated to SQL. See docs/adr/002-rule-engine.md.
 */
export type { ArrayNode, JsonPrimitive, JsonSchema, JsonValue, LiteralNode, OpNode, RuleContext, RuleLimits, RuleNode, ValueType, VarNode } from './types';
export { DEFAULT_RULE_LIMITS } from './types';
export type { OperatorDefinition, OperatorSignature, RegisteredOperator } from './operators/definition';
export { BUILTIN_OWNER } from './operators/definition';
export { OperatorRegistry, createOperatorRegistry, standardOperators } from './operators/registry';
export { STANDARD_OPERATORS } from './operators/standard';
export { BUSINESS_OWNER, daysBetween, daysSince, inRange, pctOfTarget, registerBusinessOperators, businessOperators } from './operators/business';
export { epochDay } from './operators/dates';
export { parseRule, parseRuleJson, type ParseOptions } from './parse';
export { checkRule, typeProblems, type CheckOptions } from './check';
export { compileRule, compileRules, compileTree, compileTrees, functionConstructorCompiler, type CompileOptions, type CompiledRule, type RuleCompiler } from './compile';
export { explain, label as ruleLabel, type ExplainNode, type ExplainOptions } from './explain';
export type { EvaluationLimits } from './interpret';
export { DEFAULT_EVALUATION_LIMITS, interpretRule, needsBudget } from './interpret';
export { ANY_FIELD, fieldsRead } from './fields';
export { lookupField, schemaType, type FieldLookup } from './schema-types';
export { truthy, nowMillis } from './runtime';
export { toSql, toSqlValue, type SqlValue, type ToSqlOptions } from './sql/to-sql';
export { joinSql, renderPostgres, sqlFragment, sqlParam, SqlParam, type SqlFragment, type SqlOperand, type SqlOperatorContext, type SqlType } from './sql/fragment';
export { sqlUtcDay } from './sql/dates';
export * as ruleCorpus from './corpus/index';
export { RULE_ID_PATTERN, RULE_REFERENCE, expandRuleReferences, ruleReferences, type ResolvedRule, type RuleReference, type RuleResolver } from './references';
