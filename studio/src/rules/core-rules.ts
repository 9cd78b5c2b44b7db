/**
 * Re-exports of core's rule engine and errors used by the studio, in one place, so a future
 * `@pipewright/core/rules` subpath export is a one-line change. Imported by relative path so
 * the browser bundle does not pull core's root index (ajv, plugin loader).
 */
export { createOperatorRegistry, explain, parseRule, registerSalesOperators, typeProblems, STANDARD_OPERATORS, type ExplainNode, type OperatorRegistry } from '../../../core/src/rules/index';
export { isPipewrightError } from '../../../core/src/errors';
