import type { OperatorSignature } from './definition';

/**
 * json-logic-js 2.0.5's standard operators with the arity the checker enforces. Extra or
 * missing arguments that json-logic would silently ignore are refused as authoring mistakes.
 */
export const STANDARD_OPERATORS: Readonly<Record<string, OperatorSignature>> = Object.freeze({
  '==': { params: ['any', 'any'], returns: 'boolean' },
  '===': { params: ['any', 'any'], returns: 'boolean' },
  '!=': { params: ['any', 'any'], returns: 'boolean' },
  '!==': { params: ['any', 'any'], returns: 'boolean' },
  '>': { params: ['any', 'any'], returns: 'boolean' },
  '>=': { params: ['any', 'any'], returns: 'boolean' },
  '<': { params: ['any', 'any', 'any'], minArgs: 2, returns: 'boolean' },
  '<=': { params: ['any', 'any', 'any'], minArgs: 2, returns: 'boolean' },
  '!!': { params: ['any'], returns: 'boolean' },
  '!': { params: ['any'], returns: 'boolean' },
  '%': { params: ['number', 'number'], returns: 'number' },
  '/': { params: ['number', 'number'], returns: 'number' },
  '-': { params: ['number', 'number'], minArgs: 1, returns: 'number' },
  '+': { params: [], rest: 'number', returns: 'number' },
  '*': { params: ['number'], rest: 'number', returns: 'number' },
  min: { params: [], rest: 'number', returns: 'number' },
  max: { params: [], rest: 'number', returns: 'number' },
  log: { params: ['any'], returns: 'any' },
  in: { params: ['any', 'any'], returns: 'boolean' },
  cat: { params: [], rest: 'any', returns: 'string' },
  substr: { params: ['any', 'number', 'number'], minArgs: 2, returns: 'string' },
  merge: { params: [], rest: 'any', returns: 'array' },
  var: { params: ['any', 'any'], minArgs: 0, returns: 'any' },
  missing: { params: [], rest: 'any', returns: 'array' },
  missing_some: { params: ['number', 'any'], returns: 'array' },
  if: { params: [], rest: 'any', returns: 'any' },
  '?:': { params: [], rest: 'any', returns: 'any' },
  and: { params: [], rest: 'any', returns: 'any' },
  or: { params: [], rest: 'any', returns: 'any' },
  map: { params: ['array', 'any'], returns: 'array' },
  filter: { params: ['array', 'any'], returns: 'array' },
  reduce: { params: ['array', 'any', 'any'], minArgs: 2, returns: 'any' },
  all: { params: ['array', 'any'], returns: 'boolean' },
  some: { params: ['array', 'any'], returns: 'boolean' },
  none: { params: ['array', 'any'], returns: 'boolean' },
});

/** Operators whose second argument is evaluated once per element of the first. */
export const SCOPED_OPERATORS: ReadonlySet<string> = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none']);

/** Comparison operators (type-checked pairwise). */
export const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(['==', '===', '!=', '!==', '>', '>=', '<', '<=']);

/** Arithmetic operators (operands must be numeric). */
export const ARITHMETIC_OPERATORS: ReadonlySet<string> = new Set(['+', '-', '*', '/', '%', 'min', 'max']);
