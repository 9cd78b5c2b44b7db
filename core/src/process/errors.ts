import { PipewrightError, type PipewrightErrorInit } from '../errors';

/**
 * A process definition, version or transition is refused. User error; status per case
 * (422 for definitions, guards and requirements; 404, 409 or 412 where the request says so).
 *
 * @example
 * ```ts
 * throw new ProcessError({ code: 'process.guard-failed', status: 422, message: 'The guard failed.' });
 * ```
 */
export class ProcessError extends PipewrightError {
  constructor(init: Omit<PipewrightErrorInit, 'kind'>) {
    super({ status: 422, ...init, kind: 'user' });
  }
}
