/**
 * Re-exports of core's rule engine and errors used by the studio, in one place. The subpath
 * exports keep core's root index (ajv, plugin loader) out of the browser bundle.
 */
export { createOperatorRegistry, explain, parseRule, registerBusinessOperators, RULE_REFERENCE, typeProblems, STANDARD_OPERATORS, type ExplainNode, type OperatorRegistry } from '@pipewright/core/rules';
export { errorDetails, isPipewrightError } from '@pipewright/core/errors';
