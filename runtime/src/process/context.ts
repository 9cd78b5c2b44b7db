import { NotFoundError, PipewrightError, type ProcessContext, type Registry } from '@pipewright/core';
import { ROLES } from '../auth/roles';
import { vmRuleCompiler } from '../rules/compiler';

/**
 * The process context of a loaded platform: its entities, action types, rule operators, the
 * role names of the identity model and the runtime's rule compiler.
 *
 * @example
 * ```ts
 * checkProcess(doc, processContextOf(registry));
 * ```
 */
export function processContextOf(registry: Registry): ProcessContext {
  return { entities: registry.entities, actionTypes: registry.actionTypes, operators: registry.ruleOperators, roles: ROLES, ruleCompiler: vmRuleCompiler };
}

/**
 * 404 for a process id that does not exist.
 *
 * @example
 * ```ts
 * throw processNotFound('renewal');
 * ```
 */
export function processNotFound(id: string): NotFoundError {
  return new NotFoundError(`There is no process "${id}".`, { process: id });
}

/**
 * 404 for a version that does not exist.
 *
 * @example
 * ```ts
 * throw versionNotFound('renewal', 3);
 * ```
 */
export function versionNotFound(id: string, version: number | string): NotFoundError {
  return new NotFoundError(`Process "${id}" has no version ${version}.`, { process: id, version });
}

/**
 * 412 for a stale If-Match (draft revision or record version).
 *
 * @example
 * ```ts
 * throw staleRevision('record', 4, 3);
 * ```
 */
export function staleRevision(what: 'record' | 'draft', current: number, expected: number): PipewrightError {
  return new PipewrightError({
    code: what === 'record' ? 'record.stale-version' : 'process.stale-draft',
    status: 412,
    message: `The ${what} changed since you read it: you sent ${what === 'record' ? 'version' : 'revision'} ${expected}, it is at ${current}. Reload and retry.`,
    extensions: { [what === 'record' ? 'currentVersion' : 'currentRevision']: current },
  });
}
